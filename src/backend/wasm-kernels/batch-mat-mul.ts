/**
 * BatchMatMul for the wasm backend with transposed operands. tfjs-backend-wasm 4.22 gives XNNPACK (packed SIMD GEMM,
 * split over the threads of the threaded build) only the products with no batch and neither operand transposed;
 * anything else runs a naive triple loop on one thread. A training step's gradients are mostly transposed products
 * (∂x = ∂y·Wᵀ, ∂W = xᵀ·∂y: the fused BiGRU's, Dense's), which made them ~8× slower per FLOP than the forward
 * products (scripts/bench-train-step.ts --by-shape). Here an unbatched product with a transposed operand first
 * transposes that operand on the heap (tfjs's Transpose kernel), then runs the stock kernel untransposed. Batched
 * products go to the stock kernel as they are.
 */
import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';
import { callStockWasmKernel, callWasmKernel, release, stockSetup } from './call-kernel.ts';

type Args = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

/** The permutation that swaps the last two axes of a rank-`rank` tensor. */
function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

function batchMatMulWasm(args: Args): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const unbatched = util.sizeFromShape(a.shape.slice(0, -2)) === 1 && util.sizeFromShape(b.shape.slice(0, -2)) === 1;
  if (!(transposeA || transposeB) || !unbatched || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return callStockWasmKernel(tf.BatchMatMul, args);
  }
  const { backend } = args;
  const at = transposeA ? callWasmKernel(tf.Transpose, { x: a }, { perm: swapLastTwo(a.shape.length) }, backend) : a;
  const bt = transposeB ? callWasmKernel(tf.Transpose, { x: b }, { perm: swapLastTwo(b.shape.length) }, backend) : b;
  try {
    return callStockWasmKernel(tf.BatchMatMul, { inputs: { a: at, b: bt }, backend, attrs: { transposeA: false, transposeB: false } });
  } finally {
    if (at !== a) release(backend, at);
    if (bt !== b) release(backend, bt);
  }
}

export const batchMatMulWasmConfig: tf.KernelConfig = {
  kernelName: tf.BatchMatMul,
  backendName: 'wasm',
  setupFunc: stockSetup(tf.BatchMatMul),
  kernelFunc: batchMatMulWasm as tf.KernelFunc,
};
