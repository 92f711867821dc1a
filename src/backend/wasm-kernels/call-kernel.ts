/**
 * Calls another wasm kernel directly from inside a kernel, the way tfjs backends compose kernels internally:
 * no engine, no tape, no Tensor objects, so intermediate results must be released with `release`.
 */
import * as tf from '@tensorflow/tfjs-core';

type Attrs = Record<string, unknown>;

export function callWasmKernel(
  kernelName: string,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Attrs,
  backend: tf.KernelBackend,
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, 'wasm');
  if (kernel == null) throw new Error(`wasm kernel ${kernelName} is not registered`);
  const out = kernel.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend });
  if (Array.isArray(out)) throw new Error(`wasm kernel ${kernelName} returned several outputs`);
  return out;
}

/** Frees an intermediate TensorInfo made by `callWasmKernel`. */
export function release(backend: tf.KernelBackend, info: tf.TensorInfo): void {
  backend.disposeData(info.dataId);
}
