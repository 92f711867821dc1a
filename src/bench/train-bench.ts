/**
 * Training-step time (forward, backward, Adam through optimizer.minimize) of two CRNNs on random inputs:
 *
 * - 'reference', the fixed model of issue 5, kept exactly so numbers stay comparable across changes and with
 *   scripts/pytorch_train_step.py: input [B, 500, 64]; 7 × (Conv2D 3×3 same, no bias + BatchNorm + ReLU), filters
 *   16 32 64 128 128 128 128, pools (2,4) (2,4) (1,2) (1,2) – – –; [B, 125, 128]; BiGRU 64 per direction;
 *   Dense(10, sigmoid) per frame; mean over time; Adam 1e-3; binary cross-entropy.
 * - 'dcase2019', the net and pooling head of configs/dcase2019.yaml, input 864 frames × 64 mels (cut down to a
 *   multiple of its time pooling), 10 classes, same loss and optimizer.
 *
 * The step time is the median of `steps` steps after `warmup` steps; each step ends by reading the loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { selectBackend, type BackendName } from '../backend/select.ts';
import { loadConfig } from '../config/load.ts';
import type { NetConfig, PoolingConfig } from '../config/types.ts';
import { buildCrnn, timePoolingFactor } from '../model/crnn.ts';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { profileKernels, type KernelTime } from './kernel-profile.ts';
import { threadEnvVars } from './train-compare.ts';

export type TrainBenchModel = 'reference' | 'dcase2019';

export interface TrainStepOptions {
  backend?: BackendName;
  model?: TrainBenchModel;
  batch?: number;
  warmup?: number;
  steps?: number;
  /**
   * Threads to compute on (default 1). Caps libtensorflow's and OpenMP's pools through the environment (which only
   * takes effect before the backend first loads: src/bench/train-compare.ts sets it for a fresh process) and asks
   * wasm for that many threads (its threaded build: src/backend/wasm-threads.ts); `threads` in the result is what the
   * backend reports it uses.
   */
  threads?: number;
  /** Adds `kernels`: exclusive wall-clock time per kernel over the timed steps (synchronous backends only). */
  profile?: boolean | 'by-shape';
}

export interface TrainStepResult {
  bench: 'train_step';
  backend: string;
  model: TrainBenchModel;
  batch: number;
  /** Threads the backend computes on: wasm's own count, 1 for cpu, the requested count for tensorflow. */
  threads: number;
  step_ms_median: number;
  step_ms_min: number;
  steps: number;
  /** Per kernel, summed over the timed steps; only with `profile`. */
  kernels?: KernelTime[];
}

/** The configurations `sed bench train` times. */
export const TRAIN_BENCH_CONFIGS: ReadonlyArray<{ model: TrainBenchModel; batch: number }> = [
  { model: 'reference', batch: 8 },
  { model: 'reference', batch: 32 },
  // The DCASE 2019 net (864 frames, 128-channel GLU convs at full resolution) needs more than wasm32's 4 GiB heap
  // for a training step at batch 8: the wasm backend traps with "memory access out of bounds". Batch 2 fits.
  { model: 'dcase2019', batch: 2 },
];

const block = (filters: number, pool: [number, number]) => ({
  filters,
  kernel: [3, 3] as [number, number],
  batch_norm: true,
  activation: 'relu' as const,
  pool,
  dropout: 0,
});

/**
 * The reference CRNN of issue 5, the one network `sed bench train --model reference` and scripts/bench-bigru.ts time:
 * input [B, 500, 64]; 7 × (Conv 3×3 + BatchNorm + ReLU), filters 16 32 64 128 128 128 128, pools (2,4) (2,4) (1,2)
 * (1,2) – – –; BiGRU 64 per direction.
 */
export const REFERENCE_NET: NetConfig = {
  conv: [
    block(16, [2, 4]),
    block(32, [2, 4]),
    block(64, [1, 2]),
    block(128, [1, 2]),
    block(128, [1, 1]),
    block(128, [1, 1]),
    block(128, [1, 1]),
  ],
  rnn: { type: 'bigru', units: 64, layers: 1, dropout: 0 },
  dropout: 0,
};

