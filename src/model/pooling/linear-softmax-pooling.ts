/**
 * Linear softmax pooling (Wang et al. 2019): y_c = Σ_t y_tc² / Σ_t y_tc, each frame weighted by its own probability.
 * `PROB_FLOOR` in the denominator keeps an all-zero column at 0 instead of NaN.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PoolingHead, PROB_FLOOR, type PoolingHeadArgs, type PoolingHeadEntry } from './pooling-head.ts';

/** Linear softmax pooling head: [B, T, C] → [B, C]. */
export class LinearSoftmaxPooling extends PoolingHead {
  static className = 'SedLinearSoftmaxPooling';
  constructor(args: PoolingHeadArgs) {
    super(args);
  }
  protected pool(frameProb: tf.Tensor3D): tf.Tensor2D {
    return tf.div(tf.sum(tf.square(frameProb), 1), tf.add(tf.sum(frameProb, 1), PROB_FLOOR));
  }
}
tf.serialization.registerClass(LinearSoftmaxPooling);

/** Registry entry (registry.ts): `pooling.head: linear_softmax`, `--pooling linear_softmax`. */
export const linearSoftmaxPoolingHead: PoolingHeadEntry = {
  name: 'linear_softmax',
  summary: 'y_c = Σ_t y_tc² / Σ_t y_tc (Wang et al. 2019)',
  create: (args) => new LinearSoftmaxPooling(args),
};
