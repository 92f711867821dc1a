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

/**
 * Σ over rows of a row-major [rows, cols] array, per column, in float64, each column summed in row order. Eight
 * columns at a time in local accumulators: V8 keeps them in registers, where `acc[c] += …` loaded and stored the
 * accumulator for every element (~4× slower for a batch-norm's 16 channels × 256,000 rows). Same order, same bits.
 */
export function columnSums(src: Float32Array, rows: number, cols: number): Float64Array {
  const acc = new Float64Array(cols);
  const n = rows * cols;
  let c = 0;
  for (; c + 7 < cols; c += 8) {
    let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    for (let off = c; off < n; off += cols) {
      a0 += src[off]!;
      a1 += src[off + 1]!;
      a2 += src[off + 2]!;
      a3 += src[off + 3]!;
      a4 += src[off + 4]!;
      a5 += src[off + 5]!;
      a6 += src[off + 6]!;
      a7 += src[off + 7]!;
    }
    acc[c] = a0;
    acc[c + 1] = a1;
    acc[c + 2] = a2;
    acc[c + 3] = a3;
    acc[c + 4] = a4;
    acc[c + 5] = a5;
    acc[c + 6] = a6;
    acc[c + 7] = a7;
  }
  for (; c < cols; c++) {
    let a = 0;
    for (let off = c; off < n; off += cols) a += src[off]!;
    acc[c] = a;
  }
  return acc;
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
    const acc = columnSums(src, rows, cols);
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
