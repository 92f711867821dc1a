/**
 * Per-kernel wall-clock profile of a backend whose kernels run synchronously (wasm, cpu): every kernel registered for
 * the backend is wrapped with a timer. Times are exclusive: a kernel that calls other kernels directly (our wasm
 * kernels do, through `callWasmKernel`) is charged only its own time, its callees theirs. Used by the train bench's
 * `profile` option.
 */
import * as tf from '@tensorflow/tfjs-core';
import { performance } from 'node:perf_hooks';

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

export interface KernelProfiler {
  /** Clears the counts (e.g. after warm-up). */
  reset(): void;
  /** Kernels by total time, largest first. */
  report(): KernelTime[];
  /** Puts the original kernels back. */
  restore(): void;
}

/** `byShape`: one entry per kernel and input shapes (e.g. `Sum [8,500,64,16]`) instead of per kernel. */
export function profileKernels(backendName: string, byShape = false): KernelProfiler {
  const stats = new Map<string, { calls: number; ms: number }>();
  const childMs: number[] = []; // per nesting level: time spent in callees of the running kernel
  const originals = tf.getKernelsForBackend(backendName);
  for (const config of originals) {
    const inner = config.kernelFunc;
    const name = config.kernelName;
    const timed: tf.KernelFunc = (args) => {
      const key = byShape ? `${name} ${Object.values(args.inputs).map((t) => JSON.stringify(t?.shape ?? null)).join(' ')}` : name;
      const t0 = performance.now();
      childMs.push(0);
      let out: ReturnType<tf.KernelFunc>;
      try {
        out = inner(args);
      } finally {
        const total = performance.now() - t0;
        const own = total - childMs.pop()!;
        if (childMs.length > 0) childMs[childMs.length - 1]! += total;
        const s = stats.get(key) ?? { calls: 0, ms: 0 };
        s.calls++;
        s.ms += own;
        stats.set(key, s);
      }
      return out;
    };
    tf.unregisterKernel(name, backendName);
    tf.registerKernel({ ...config, kernelFunc: timed });
  }
  return {
    reset: () => stats.clear(),
    report: () =>
      [...stats.entries()]
        .map(([kernel, s]) => ({ kernel, calls: s.calls, ms: Math.round(s.ms * 10) / 10 }))
        .sort((a, b) => b.ms - a.ms),
    restore: () => {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config);
      }
    },
  };
}
