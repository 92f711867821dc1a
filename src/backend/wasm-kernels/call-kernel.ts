/**
 * Calls another wasm kernel directly from inside a kernel, the way tfjs backends compose kernels internally:
 * no engine, no tape, no Tensor objects, so intermediate results must be released with `release`.
 */
import * as tf from '@tensorflow/tfjs-core';

type Attrs = Record<string, unknown>;

/** Runs the wasm kernel `kernelName` on TensorInfos (see above); throws when it is not registered or has several outputs. */
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

/** tfjs-backend-wasm's own kernels that register.ts replaced, kept for the cases our kernels hand back to them. */
const stockKernels = new Map<string, tf.KernelConfig>();

/** Remembers tfjs's kernel before register.ts unregisters it (first registration wins, so this is idempotent). */
export function keepStockWasmKernel(config: tf.KernelConfig): void {
  if (!stockKernels.has(config.kernelName)) stockKernels.set(config.kernelName, config);
}

/** Runs tfjs's own wasm kernel `kernelName` (replaced by ours) on the same arguments. */
export function callStockWasmKernel(
  kernelName: string,
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const stock = stockKernels.get(kernelName);
  if (stock == null) throw new Error(`no stock wasm kernel ${kernelName} was kept`);
  return stock.kernelFunc(args) as tf.TensorInfo;
}

/**
 * Setup hook for a kernel that replaces a stock one: tfjs runs each registered kernel's `setupFunc` when the backend
 * initialises, and the stock kernel's (which binds its C function) must still run for `callStockWasmKernel`.
 */
export function stockSetup(kernelName: string): (backend: {}) => void {
  return (backend) => stockKernels.get(kernelName)?.setupFunc?.(backend);
}

/** What our JS kernels need from the wasm backend: outputs on its heap and typed-array views of them. */
export interface WasmHeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}
