/**
 * Measures a training step of the DCASE 2019 net (configs/dcase2019.yaml: 864 frames × 64 mels, 10 classes, power
 * pooling, mean teacher) by gradient accumulation, on random data with the baseline's batch composition
 * (batch_size/4 weak, batch_size/4 synthetic strong, batch_size/2 unlabeled; DCASE2019_task4 baseline/main.py).
 *
 *   node --import tsx scripts/measure-micro-batch.ts [--backend wasm] [--micro auto|N] [--batch 24] [--steps 2]
 *
 * Prints one JSON line: the micro-batch (and the probe's fit with auto), with --peak the peak tensor bytes of a step
 * (tf.profile, which slows the step), the wasm heap size after the steps, and the seconds of each step. Run one
 * micro-batch per process: a wasm trap leaves the module unusable.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend, type BackendName } from '../src/backend/select.ts';
import { loadConfig } from '../src/config/load.ts';
import { buildCrnn, timePoolingFactor } from '../src/model/crnn.ts';
import { stepProbe, trainStep } from '../src/train/accumulate.ts';
import type { Batch, BatchShape } from '../src/data/batch.ts';
import { resolveMicroBatch } from '../src/backend/micro-batch.ts';
import { poolingHooks } from '../src/model/pooling-hooks.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    micro: { type: 'string', default: 'auto' },
    batch: { type: 'string', default: '24' },
    steps: { type: 'string', default: '2' },
    'memory-limit-gib': { type: 'string' },
    /** Run the steps under tf.profile for their peak tensor bytes (slower: not for timing). */
    peak: { type: 'boolean', default: false },
  },
});
const cfg = loadConfig(fileURLToPath(new URL('../configs/dcase2019.yaml', import.meta.url)));
const backend = await selectBackend(values.backend as BackendName);
const batchSize = Number(values.batch);
const nMels = cfg.features.n_mels;
const nClasses = 10;
const pool = timePoolingFactor(cfg.net);
const frames = 864 - (864 % pool);
const shape: BatchShape = { frames, nMels, outFrames: frames / pool, outGrid: { sampleRateHz: 44100, hopSamples: 511, timePool: pool } };

function compositionBatch(size: number, seed: number): Batch {
  let s = seed >>> 0;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const weak = Math.floor(size / 4);
  const strong = Math.floor(size / 4);
  const weakMask = Float32Array.from({ length: size }, (_, i) => (i < weak + strong ? 1 : 0));
  const strongMask = Float32Array.from({ length: size }, (_, i) => (i >= weak && i < weak + strong ? 1 : 0));
  const x = Float32Array.from({ length: size * frames * nMels }, () => 2 * r() - 1);
  const yWeak = Float32Array.from({ length: size * nClasses }, (_, i) => (weakMask[Math.floor(i / nClasses)] && r() < 0.2 ? 1 : 0));
  const per = shape.outFrames * nClasses;
  const yStrong = Float32Array.from({ length: size * per }, (_, i) => (strongMask[Math.floor(i / per)] && r() < 0.1 ? 1 : 0));
  return { x, yWeak, yStrong, weakMask, strongMask, size, clips: [] };
}

const model = buildCrnn({ net: cfg.net, pooling: cfg.pooling, nMels, nClasses, frames });
const teacher = buildCrnn({ net: cfg.net, pooling: cfg.pooling, nMels, nClasses, frames });
teacher.setWeights(model.getWeights());
const hooks = poolingHooks(model);
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
const poolingVars = new Set(hooks.head.trainableWeights.map((w) => (w.read() as tf.Variable).name));
const batch = compositionBatch(batchSize, 1);
const setting = values.micro === 'auto' ? 'auto' : Number(values.micro);
const limitGib = values['memory-limit-gib'] ? Number(values['memory-limit-gib']) : null;
const probeStart = performance.now();
const choice = await resolveMicroBatch(setting, batchSize, backend.backend, limitGib, stepProbe(model, teacher, hooks, batch, shape, vars));
const probeSec = (performance.now() - probeStart) / 1000;
const settings = { main: tf.train.adam(1e-3), pooling: tf.train.adam(1e-3), lambda: cfg.pooling.lambda, strongWeight: 1, consistencyWeight: 2, poolingGate: null };
const seconds: number[] = [];
let peakBytes = 0;
for (let i = 0; i < Number(values.steps); i++) {
  const t0 = performance.now();
  const step = () => void trainStep(model, teacher, hooks, batch, shape, vars, poolingVars, settings, choice.micro);
  if (values.peak) peakBytes = Math.max(peakBytes, (await tf.profile(step)).peakBytes);
  else step();
  seconds.push((performance.now() - t0) / 1000);
}
const heap = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.length ?? null;
console.log(
  JSON.stringify({
    backend: backend.backend,
    batch: batchSize,
    micro: choice.micro,
    how: choice.how,
    probe: choice.probe,
    probe_seconds: Number(probeSec.toFixed(1)),
    predicted_bytes: choice.predictedBytes,
    step_peak_tensor_bytes: values.peak ? peakBytes : null,
    wasm_heap_bytes: heap,
    step_seconds: seconds.map((s) => Number(s.toFixed(2))),
  }),
);