const AVERAGE_HEAD: PoolingConfig = { head: 'average', n_init: 1, lambda: 0, lr: null, warmup_epochs: 0, unfreeze_f1: null };
const N_MELS = 64;
const N_CLASSES = 10;
const DCASE2019_CONFIG = fileURLToPath(new URL('../../configs/dcase2019.yaml', import.meta.url));
const DCASE2019_FRAMES = 864;

function modelSpec(model: TrainBenchModel): { net: NetConfig; pooling: PoolingConfig; frames: number } {
  if (model === 'reference') return { net: REFERENCE_NET, pooling: AVERAGE_HEAD, frames: 500 };
  const cfg = loadConfig(DCASE2019_CONFIG);
  const pool = timePoolingFactor(cfg.net);
  return { net: cfg.net, pooling: cfg.pooling, frames: DCASE2019_FRAMES - (DCASE2019_FRAMES % pool) };
}

function median(sorted: number[]): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/**
 * One Adam step of the reference training objective: binary cross-entropy of the model's clip output (probabilities
 * clipped to [1e-7, 1 − 1e-7]) for x [batch, frames, mels] against clip labels y [batch, classes], over every trainable
 * weight. Returns the loss before the step; reading it waits for the step to finish. The step the benchmarks time, and
 * the one the thread-count test and scripts/bench-bigru.ts repeat, so that all of them measure the same work.
 */
export function referenceTrainStep(model: LayersModel, optimizer: tf.Optimizer, x: tf.Tensor, y: tf.Tensor): number {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = optimizer.minimize(
    () => {
      const [, clip] = model.apply(x, { training: true }) as tf.Tensor[];
      const p = tf.clipByValue(clip!, 1e-7, 1 - 1e-7);
      const ll = tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))));
      return tf.neg(tf.mean(ll)) as tf.Scalar;
    },
    true,
    vars,
  )!;
  const value = loss.dataSync()[0]!;
  loss.dispose();
  return value;
}

/** Times one configuration. Activates the backend (selectBackend) first. */
export async function benchTrainStep(opts: TrainStepOptions = {}): Promise<TrainStepResult> {
  const { backend = 'wasm', model: modelName = 'reference', batch = 8, warmup = 2, steps = 5, threads = 1 } = opts;
  for (const [k, v] of Object.entries(threadEnvVars(threads))) process.env[k] ??= v;
  const choice = await selectBackend(backend, { threads });
  const threadsUsed = choice.backend === 'wasm' ? getThreadsCount() : choice.backend === 'cpu' ? 1 : threads;
  const { net, pooling, frames } = modelSpec(modelName);
  const model = buildCrnn({ net, pooling, nMels: N_MELS, nClasses: N_CLASSES, frames });
  const x = tf.randomNormal([batch, frames, N_MELS], 0, 1, 'float32', 1); // [batch, frames, mels]
  const yData = Float32Array.from({ length: batch * N_CLASSES }, (_, i) => ((i * 7919) % 3 === 0 ? 1 : 0));
  const y = tf.tensor2d(yData, [batch, N_CLASSES]); // [batch, classes]
  const optimizer = tf.train.adam(1e-3);
  const step = (): void => void referenceTrainStep(model, optimizer, x, y);
  const profiler = opts.profile ? profileKernels(choice.backend, opts.profile === 'by-shape') : null;
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup; i++) step();
    profiler?.reset();
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      step();
      times.push(performance.now() - t0);
    }
  } finally {
    profiler?.restore();
    optimizer.dispose();
    tf.dispose([x, y]);
    model.dispose();
  }
  times.sort((a, b) => a - b);
  const result: TrainStepResult = {
    bench: 'train_step',
    backend: choice.backend,
    model: modelName,
    batch,
    threads: threadsUsed,
    step_ms_median: Math.round(median(times)),
    step_ms_min: Math.round(times[0]!),
    steps,
  };
  if (profiler) result.kernels = profiler.report();
  return result;
}

/** Every configuration of TRAIN_BENCH_CONFIGS, one result each, in order. */
export async function benchTrain(opts: Omit<TrainStepOptions, 'model' | 'batch'> = {}): Promise<TrainStepResult[]> {
  const results: TrainStepResult[] = [];
  for (const c of TRAIN_BENCH_CONFIGS) results.push(await benchTrainStep({ ...opts, ...c }));
  return results;
}
