/**
 * tfjs-backend-wasm's multi-threaded SIMD build under Node (issue 15 item 2).
 *
 * tfjs 4.22 never uses it under Node: its `WASM_HAS_MULTITHREAD_SUPPORT` flag answers false there (flags_wasm.ts, TODO
 * tfjs issue 3830), because it starts emscripten's pthread workers from `blob:` URLs, which Node's worker_threads
 * cannot run. The package does ship everything needed as files (wasm-out/): the threaded factory script, the worker
 * source (as a string), the .wasm. `useThreadedWasm` swaps the registered 'wasm' backend factory for one that builds
 * the same `BackendWasm` from the threaded module, starting workers from wasm-pthread-worker.cjs and letting them read
 * the factory script from disk. Kernels are registered per backend name, so every stock kernel and ours
 * (wasm-kernels/) apply unchanged.
 *
 * The thread count: tfjs's C++ caps XNNPACK's pool at half of `emscripten_num_logical_cores()` (it assumes two
 * hyper-threads per core), which on a 2-core machine means one thread. We answer that import with twice the requested
 * count, so the pool gets exactly what the user asked for (at most 8, the emscripten worker pool tfjs was built with).
 *
 * Results: XNNPACK splits outputs, never a reduction, across threads, and tfjs's other kernels and ours stay
 * single-threaded, so a training step computes the same bits at any thread count (test/wasm-threads.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';

/** The most threads the threaded build can run: its emscripten worker pool (PTHREAD_POOL_SIZE) is 8. */
export const MAX_WASM_THREADS = 8;

const require = createRequire(import.meta.url);
const WORKER_SHIM = fileURLToPath(new URL('./wasm-pthread-worker.cjs', import.meta.url));

/** The files of the threaded build, or why they are missing. */
function threadedBuildFiles(): { factoryJs: string; wasm: string } | { missing: string } {
  try {
    const factoryJs = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
    require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
    return { factoryJs, wasm: path.join(path.dirname(factoryJs), 'tfjs-backend-wasm-threaded-simd.wasm') };
  } catch (err) {
    return { missing: `tfjs-backend-wasm has no threaded build files (${(err as Error).message.split('\n')[0]})` };
  }
}

// A minimal module using a shared memory and an atomic (memory.atomic.notify), as in tfjs's own feature test
// (wasm-feature-detect): WebAssembly.validate says whether this engine has wasm threads.
const THREADS_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11]);
// A module with one SIMD instruction (i8x16.splat), the same probe tfjs uses for WASM_HAS_SIMD_SUPPORT.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11]);

/**
 * Why the threaded wasm build cannot run in this process, or null when it can. Checks what it needs: Node (the
 * browser keeps tfjs's own logic), SharedArrayBuffer, WebAssembly threads and SIMD, and the build's files.
 */
export function wasmThreadsUnsupported(): string | null {
  if (typeof process === 'undefined' || !process.versions?.node) return 'not running under Node';
  if (typeof SharedArrayBuffer === 'undefined') return 'this JavaScript engine has no SharedArrayBuffer';
  if (!WebAssembly.validate(THREADS_PROBE)) return "this Node's WebAssembly has no threads (atomics)";
  if (!WebAssembly.validate(SIMD_PROBE)) return "this Node's WebAssembly has no SIMD, which the threaded build needs";
  const files = threadedBuildFiles();
  return 'missing' in files ? files.missing : null;
}

/**
 * Threads a run computes on by default: OMP_NUM_THREADS when it is a positive integer (how `sed reproduce --jobs` and
 * `sed bench --compare-pytorch` cap every thread pool of a child process), else every core.
 */
export function defaultThreads(env: NodeJS.ProcessEnv = process.env): number {
  const omp = Number(env.OMP_NUM_THREADS);
  if (Number.isInteger(omp) && omp >= 1) return omp;
  return os.availableParallelism?.() ?? os.cpus().length;
}

interface NodeWorker {
  ref(): void;
  unref(): void;
}
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  tfjs?: Record<string, unknown>;
  PThread: { unusedWorkers: NodeWorker[]; runningWorkers: NodeWorker[] };
}
type ThreadedFactory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/**
 * Runs `start` (the factory call, which starts emscripten's 8 pthread workers synchronously) with worker_threads'
 * Worker replaced by one that starts workers without the parent's execArgv. The pthread workers are plain CommonJS
 * and need no loader hooks; inheriting `--import tsx` (the test runner's) made each re-run tsx's start-up, over a
 * second for the pool on this 2-core machine. Emscripten looks the class up on the module object at that moment.
 */
