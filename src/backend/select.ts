/**
 * Picks the TensorFlow.js backend a run computes on and says why, so the caller can log it.
 *
 * Order for 'auto': the native `tensorflow` backend on a GPU, then on the CPU (both through
 * @tensorflow/tfjs-node(-gpu), installed by `npm run setup:tensorflow`, see tensorflow-node.ts), then the wasm
 * backend (SIMD build; on `threads` ≥ 2 the threaded SIMD build, which tfjs itself never uses under Node:
 * wasm-threads.ts), then the pure-JS cpu backend.
 * The native packages are not dependencies (`npm ci` must never download libtensorflow), so their absence is not
 * an error unless the user asked for 'tensorflow' by name.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SedError } from '../errors.ts';
import { loadTensorflowNode, SETUP_HINT, type TensorflowStatus } from './tensorflow-node.ts';
import { registerWasmTrainingKernels } from './wasm-kernels/register.ts';
import { defaultThreads, MAX_WASM_THREADS, useWasmThreads } from './wasm-threads.ts';

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendChoice {
  /** The tfjs backend now active: 'tensorflow', 'wasm' or 'cpu'. */
  backend: string;
  /** One sentence for the log: why this backend and not a faster one. */
  reason: string;
}

export interface SelectOptions {
  /**
   * Threads the wasm backend computes on (default `defaultThreads()`: OMP_NUM_THREADS, else every core; at most 8).
   * Takes effect only when wasm first initialises in the process; the native backend sizes its pool from
   * TF_NUM_INTRAOP_THREADS instead.
   */
  threads?: number;
}

/** Printed when 'tensorflow' is asked for by name and cannot load. */
export const TFJS_NODE_INSTALL_HINT = `${SETUP_HINT}; or use --backend wasm`;

/** One phrase for the log: where the native backend computes. */
export function describeTensorflow(status: Extract<TensorflowStatus, { ok: true }>): string {
  const where = status.usingGpu ? 'on the GPU' : status.build === 'gpu' ? 'on the CPU (CUDA build, but TensorFlow sees no GPU)' : 'on the CPU';
  return `libtensorflow ${status.tfVersion} ${where} via ${status.package}`;
}

let wasmPathsSet = false;
/** Why the threaded wasm build was not used although more than one thread was asked for; null when it was. */
let wasmThreadsOff: string | null = null;

/** Why wasm runs on one thread although `threads` > 1 were asked for, or null (for `sed doctor` and the log). */
export function wasmThreadsFallbackReason(): string | null {
  return wasmThreadsOff;
}

/**
 * Activates wasm with the .wasm binaries from node_modules (read from disk, not fetched), on `threads` threads when
 * the threaded build runs here, else on one (the reason is kept for wasmThreadsFallbackReason).
 */
async function tryWasm(threads: number): Promise<{ ok: true; simd: boolean; threads: number } | { ok: false; why: string }> {
  try {
    if (!wasmPathsSet) {
      const require = createRequire(import.meta.url);
      // The package's main file sits in dist/, beside the three .wasm builds; the loader picks SIMD when supported.
      const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      setWasmPaths(distDir + path.sep);
      wasmPathsSet = true;
    }
    const wanted = Math.min(threads, MAX_WASM_THREADS);
    if (tf.engine().registry.wasm == null) {
      wasmThreadsOff = null;
      try {
        useWasmThreads(wanted);
      } catch (err) {
        wasmThreadsOff = firstLine(err);
        useWasmThreads(1);
      }
      setThreadsCount(wasmThreadsOff ? 1 : wanted);
    }
    registerWasmTrainingKernels();
    if (!(await tf.setBackend('wasm'))) return { ok: false, why: 'the wasm backend failed to initialise' };
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    return { ok: true, simd, threads: getThreadsCount() };
  } catch (err) {
    return { ok: false, why: firstLine(err) };
  }
}

/** "wasm with SIMD, 2 threads", plus why not more when more were asked for. */
function describeWasm(wasm: { simd: boolean; threads: number }, asked: number): string {
  const base = `wasm${wasm.simd ? ' with SIMD' : ' without SIMD'}, ${wasm.threads} thread${wasm.threads === 1 ? '' : 's'}`;
  if (wasm.threads >= Math.min(asked, MAX_WASM_THREADS)) return base;
  return `${base} (${asked} asked for: ${wasmThreadsOff ?? 'the wasm backend was already initialised with fewer'})`;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.slice(0, 200);
}

/**
 * Activates the requested backend. 'auto' never fails (cpu is always there); an explicit name that cannot load
 * throws a one-line SedError.
 */
export async function selectBackend(name: BackendName, opts: SelectOptions = {}): Promise<BackendChoice> {
  const threads = opts.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`threads must be an integer ≥ 1 (${threads} given)`);
  if (name === 'tensorflow' || name === 'auto') {
    const native = await loadTensorflowNode();
    if (native.ok && (await tf.setBackend('tensorflow'))) {
      return { backend: 'tensorflow', reason: `${name === 'auto' ? 'fastest available' : 'requested'}: ${describeTensorflow(native)}` };
    }
    const why = native.ok ? "the 'tensorflow' backend failed to initialise" : native.why;
    if (name === 'tensorflow') {
      throw new SedError(`backend 'tensorflow' is not available: ${why.includes(SETUP_HINT) ? why : `${why}; ${TFJS_NODE_INSTALL_HINT}`}`);
    }
    const wasm = await tryWasm(threads);
    const noTf = `no native tensorflow backend (${why})`;
    if (wasm.ok) {
      return { backend: 'wasm', reason: `${noTf}; ${describeWasm(wasm, threads)}` };
    }
    await tf.setBackend('cpu');
    return { backend: 'cpu', reason: `${noTf}; wasm failed (${wasm.why}); pure-JS cpu backend is slow` };
  }
  if (name === 'wasm') {
    const wasm = await tryWasm(threads);
    if (!wasm.ok) throw new SedError(`backend 'wasm' is not available: ${wasm.why}`);
    return { backend: 'wasm', reason: `requested; ${describeWasm(wasm, threads)}` };
  }
  if (!(await tf.setBackend('cpu'))) throw new SedError(`backend 'cpu' failed to initialise`);
  return { backend: 'cpu', reason: 'requested' };
}
