/**
 * How many clips one forward/backward pass takes (train.micro_batch), and what happens when memory runs out.
 *
 * `auto` measures instead of guessing: a probe computes the step's gradients (without applying them) for 1 and for
 * 2 clips under tf.profile, whose peak counts every live tensor (weights, optimiser state and the teacher included),
 * and fits peak(m) = fixed + perClip · m. The largest m ≤ train.batch_size with peak(m) ≤ headroom · limit is chosen,
 * where the limit is the backend's: wasm32's heap (4 GiB less 64 KiB; the allocator's overhead and the kernels' scratch
 * space live there too, hence the headroom), free host memory for the cpu and tensorflow backends, or
 * train.memory_limit_gib when set (the only way to give a GPU's memory to tfjs-node-gpu, which cannot report it).
 */
import { freemem } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { SedError } from '../errors.ts';

/** What the heap of tfjs-backend-wasm 4.22 can grow to (its emscripten getHeapMax()): 4 GiB − 64 KiB. */
export const WASM_HEAP_MAX_BYTES = 4294901760;
/**
 * Fraction of the limit the tensors of a step may take. On wasm the measured tensor peak of the DCASE 2019 net misses
 * the allocator's fragmentation and the kernels' scratch buffers; calibrated there (README "Micro-batches").
 */
export const HEADROOM = 0.75;

const GIB = 2 ** 30;

/** Not enough memory for a training step; exit 2 (a setting, not a bug), one line with the numbers and the way out. */
export class OutOfMemoryError extends SedError {
  override readonly exitCode = 2;
  constructor(detail: string) {
    super(detail);
    this.name = 'OutOfMemoryError';
  }
}

export interface MemoryLimit {
  bytes: number;
  /** Where the number comes from, for the log and error messages. */
  source: string;
}

/** The memory a step may use on `backend`; `limitGib` (train.memory_limit_gib) overrides it. */
export function memoryLimit(backend: string, limitGib: number | null): MemoryLimit {
  if (limitGib !== null) return { bytes: limitGib * GIB, source: 'train.memory_limit_gib' };
  if (backend === 'wasm') return { bytes: WASM_HEAP_MAX_BYTES, source: "wasm32's heap" };
  return { bytes: freemem(), source: 'free host memory' };
}

/** Peak tensor bytes of a step at micro-batch 1 and 2, and the linear fit. */
export interface MemoryProbe {
  peak1: number;
  peak2: number;
  fixedBytes: number;
  perClipBytes: number;
}

/**
 * Runs `step(m)` (which must compute and dispose the gradients of an m-clip micro-batch, and apply nothing) for
 * m = 1 and 2 under tf.profile and fits peak(m) = fixed + perClip · m. Throws what `step` throws.
 */
export async function probeStepMemory(step: (m: number) => void): Promise<MemoryProbe> {
  const peak1 = (await tf.profile(() => step(1))).peakBytes;
  const peak2 = (await tf.profile(() => step(2))).peakBytes;
  // a per-clip cost at or below zero would be a measurement artefact: charge the whole peak per clip then
  const perClipBytes = peak2 > peak1 ? peak2 - peak1 : peak1;
  return { peak1, peak2, fixedBytes: Math.max(0, peak1 - perClipBytes), perClipBytes };
}

export interface MicroBatchChoice {
  micro: number;
  /** 'config' when train.micro_batch is a number, else 'auto'. */
  how: 'config' | 'auto';
  limit: MemoryLimit | null;
  probe: MemoryProbe | null;
  /** Predicted peak tensor bytes of a step at `micro`, when probed. */
  predictedBytes: number | null;
}

/**
 * The largest micro-batch in 1 … batchSize whose predicted peak fits HEADROOM · limit.
 * Throws OutOfMemoryError when not even one clip fits.
 */
export function chooseMicroBatch(probe: MemoryProbe, limit: MemoryLimit, batchSize: number, backend: string): number {
  const budget = HEADROOM * limit.bytes;
  const fits = Math.floor((budget - probe.fixedBytes) / probe.perClipBytes);
  if (fits < 1) throw new OutOfMemoryError(oneClipMessage(probe.fixedBytes + probe.perClipBytes, limit, backend));
  return Math.min(batchSize, fits);
}

