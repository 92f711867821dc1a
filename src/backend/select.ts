/**
 * Picks the TensorFlow.js backend a run computes on and says why, so the caller can log it.
 *
 * Order for 'auto': libtensorflow through `@tensorflow/tfjs-node-gpu` (CUDA) or `@tensorflow/tfjs-node`, then the
 * wasm backend (SIMD build, single thread: tfjs switches wasm threads off under Node), then the pure-JS cpu backend.
 * The tfjs-node packages are optional dependencies that only install where libtensorflow 2.9.1 can be downloaded,
 * so they are imported dynamically and their absence is not an error unless the user asked for them by name.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SedError } from '../errors.ts';
import { registerWasmTrainingKernels } from './wasm-kernels/register.ts';

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendChoice {
  /** The tfjs backend now active: 'tensorflow', 'wasm' or 'cpu'. */
  backend: string;
  /** One sentence for the log: why this backend and not a faster one. */
  reason: string;
}

/** Printed when 'tensorflow' is asked for by name and cannot load. */
export const TFJS_NODE_INSTALL_HINT =
  'install @tensorflow/tfjs-node-gpu (needs libtensorflow 2.9.1, CUDA 11.2 and cuDNN 8.1) or @tensorflow/tfjs-node ' +
  '(CPU), e.g. `npm install @tensorflow/tfjs-node-gpu@4.22.0`; or use --backend wasm';

const NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** Imports tfjs-node(-gpu) and activates its 'tensorflow' backend; returns the package that worked or the failures. */
async function tryTensorflow(): Promise<{ pkg: string } | { failures: string[] }> {
  const failures: string[] = [];
  for (const pkg of NODE_PACKAGES) {
    try {
      // A variable specifier keeps TypeScript from resolving a package that is usually absent.
      const specifier: string = pkg;
      await import(specifier);
    } catch (err) {
      failures.push(`${pkg}: ${firstLine(err)}`);
      continue;
    }
    // With a different tfjs-core version npm nests a second copy, whose engine is not ours.
    if (tf.findBackend('tensorflow') == null) {
      failures.push(`${pkg}: loaded, but registered its backend with another copy of @tensorflow/tfjs-core`);
      continue;
    }
    if (await tf.setBackend('tensorflow')) return { pkg };
    failures.push(`${pkg}: the 'tensorflow' backend failed to initialise`);
  }
  return { failures };
}

let wasmPathsSet = false;

/** Activates wasm with the .wasm binaries from node_modules (read from disk, not fetched). */
async function tryWasm(): Promise<{ ok: true; simd: boolean } | { ok: false; why: string }> {
  try {
    if (!wasmPathsSet) {
      const require = createRequire(import.meta.url);
      // The package's main file sits in dist/, beside the three .wasm builds; the loader picks SIMD when supported.
      const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      setWasmPaths(distDir + path.sep);
      wasmPathsSet = true;
    }
    registerWasmTrainingKernels();
    if (!(await tf.setBackend('wasm'))) return { ok: false, why: 'the wasm backend failed to initialise' };
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    return { ok: true, simd };
  } catch (err) {
    return { ok: false, why: firstLine(err) };
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.slice(0, 200);
}

/**
 * Activates the requested backend. 'auto' never fails (cpu is always there); an explicit name that cannot load
 * throws a one-line SedError.
 */
export async function selectBackend(name: BackendName): Promise<BackendChoice> {
  if (name === 'tensorflow' || name === 'auto') {
    const tfResult = await tryTensorflow();
    if ('pkg' in tfResult) {
      return { backend: 'tensorflow', reason: `${tfResult.pkg} loaded (libtensorflow)` };
    }
    if (name === 'tensorflow') {
      throw new SedError(`backend 'tensorflow' is not available: ${TFJS_NODE_INSTALL_HINT}`);
    }
    const wasm = await tryWasm();
    const noTf = 'no @tensorflow/tfjs-node(-gpu) could be loaded';
    if (wasm.ok) {
      return { backend: 'wasm', reason: `${noTf}; wasm${wasm.simd ? ' with SIMD' : ' without SIMD'}, 1 thread` };
    }
    await tf.setBackend('cpu');
    return { backend: 'cpu', reason: `${noTf}; wasm failed (${wasm.why}); pure-JS cpu backend is slow` };
  }
  if (name === 'wasm') {
    const wasm = await tryWasm();
    if (!wasm.ok) throw new SedError(`backend 'wasm' is not available: ${wasm.why}`);
    return { backend: 'wasm', reason: `requested; wasm${wasm.simd ? ' with SIMD' : ' without SIMD'}, 1 thread` };
  }
  if (!(await tf.setBackend('cpu'))) throw new SedError(`backend 'cpu' failed to initialise`);
  return { backend: 'cpu', reason: 'requested' };
}
