/**
 * Sum and Mean for the wasm backend when the reduced axes are the leading ones (after sorting), e.g. per-channel
 * statistics over [N, H, W] of an NHWC activation (BatchNorm's moments and its gradient). The stock kernels first
 * transpose the whole tensor so the reduced axes come last; here the tensor is read once, row by row, into
 * float64 per-column accumulators. Other axes, and non-float32 tensors, go to the stock kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util, util } from '@tensorflow/tfjs-core';
import { callStockWasmKernel, stockSetup, type WasmHeapBackend } from './call-kernel.ts';

/** Number of leading axes `axis` names when they are exactly 0..k−1 (k ≥ 1), else 0. */
function leadingAxes(axis: number | number[], shape: number[]): number {
  const axes = [...new Set(util.parseAxisParam(axis, shape))].sort((a, b) => a - b);
  return axes.length > 0 && axes.every((a, i) => a === i) ? axes.length : 0;
}

function reduceLeading(kind: 'Sum' | 'Mean') {
  return (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const k = x.dtype === 'float32' ? leadingAxes(axis, x.shape) : 0;
    if (k === 0) return callStockWasmKernel(kind, args);
    const rows = util.sizeFromShape(x.shape.slice(0, k));
    const cols = util.sizeFromShape(x.shape.slice(k));
    const outShape = keepDims ? backend_util.expandShapeToKeepDim(x.shape.slice(k), [...Array(k).keys()]) : x.shape.slice(k);
    const backend = args.backend as WasmHeapBackend;
    const out = backend.makeOutput(outShape, 'float32');
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    const acc = new Float64Array(cols);
    for (let r = 0, off = 0; r < rows; r++, off += cols) {
      for (let c = 0; c < cols; c++) acc[c]! += src[off + c]!;
    }
    const scale = kind === 'Mean' ? 1 / rows : 1;
    for (let c = 0; c < cols; c++) dst[c] = acc[c]! * scale;
    return out;
  };
}

export const sumWasmConfig: tf.KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  setupFunc: stockSetup(tf.Sum),
  kernelFunc: reduceLeading('Sum') as tf.KernelFunc,
};

export const meanWasmConfig: tf.KernelConfig = {
  kernelName: tf.Mean,
  backendName: 'wasm',
  setupFunc: stockSetup(tf.Mean),
  kernelFunc: reduceLeading('Mean') as tf.KernelFunc,
};