function withPlainWorkers<T>(start: () => T): T {
  const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
  const Original = workerThreads.Worker;
  class PlainWorker extends Original {
    constructor(file: string | URL, options: WorkerOptions = {}) {
      super(file, { execArgv: [], ...options });
    }
  }
  workerThreads.Worker = PlainWorker;
  try {
    return start();
  } finally {
    workerThreads.Worker = Original;
  }
}

/** Loads the threaded module with `threads` XNNPACK threads and wraps it as tfjs's own init() does. */
async function loadThreadedModule(threads: number): Promise<EmscriptenModule> {
  const files = threadedBuildFiles();
  if ('missing' in files) throw new Error(files.missing);
  const factory = require(files.factoryJs) as ThreadedFactory;
  const wasmBytes = readFileSync(files.wasm);
  let aborted: unknown = null;
  const ready = withPlainWorkers(() => factory({
    // The pthread workers: our file, not tfjs's blob: URL. Anything else (only the .wasm) from the package.
    locateFile: (file: string, prefix: string) => (file.endsWith('.worker.js') ? WORKER_SHIM : file.endsWith('.wasm') ? files.wasm : prefix + file),
    // Each worker evaluates the factory script itself (importScripts reads a file path with fs under Node).
    mainScriptUrlOrBlob: files.factoryJs,
    // Instantiating ourselves lets us answer the core-count import (see the module comment).
    instantiateWasm: (
      info: { env: Record<string, unknown> },
      receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) => {
      info.env.emscripten_num_logical_cores = () => 2 * threads;
      WebAssembly.instantiate(wasmBytes as BufferSource, info as WebAssembly.Imports).then(
        ({ instance, module: compiled }) => receiveInstance(instance, compiled),
        (err: unknown) => {
          aborted = err;
        },
      );
      return {};
    },
    onAbort: (what: unknown) => {
      aborted = what;
    },
  }));
  const module = await ready;
  if (aborted != null) throw new Error(`threaded wasm failed to load: ${String(aborted)}`);
  const voidType = null;
  module.tfjs = {
    init: module.cwrap('init', voidType, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', voidType, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', voidType, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', voidType, ['number']),
    dispose: module.cwrap('dispose', voidType, []),
  };
  return module;
}

/**
 * Emscripten refs a Node worker while it runs a pthread, and XNNPACK's pool threads run until the module is disposed,
 * so the process would never exit on its own. Unref them all, now and whenever a pthread starts later: the workers
 * compute only while the main thread waits on them, so nothing is lost when the process ends.
 */
function letProcessExit(module: EmscriptenModule): void {
  for (const worker of [...module.PThread.unusedWorkers, ...module.PThread.runningWorkers]) {
    worker.unref();
    worker.ref = () => {};
  }
}

let stockFactory: { factory: () => tf.KernelBackend | Promise<tf.KernelBackend>; priority: number } | null = null;
let threadedFor: number | null = null;

/**
 * Chooses what the next initialisation of the 'wasm' backend loads: with `threads` ≥ 2 the threaded build with that
 * many XNNPACK threads, with 1 tfjs's own single-threaded SIMD build. Pass the same count to tfjs's `setThreadsCount`.
 * Does nothing when the backend is already initialised (its thread count is fixed for the life of the process: ask
 * `getThreadsCount()`). Throws RangeError for a count outside 1..MAX_WASM_THREADS, and Error with the reason when
 * threads ≥ 2 cannot run here (`wasmThreadsUnsupported()`).
 */
export function useWasmThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS) {
    throw new RangeError(`wasm runs 1 to ${MAX_WASM_THREADS} threads (${threads} given)`);
  }
  const engine = tf.engine();
  if (engine.registry.wasm != null || threads === (threadedFor ?? 1)) return;
  if (threads === 1) {
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', stockFactory!.factory, stockFactory!.priority);
    threadedFor = null;
    return;
  }
  const why = wasmThreadsUnsupported();
  if (why) throw new Error(why);
  stockFactory ??= engine.registryFactory.wasm ?? null;
  if (stockFactory == null) throw new Error('tfjs-backend-wasm did not register a wasm backend');
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await loadThreadedModule(threads);
      const backend = new BackendWasm(module as never); // creates XNNPACK's pool: `threads` − 1 running pthreads
      letProcessExit(module);
      return backend;
    },
    stockFactory.priority,
  );
  threadedFor = threads;
}
