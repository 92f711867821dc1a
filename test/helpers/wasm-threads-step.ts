/**
 * Child of test/wasm-threads.test.ts: two Adam training steps of the reference CRNN (src/bench/train-bench.ts) at
 * batch 2 on the wasm backend with `--threads N`, from weights and inputs that depend only on fixed seeds. Prints one
 * JSON line: the threads wasm reports, selectBackend's reason, both losses, and a SHA-256 of every weight afterwards
 * (float32 bytes in trainableWeights order), so runs at different thread counts can be compared bit for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { selectBackend } from '../../src/backend/select.ts';
import { REFERENCE_NET, referenceTrainStep } from '../../src/bench/train-bench.ts';
import { buildCrnn } from '../../src/model/crnn.ts';
import { Rng, withMathRandom } from '../../src/util/rng.ts';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' } } });
const choice = await selectBackend('wasm', { threads: Number(values.threads) });
const frames = 500;
const model = await withMathRandom(new Rng(7), async () =>
  buildCrnn({
    net: REFERENCE_NET,
    pooling: { head: 'average', n_init: 1, lambda: 0, lr: null, warmup_epochs: 0, unfreeze_f1: null },
    nMels: 64,
    nClasses: 10,
    frames,
  }),
);
const x = tf.randomNormal([2, frames, 64], 0, 1, 'float32', 11); // [batch, frames, mels]
const y = tf.tensor2d(Float32Array.from({ length: 20 }, (_, i) => (i % 3 === 0 ? 1 : 0)), [2, 10]); // [batch, classes]
const optimizer = tf.train.adam(1e-3);
const losses: number[] = [];
for (let step = 0; step < 2; step++) losses.push(referenceTrainStep(model, optimizer, x, y));
const hash = createHash('sha256');
for (const w of model.trainableWeights) {
  const a = w.read().dataSync() as Float32Array;
  hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}
console.log(JSON.stringify({ threads: getThreadsCount(), reason: choice.reason, losses, weights_sha256: hash.digest('hex') }));
