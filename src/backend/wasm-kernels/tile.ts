/**
 * Tile for the wasm backend, as block copies on the wasm heap. tfjs's FusedBatchNorm gradient tiles the per-channel
 * 1/√(σ²+ε) to the whole [N, H, W, C] activation; the stock kernel (an index computation per element) took ~350 ms
 * of a reference training step for the first layer alone. Here each axis, innermost first, writes one block and
 * then doubles it with `copyWithin` until the repeats are filled: memcpy speed, O(log reps) calls per block.
 */
import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { callStockWasmKernel, stockSetup, type WasmHeapBackend } from './call-kernel.ts';

type Numeric = Float32Array | Int32Array | Uint8Array;

/** Writes x (shape `inShape`) tiled `reps` times per axis into `dst` (row-major, shape inShape[i]·reps[i]). */
export function tileInto(src: Numeric, inShape: readonly number[], reps: readonly number[], dst: Numeric): void {
  const rank = inShape.length;
  if (rank === 0) {
    dst.set(src.subarray(0, 1));
    return;
  }
  const inStrides = util.computeStrides(inShape as number[]);
  const outStrides = util.computeStrides(inShape.map((d, i) => d * reps[i]!));
  const fill = (axis: number, inOff: number, outOff: number): void => {
    const n = inShape[axis]!;
    let block: number;
    if (axis === rank - 1) {
      dst.set(src.subarray(inOff, inOff + n), outOff);
      block = n;
    } else {
      const inStride = inStrides[axis]!;
      const outStride = outStrides[axis]!;
      for (let i = 0; i < n; i++) fill(axis + 1, inOff + i * inStride, outOff + i * outStride);
      block = n * outStride;
    }
    const total = block * reps[axis]!;
    for (let done = block; done < total; ) {
      const m = Math.min(done, total - done);
      dst.copyWithin(outOff + done, outOff, outOff + m);
      done += m;
    }
  };
  fill(0, 0, 0);
}

function tileWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { reps } = args.attrs as unknown as { reps: number[] };
  if (x.dtype === 'string' || x.dtype === 'complex64') return callStockWasmKernel(tf.Tile, args);
  const backend = args.backend as WasmHeapBackend;
  const out = backend.makeOutput(
    x.shape.map((d, i) => d * reps[i]!),
    x.dtype,
  );
  if (util.sizeFromShape(out.shape) === 0) return out;
  // Views after makeOutput: an allocation may grow (and detach) the wasm memory.
  tileInto(backend.typedArrayFromHeap(x), x.shape, reps, backend.typedArrayFromHeap(out));
  return out;
}

export const tileWasmConfig: tf.KernelConfig = {
  kernelName: tf.Tile,
  backendName: 'wasm',
  setupFunc: stockSetup(tf.Tile),
  kernelFunc: tileWasm as tf.KernelFunc,
};
