/**
 * Before/after bench of the fused BiGRU (issue 5): the training step of scripts/bench-train-step.ts as it was when
 * the GRU was replaced, with `--gru fused|layers` choosing FusedBiGru or tfjs-layers' bidirectional(gru).
 *
 * Times one training step (forward, backward, Adam via optimizer.minimize) of the reference CRNN of issue 5:
 * input [B, 500, 64]; 7 × (Conv2D 3×3 same, no bias + BatchNorm + ReLU), filters 16 32 64 128 128 128 128,
 * pools (2,4) (2,4) (1,2) (1,2) – – –; [B, 125, 128]; BiGRU 64 per direction; Dense(10, sigmoid) per frame;
 * mean over time; Adam 1e-3; binary cross-entropy; random inputs.
 *
 *   node --import tsx scripts/bench-bigru.ts [--backend wasm|cpu|tensorflow|auto] [--batch 8] [--warmup 2] [--steps 5]
 *     [--gru fused|layers]
 *
 * Prints one JSON line: {"bench":"train_step","backend":…,"batch":…,"step_ms_median":…,"step_ms_min":…,"steps":…}.
 */
import * as tf from '@tensorflow/tfjs-core';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { selectBackend, type BackendName } from '../src/backend/select.ts';
import { REFERENCE_NET, referenceTrainStep } from '../src/bench/train-bench.ts';
import { buildCrnn } from '../src/model/crnn.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string', default: '8' },
    warmup: { type: 'string', default: '2' },
    steps: { type: 'string', default: '5' },
    gru: { type: 'string', default: 'fused' },
  },
});
const batch = Number(values.batch);
const warmup = Number(values.warmup);
const steps = Number(values.steps);

const choice = await selectBackend(values.backend as BackendName);
console.error(`backend ${choice.backend}: ${choice.reason}`);
const model = buildCrnn({
  net: REFERENCE_NET,
  pooling: { head: 'average', n_init: 1, lambda: 0, lr: null, warmup_epochs: 0, unfreeze_f1: null },
  nMels: 64,
  nClasses: 10,
  frames: 500,
  gru: values.gru as 'fused' | 'layers',
});
const x = tf.randomNormal([batch, 500, 64], 0, 1, 'float32', 1);
const y = tf.tensor2d(Float32Array.from({ length: batch * 10 }, (_, i) => (i * 7919) % 3 === 0 ? 1 : 0), [batch, 10]);
const optimizer = tf.train.adam(1e-3);
const step = (): number => referenceTrainStep(model, optimizer, x, y);

for (let i = 0; i < warmup; i++) step();
const times: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times.length % 2 ? times[(times.length - 1) / 2]! : (times[times.length / 2 - 1]! + times[times.length / 2]!) / 2;
console.log(
  JSON.stringify({
    bench: 'train_step',
    backend: choice.backend,
    gru: values.gru,
    batch,
    step_ms_median: Math.round(median),
    step_ms_min: Math.round(times[0]!),
    steps,
  }),
);
