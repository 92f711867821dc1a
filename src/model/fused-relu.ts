/**
 * tfjs-layers' ReLU layer, with its gradient as TensorFlow's ReluGrad kernel while `tensorflowKernelsActive()`;
 * elsewhere, or with a maxValue, it is the stock layer. tfjs differentiates relu as dy·cast(step(x)), and tfjs-node
 * runs step as IsNan, Greater, Fill and Select: five passes over the activations where ReluGrad is one.
 *
 * Same function and gradient as the stock layer: max(x, 0), and ∂y where x > 0, else 0 (at x = 0 both give 0). It
 * is registered under the stock class name with the stock config, so saved models are unchanged and every model
 * loaded from model.json gets this class.
 */
import * as tf from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { ReLU as StockReLU } from '@tensorflow/tfjs-layers/dist/layers/advanced_activations.js';
import { RELU_GRAD, tensorflowKernelsActive } from '../backend/tensorflow-kernels.ts';

/** max(x, 0) with the gradient through ReluGrad; needs `tensorflowKernelsActive()`. */
export const fusedRelu: <T extends tf.Tensor>(x: T) => T = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  const save = args[1] as tf.GradSaveFunc;
  const y = tf.relu(x);
  // y > 0 exactly where x > 0, so the output serves ReluGrad and x need not be kept.
  save([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.engine().runKernel(RELU_GRAD, { dy, y: saved[0]! }) as tf.Tensor,
  };
}) as <T extends tf.Tensor>(x: T) => T;

const Stock = layers.reLU({}).constructor as typeof StockReLU;

/** `layers.reLU` with TensorFlow's ReluGrad where it is active (see above). */
export class ReLU extends Stock {
  static override className = 'ReLU';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (this.maxValue != null || x.dtype !== 'float32' || !tensorflowKernelsActive()) return super.call(inputs, kwargs);
    return fusedRelu(x);
  }
}
// Replaces the stock class under its own name: models loaded from model.json get this one.
tf.serialization.registerClass(ReLU);