/** Resolves train.micro_batch: a number is taken as given (capped at the batch size); `auto` probes. */
export async function resolveMicroBatch(
  setting: 'auto' | number,
  batchSize: number,
  backend: string,
  limitGib: number | null,
  step: (m: number) => void,
): Promise<MicroBatchChoice> {
  if (setting !== 'auto') return { micro: Math.min(setting, batchSize), how: 'config', limit: null, probe: null, predictedBytes: null };
  const limit = memoryLimit(backend, limitGib);
  let probe: MemoryProbe;
  try {
    probe = await probeStepMemory(step);
  } catch (err) {
    if (isOutOfMemory(err)) throw new OutOfMemoryError(`train.micro_batch: a step of 1 or 2 clips ran out of memory on the ${backend} backend (${limit.source}: ${gib(limit.bytes)}); ${remedy(backend)}`);
    throw err;
  }
  const micro = chooseMicroBatch(probe, limit, batchSize, backend);
  return { micro, how: 'auto', limit, probe, predictedBytes: probe.fixedBytes + probe.perClipBytes * micro };
}

/** True for the errors backends raise when memory runs out (wasm traps, libtensorflow's OOM, V8's allocation). */
export function isOutOfMemory(err: unknown): boolean {
  const msg = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return /memory access out of bounds|Cannot enlarge memory|Aborted\(OOM\)|out of memory|OOM when allocating|Resource ?exhausted|Array buffer allocation failed|Invalid typed array length/i.test(msg);
}

/**
 * Runs one training step and turns an out-of-memory failure into OutOfMemoryError naming the micro-batch, the
 * predicted need and the limit. The run folder keeps its last checkpoint (written at the end of each epoch).
 */
export function guardMemory<T>(choice: MicroBatchChoice, backend: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (!isOutOfMemory(err)) throw err;
    const need = choice.predictedBytes === null ? '' : ` (predicted ${gib(choice.predictedBytes)} of tensors`;
    const limit = choice.limit ? `${need ? ', ' : ' ('}${choice.limit.source}: ${gib(choice.limit.bytes)})` : need ? ')' : '';
    throw new OutOfMemoryError(
      `train.micro_batch: a step of ${choice.micro} clip(s) ran out of memory on the ${backend} backend${need}${limit}: ${firstLine(err)}; ` +
        `set a smaller train.micro_batch (the optimiser's batch stays train.batch_size) and continue with --resume from the last checkpoint`,
    );
  }
}

/** The log line for a choice. */
export function describeChoice(choice: MicroBatchChoice, batchSize: number): string {
  const steps = Math.ceil(batchSize / choice.micro);
  const head = `micro-batch ${choice.micro} of batch ${batchSize} (${steps} pass${steps > 1 ? 'es' : ''} per step)`;
  if (choice.how === 'config' || !choice.probe || !choice.limit) return `${head}: train.micro_batch`;
  const p = choice.probe;
  return `${head}: auto, a step needs ${gib(p.fixedBytes)} + ${gib(p.perClipBytes)} per clip of tensors, ${gib(choice.predictedBytes!)} at ${choice.micro}, within ${HEADROOM} × ${gib(choice.limit.bytes)} (${choice.limit.source})`;
}

function oneClipMessage(needBytes: number, limit: MemoryLimit, backend: string) {
  return `train.micro_batch: one clip needs ${gib(needBytes)} of tensors for a training step, more than ${HEADROOM} × ${gib(limit.bytes)} available on the ${backend} backend (${limit.source}); ${remedy(backend)}`;
}

function remedy(backend: string) {
  return backend === 'wasm'
    ? 'use the tensorflow backend (--backend tensorflow, README "Backends"), a smaller net or shorter clips (features.clip_seconds)'
    : 'raise train.memory_limit_gib if more memory is free, or use a smaller net or shorter clips (features.clip_seconds)';
}

const gib = (bytes: number) => `${(bytes / GIB).toFixed(2)} GiB`;

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.slice(0, 160);
}
