import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend/select.ts';
import { resolveConfig } from '../src/config/load.ts';
import type { NetConfig, PoolingConfig } from '../src/config/types.ts';
import { runFeatures } from '../src/features/run-features.ts';
import { buildCrnn } from '../src/model/crnn.ts';
import { synthesizeDataset } from '../src/synth/synthesize.ts';
import { stepProbe, trainStep } from '../src/train/accumulate.ts';
import type { Batch, BatchShape } from '../src/data/batch.ts';
import {
  HEADROOM,
  OutOfMemoryError,
  chooseMicroBatch,
  guardMemory,
  isOutOfMemory,
  memoryLimit,
  resolveMicroBatch,
  WASM_HEAP_MAX_BYTES,
} from '../src/backend/micro-batch.ts';
import { poolingHooks } from '../src/model/pooling-hooks.ts';
import { runTrain } from '../src/train/train.ts';
import { silentLogger } from '../src/util/log.ts';
import { Rng, withMathRandom } from '../src/util/rng.ts';
import { rng } from './helpers/tensors.ts';

const MIB = 2 ** 20;

test('chooseMicroBatch: the largest m with fixed + m · perClip ≤ HEADROOM · limit, capped at the batch size', () => {
  const probe = { peak1: 0, peak2: 0, fixedBytes: 10 * MIB, perClipBytes: 100 * MIB };
  const limit = (mib: number) => ({ bytes: mib * MIB, source: 'test' });
  // 0.75 · 1000 MiB = 750 MiB: 10 + 7 · 100 = 710 fits, 810 does not
  assert.equal(HEADROOM, 0.75);
  assert.equal(chooseMicroBatch(probe, limit(1000), 24, 'wasm'), 7);
  assert.equal(chooseMicroBatch(probe, limit(1000), 4, 'wasm'), 4);
  // 0.75 · 146 = 109.5 ≥ 110? no: not even one clip
  assert.throws(
    () => chooseMicroBatch(probe, limit(146), 24, 'wasm'),
    (err: unknown) => err instanceof OutOfMemoryError && err.exitCode === 2 && /one clip needs 0\.11 GiB .*0\.75 × 0\.14 GiB.*tensorflow backend/.test(err.message),
  );
  assert.equal(chooseMicroBatch(probe, limit(147), 24, 'wasm'), 1); // 110.25 ≥ 110
});

test('memory limits: wasm32 heap, free host memory, or train.memory_limit_gib', () => {
  assert.equal(memoryLimit('wasm', null).bytes, 4 * 2 ** 30 - 64 * 1024);
  assert.equal(memoryLimit('wasm', null).bytes, WASM_HEAP_MAX_BYTES);
  assert.equal(memoryLimit('tensorflow', 2).bytes, 2 * 2 ** 30);
  assert.ok(memoryLimit('cpu', null).bytes > 0);
});

test('out-of-memory errors of each backend are recognised; others are not', () => {
  // wasm trap (the crash), emscripten's abort, libtensorflow (tfjs-node), V8 typed-array allocation
  for (const msg of ['memory access out of bounds', 'Aborted(OOM)', 'OOM when allocating tensor with shape[24,864,64,128]', 'Resource exhausted: OOM', 'Array buffer allocation failed'])
    assert.ok(isOutOfMemory(new Error(msg)), msg);
  assert.ok(!isOutOfMemory(new Error("Kernel 'Foo' not registered for backend 'wasm'")));
  const choice = { micro: 4, how: 'auto' as const, limit: { bytes: WASM_HEAP_MAX_BYTES, source: "wasm32's heap" }, probe: null, predictedBytes: 3 * 2 ** 30 };
  assert.throws(
    () => guardMemory(choice, 'wasm', () => { throw new WebAssembly.RuntimeError('memory access out of bounds'); }),
    (err: unknown) => err instanceof OutOfMemoryError && err.exitCode === 2 && /4 clip\(s\).*predicted 3\.00 GiB.*4\.00 GiB.*smaller train\.micro_batch.*--resume/.test(err.message) && !err.message.includes('\n'),
  );
  assert.throws(() => guardMemory(choice, 'wasm', () => { throw new TypeError('a bug'); }), TypeError);
  assert.equal(guardMemory(choice, 'wasm', () => 5), 5);
});

// A net whose per-clip memory dominates: 64 frames × 32 mels, 8-channel convs at full resolution.
const net: NetConfig = {
  conv: [
    { filters: 8, kernel: [3, 3], batch_norm: true, activation: 'glu', pool: [2, 2], dropout: 0.2 },
    { filters: 8, kernel: [3, 3], batch_norm: true, activation: 'glu', pool: [2, 2], dropout: 0.2 },
  ],
  rnn: { type: 'bigru', units: 8, layers: 1, dropout: 0 },
  dropout: 0.2,
};
const pooling: PoolingConfig = { head: 'power', n_init: 1, lambda: 1e-3, lr: null, warmup_epochs: 0, unfreeze_f1: null };
const shape: BatchShape = { frames: 64, nMels: 32, outFrames: 16, outGrid: { sampleRateHz: 16000, hopSamples: 400, timePool: 4 } };

