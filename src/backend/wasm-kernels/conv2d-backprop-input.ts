/**
 * Conv2DBackpropInput for the wasm backend. With stride 1 the input gradient is a forward convolution of dy with
 * the filter flipped in space and with its channel axes swapped,
 *   dx[b, y, x, c] = Σ_{i,j,o} dy[b, y + padTop − i, x + padLeft − j, o] · W[i, j, c, o]
 *                 = conv(dy, W'[i', j', o, c] = W[kH−1−i', kW−1−j', c, o]), padding kH−1−padTop / kH−1−padBottom …
 * which runs on XNNPACK's forward convolution; the stock kernel took ~3× a forward conv of the same size.
 * Other strides, NCHW and paddings beyond kH−1 go to the stock kernel.
 *
 * Note: tfjs-core's fused conv2d (what tfjs-layers' Conv2D runs while training) computes the input gradient inside
 * a customGrad even for the model's first layer, whose input needs none; that call cannot be told apart here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { callStockWasmKernel, callWasmKernel, release, stockSetup, type WasmHeapBackend } from './call-kernel.ts';

interface BackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/** W[kH, kW, c, o] → W'[kH, kW, o, c] flipped in both spatial axes, on the heap. */
function flipFilter(backend: WasmHeapBackend, filter: tf.TensorInfo): tf.TensorInfo {
  const [kH, kW, inC, outC] = filter.shape as [number, number, number, number];
  const out = backend.makeOutput([kH, kW, outC, inC], 'float32');
  const w = backend.typedArrayFromHeap(filter) as Float32Array;
  const f = backend.typedArrayFromHeap(out) as Float32Array;
  for (let i = 0; i < kH; i++) {
    for (let j = 0; j < kW; j++) {
      const src = ((kH - 1 - i) * kW + (kW - 1 - j)) * inC * outC;
      const dst = (i * kW + j) * outC * inC;
      for (let c = 0; c < inC; c++) {
        for (let o = 0; o < outC; o++) f[dst + o * inC + c] = w[src + c * outC + o]!;
      }
    }
  }
  return out;
}

function conv2dBackpropInputWasm(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }) {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropInputAttrs;
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    attrs.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
  );
  const { filterHeight: kH, filterWidth: kW, padInfo } = info;
  const pads = [kH - 1 - padInfo.top, kH - 1 - padInfo.bottom, kW - 1 - padInfo.left, kW - 1 - padInfo.right];
  const simple =
    attrs.dataFormat !== 'NCHW' && info.strideHeight === 1 && info.strideWidth === 1 && pads.every((p) => p >= 0);
  if (!simple || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return callStockWasmKernel(tf.Conv2DBackpropInput, args);
  }
  const backend = args.backend as WasmHeapBackend;
  const flipped = flipFilter(backend, filter);
  const dx = callWasmKernel(
    'Conv2D',
    { x: dy, filter: flipped },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [
        [0, 0],
        [pads[0], pads[1]],
        [pads[2], pads[3]],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    },
    backend,
  );
  release(backend, flipped);
  return dx;
}

export const conv2DBackpropInputWasmConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropInput,
  backendName: 'wasm',
  setupFunc: stockSetup(tf.Conv2DBackpropInput),
  kernelFunc: conv2dBackpropInputWasm as tf.KernelFunc,
};
