/**
 * MaxPoolGrad for the wasm backend, replacing tfjs-backend-wasm 4.22's, which routes the gradient to the wrong
 * element whenever the pool window is not square (e.g. the CRNN's (1, 4) and (2, 4) pools): measured here,
 * a [1, 2] window over [-0.5, -0.368] sends the gradient to -0.5. Regression test in test/wasm-kernels.test.ts.
 *
 * Same semantics as the cpu backend: each output window sends its dy to the first maximum in row-major window
 * order; windows that overlap accumulate. Runs in JS directly on the wasm heap, channels innermost (NHWC) so the
 * scan walks memory in order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';

interface WasmHeapBackend extends tf.KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): backend_util.TypedArray;
}

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPoolGradWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) {
  const { dy, input } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo };
  const backend = args.backend as WasmHeapBackend;
  const attrs = args.attrs as unknown as MaxPoolGradAttrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const out = backend.makeOutput(input.shape, 'float32');
  // Views after makeOutput: an allocation may grow (and detach) the wasm memory.
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, effectiveFilterHeight: fH, effectiveFilterWidth: fW } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  const maxVal = new Float32Array(C);
  const maxPos = new Int32Array(C);
  let o = 0; // flat index into dy, advancing by C per window
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const r0 = yR * strideHeight - padTop;
      const rMin = Math.max(r0, 0);
      const rMax = Math.min(inHeight, r0 + fH);
      for (let yC = 0; yC < outWidth; yC++, o += C) {
        const c0 = yC * strideWidth - padLeft;
        const cMin = Math.max(c0, 0);
        const cMax = Math.min(inWidth, c0 + fW);
        maxVal.fill(Number.NEGATIVE_INFINITY);
        maxPos.fill(-1);
        for (let r = rMin; r < rMax; r++) {
          for (let col = cMin; col < cMax; col++) {
            const base = ((b * inHeight + r) * inWidth + col) * C;
            for (let d = 0; d < C; d++) {
              const v = x[base + d]!;
              if (v > maxVal[d]!) {
                maxVal[d] = v;
                maxPos[d] = base + d;
              }
            }
          }
        }
        for (let d = 0; d < C; d++) {
          const p = maxPos[d]!;
          if (p >= 0) dx[p] += g[o + d]!;
        }
      }
    }
  }
  return out;
}

export const maxPoolGradWasmConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGradWasm as tf.KernelFunc,
};