function randomBatch(size: number): Batch {
  const r = rng(9);
  const x = Float32Array.from({ length: size * shape.frames * shape.nMels }, () => 2 * r() - 1);
  const weakMask = Float32Array.from({ length: size }, (_, i) => (i % 4 < 2 ? 1 : 0));
  const strongMask = Float32Array.from({ length: size }, (_, i) => (i % 4 === 1 ? 1 : 0));
  return { x, yWeak: new Float32Array(size * 4).map((_, i) => (i % 3 ? 0 : 1)), yStrong: new Float32Array(size * shape.outFrames * 4), weakMask, strongMask, size, clips: [] };
}

test('wasm: auto picks the largest micro-batch whose measured step peak stays within HEADROOM · limit', async () => {
  await selectBackend('wasm');
  const model = await withMathRandom(new Rng(1), async () => buildCrnn({ net, pooling, nMels: shape.nMels, nClasses: 4, frames: shape.frames }));
  const teacher = await withMathRandom(new Rng(2), async () => buildCrnn({ net, pooling, nMels: shape.nMels, nClasses: 4, frames: shape.frames }));
  const hooks = poolingHooks(model);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const poolingVars = new Set(hooks.head.trainableWeights.map((w) => (w.read() as tf.Variable).name));
  const batch = randomBatch(12);
  // the real peak of a step at micro-batch m, measured on trainStep itself (SGD with lr 0, so nothing changes)
  const sgd = tf.train.sgd(0);
  const peakAt = async (m: number) => (await tf.profile(() => void trainStep(model, teacher, hooks, batch, shape, vars, poolingVars, { main: sgd, pooling: sgd, lambda: 1e-3, strongWeight: 1, consistencyWeight: 1, poolingGate: null }, m))).peakBytes;
  const peak3 = await peakAt(3);
  const peak4 = await peakAt(4);
  // a limit between the peaks of 3 and 4 clips: the trap point (what no longer fits) is 4
  const limitGib = (peak3 + peak4) / 2 / HEADROOM / 2 ** 30;
  const choice = await resolveMicroBatch('auto', 12, 'wasm', limitGib, stepProbe(model, teacher, hooks, batch, shape, vars));
  assert.equal(choice.micro, 3, `peaks ${peak3} ${peak4}, probe ${JSON.stringify(choice.probe)}`);
  assert.ok(peak3 <= HEADROOM * limitGib * 2 ** 30);
  // the probe's linear fit predicts the measured peaks within 5 %
  for (const [m, peak] of [[3, peak3], [4, peak4]] as const) {
    const predicted = choice.probe!.fixedBytes + m * choice.probe!.perClipBytes;
    assert.ok(Math.abs(predicted - peak) <= 0.05 * peak, `m ${m}: predicted ${predicted}, measured ${peak}`);
  }
  // a number is taken as given, capped at the batch size, without probing
  assert.deepEqual((await resolveMicroBatch(5, 12, 'wasm', null, () => assert.fail('no probe'))).micro, 5);
  assert.deepEqual((await resolveMicroBatch(50, 12, 'wasm', null, () => assert.fail('no probe'))).micro, 12);
  model.dispose();
  teacher.dispose();
});

test('train: a limit that not even one clip fits stops before the first step with exit code 2; the same folder then trains', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sed-micro-'));
  const config = (train: Record<string, unknown>) =>
    resolveConfig({
      data: { layout: 'dcase2019', root: join(tmp, 'synth') },
      features: { n_fft: 512, win_length: 512, hop_length: 640, n_mels: 16, f_max: 8000 },
      net: { conv: [{ filters: 4, kernel: [3, 3], pool: [2, 4] }], rnn: { type: 'bigru', units: 4, layers: 1 } },
      train: { epochs: 1, batch_size: 6, backend: 'wasm', select_metric: 'clip_f1_macro', mean_teacher: { enabled: true }, ...train },
    });
  await synthesizeDataset({ layout: 'dcase2019', outDir: join(tmp, 'synth'), clips: 4, seed: 2, validationClips: 2, unlabeledClips: 2, syntheticStrongClips: 2 });
  const c = config({});
  await runFeatures(c.data, c.features, { out: join(tmp, 'features') }, silentLogger, { jobs: 1 });
  const paths = { features: join(tmp, 'features'), out: join(tmp, 'run') };
  await assert.rejects(
    runTrain(config({ memory_limit_gib: 1e-6 }), paths, silentLogger),
    (err: unknown) => err instanceof OutOfMemoryError && err.exitCode === 2 && /one clip needs .* GiB .*train\.memory_limit_gib/.test(err.message),
  );
  assert.ok(!existsSync(join(paths.out, 'metrics.jsonl')), 'no training happened');
  // micro-batch 2 of batch 6 (3 passes per step): the run completes and writes n_c.json
  const summary = await runTrain(config({ micro_batch: 2 }), paths, silentLogger);
  assert.equal(summary.epochs, 1);
  assert.ok(existsSync(join(paths.out, 'n_c.json')));
});

test('config: train.micro_batch is auto (the default) or an integer >= 1; memory_limit_gib null or > 0', () => {
  assert.equal(resolveConfig({}).train.micro_batch, 'auto');
  assert.equal(resolveConfig({ train: { micro_batch: 4 } }).train.micro_batch, 4);
  for (const bad of [0, 2.5, 'big']) assert.throws(() => resolveConfig({ train: { micro_batch: bad } }), /train\.micro_batch: must be/);
  assert.throws(() => resolveConfig({ train: { memory_limit_gib: 0 } }), /train\.memory_limit_gib/);
});
