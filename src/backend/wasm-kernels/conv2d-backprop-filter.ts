/**
 * Conv2DBackpropFilter for the wasm backend (tfjs 4.22 lacks it: tfjs issue 8474).
 *
 * dW[i, j, c, o] = Σ_{b,p,q} x[b, p·sH + i − padTop, q·sW + j − padLeft, c] · dy[b, p, q, o]
 * is itself a forward convolution once the batch axis becomes the channel axis: input x transposed to
 * [c, H, W, b], "filter" dy transposed to [p, q, b, o], the original strides as dilations, stride 1.
 * Its output [c, i, j, o] is transposed to [i, j, c, o]. This runs on XNNPACK's convolution and was measured far
 * faster than an im2col + matMul (see /work/shared/REFERENCES.md); it needs original dilation 1, which is what
 * tfjs's conv2d gradient supports anyway.
 */
import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { callWasmKernel, release } from './call-kernel.ts';
import { singleTap } from './conv2d-narrow.ts';

interface BackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

function conv2dBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const backend = args.backend;
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const [, inH, inW] = x.shape as number[];
  const { filterHeight: kH, filterWidth: kW, strideHeight: sH, strideWidth: sW } = info;
  const { outHeight: oH, outWidth: oW } = info;
  // An axis of input and output length 1 (a CRNN's frequency axis pooled down to 1) meets data at one tap only
  // (conv2d-narrow.ts): every other tap's gradient is exactly zero, so the new convolution computes that tap alone,
  // unpadded along that axis, and the result is padded with zeros to the filter's size below.
  const tapH = singleTap(inH!, oH, kH, 1, info.padInfo.top);
  const tapW = singleTap(inW!, oW, kW, 1, info.padInfo.left);
  const padTop = tapH == null ? info.padInfo.top : 0;
  const padLeft = tapW == null ? info.padInfo.left : 0;
  // Bottom/right padding that makes the new convolution's output exactly kH × kW (1 along a narrowed axis);
  // negative means trailing input rows/columns the original convolution never read.
  let padBottom = tapH == null ? kH + (oH - 1) * sH - inH! - padTop : 0;
  let padRight = tapW == null ? kW + (oW - 1) * sW - inW! - padLeft : 0;

  const temps: tf.TensorInfo[] = [];
  let xT = callWasmKernel('Transpose', { x }, { perm: [3, 1, 2, 0] }, backend); // [c, H, W, b]
  temps.push(xT);
  if (padBottom < 0 || padRight < 0) {
    const keepH = inH! + Math.min(padBottom, 0);
    const keepW = inW! + Math.min(padRight, 0);
    xT = callWasmKernel(
      'Slice',
      { x: xT },
      { begin: [0, 0, 0, 0], size: [xT.shape[0], keepH, keepW, xT.shape[3]] },
      backend,
    );
    temps.push(xT);
    padBottom = Math.max(padBottom, 0);
    padRight = Math.max(padRight, 0);
  }
  const dyT = callWasmKernel('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }, backend); // [p, q, b, o]
  temps.push(dyT);
  const gradT = callWasmKernel(
    'Conv2D',
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      dilations: [sH, sW],
      pad: [
        [0, 0],
        [padTop, padBottom],
        [padLeft, padRight],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dimRoundingMode: undefined,
    },
    backend,
  ); // [c, kH, kW, o], or 1 along a narrowed axis
  temps.push(gradT);
  let grad = callWasmKernel('Transpose', { x: gradT }, { perm: [1, 2, 0, 3] }, backend); // [kH, kW, c, o]
  if (tapH != null || tapW != null) {
    temps.push(grad);
    const paddings = [
      tapH == null ? [0, 0] : [tapH, kH - 1 - tapH],
      tapW == null ? [0, 0] : [tapW, kW - 1 - tapW],
      [0, 0],
      [0, 0],
    ];
    grad = callWasmKernel('PadV2', { x: grad }, { paddings, constantValue: 0 }, backend);
  }
  for (const t of temps) release(backend, t);
  return grad;
}

export const conv2DBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as tf.KernelFunc,
};
