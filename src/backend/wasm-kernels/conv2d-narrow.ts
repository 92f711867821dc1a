/**
 * Conv2D and FusedConv2D for the wasm backend when a spatial axis of the input has length 1 and so does the output's:
 * then only one filter tap along that axis ever meets data (the others read padding), and the convolution equals one
 * with the filter cut to that tap and no padding on that axis. A CRNN's last conv blocks, after the frequency axis
 * is pooled down to 1, run 3×3 convolutions whose two outer columns multiply zeros: XNNPACK computes them anyway, so
 * these blocks cost 3× what they need, forward and in both gradients (conv2d-backprop-input.ts and
 * conv2d-backprop-filter.ts call Conv2D and get this too). Everything else goes to the stock kernels unchanged.
 *
 * Along an axis with input length 1 and output length 1 the output reads input index p·s + k·d − padBefore = 0 at
 * p = 0, so tap k = padBefore / d when that is an integer in [0, K); with no such tap the output is all zeros and
 * the stock kernel handles it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { callStockWasmKernel, callWasmKernel, release, stockSetup } from './call-kernel.ts';

type Args = { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap };

export interface ConvNarrowing {
  /** The filter tap kept along height (null: height is not narrowed). */
  tapH: number | null;
  /** The filter tap kept along width (null: width is not narrowed). */
  tapW: number | null;
  /** Explicit padding for the narrowed convolution (NHWC order). */
  pad: [[number, number], [number, number], [number, number], [number, number]];
}

/** The one tap along an axis of input and output length 1, or null (see the module comment). */
export function singleTap(inLen: number, outLen: number, k: number, dilation: number, padBefore: number): number | null {
  if (inLen !== 1 || outLen !== 1 || k === 1) return null;
  const tap = padBefore / dilation;
  return Number.isInteger(tap) && tap >= 0 && tap < k ? tap : null;
}

/** How a convolution can be narrowed, or null when neither axis can. `info` is tfjs's Conv2DInfo of it. */
export function convNarrowing(info: backend_util.Conv2DInfo): ConvNarrowing | null {
  if (info.dataFormat !== 'channelsLast') return null;
  const { padInfo } = info;
  const tapH = singleTap(info.inHeight, info.outHeight, info.filterHeight, info.dilationHeight, padInfo.top);
  const tapW = singleTap(info.inWidth, info.outWidth, info.filterWidth, info.dilationWidth, padInfo.left);
  if (tapH == null && tapW == null) return null;
  return {
    tapH,
    tapW,
    pad: [
      [0, 0],
      tapH == null ? [padInfo.top, padInfo.bottom] : [0, 0],
      tapW == null ? [padInfo.left, padInfo.right] : [0, 0],
      [0, 0],
    ],
  };
}

/** filter [kH, kW, in, out] cut to the kept taps, on the heap (release it after use). */
function cutFilter(filter: tf.TensorInfo, n: ConvNarrowing, backend: tf.KernelBackend): tf.TensorInfo {
  const [kH, kW, inC, outC] = filter.shape as [number, number, number, number];
  return callWasmKernel(
    tf.Slice,
    { x: filter },
    { begin: [n.tapH ?? 0, n.tapW ?? 0, 0, 0], size: [n.tapH == null ? kH : 1, n.tapW == null ? kW : 1, inC, outC] },
    backend,
  );
}

function narrowed(kernelName: typeof tf.Conv2D | typeof tf.FusedConv2D) {
  return (args: Args): tf.TensorInfo => {
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as {
      strides: number | [number, number];
      pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
      dataFormat: 'NHWC' | 'NCHW';
      dilations: number | [number, number];
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
    };
    const n =
      attrs.dataFormat === 'NCHW' || x.dtype !== 'float32' || filter.dtype !== 'float32'
        ? null
        : convNarrowing(
            backend_util.computeConv2DInfo(
              x.shape as [number, number, number, number],
              filter.shape as [number, number, number, number],
              attrs.strides,
              attrs.dilations ?? 1,
              attrs.pad,
              attrs.dimRoundingMode,
            ),
          );
    if (n == null) return callStockWasmKernel(kernelName, args);
    const cut = cutFilter(filter, n, args.backend);
    try {
      return callStockWasmKernel(kernelName, {
        inputs: { ...args.inputs, filter: cut },
        backend: args.backend,
        attrs: { ...(args.attrs as object), pad: n.pad, dimRoundingMode: undefined } as unknown as tf.NamedAttrMap,
      });
    } finally {
      release(args.backend, cut);
    }
  };
}

export const conv2DNarrowWasmConfig: tf.KernelConfig = {
  kernelName: tf.Conv2D,
  backendName: 'wasm',
  setupFunc: stockSetup(tf.Conv2D),
  kernelFunc: narrowed(tf.Conv2D) as tf.KernelFunc,
};

export const fusedConv2DNarrowWasmConfig: tf.KernelConfig = {
  kernelName: tf.FusedConv2D,
  backendName: 'wasm',
  setupFunc: stockSetup(tf.FusedConv2D),
  kernelFunc: narrowed(tf.FusedConv2D) as tf.KernelFunc,
};
