/** Exponential softmax pooling: y_c = Σ_t y_tc·e^{y_tc} / Σ_t e^{y_tc}. */
import * as tf from '@tensorflow/tfjs-core';
import { PoolingHead, softmaxOverFrames, weightedSumOverFrames, type PoolingHeadArgs, type PoolingHeadEntry } from './pooling-head.ts';

/** Exponential softmax pooling head: [B, T, C] → [B, C]. */
export class ExpSoftmaxPooling extends PoolingHead {
  static className = 'SedExpSoftmaxPooling';
  constructor(args: PoolingHeadArgs) {
    super(args);
  }
  protected pool(frameProb: tf.Tensor3D): tf.Tensor2D {
    return weightedSumOverFrames(softmaxOverFrames(frameProb), frameProb);
  }
}
tf.serialization.registerClass(ExpSoftmaxPooling);

/** Registry entry (registry.ts): `pooling.head: exp_softmax`, `--pooling exp_softmax`. */
export const expSoftmaxPoolingHead: PoolingHeadEntry = {
  name: 'exp_softmax',
  summary: 'y_c = Σ_t y_tc·e^{y_tc} / Σ_t e^{y_tc}',
  create: (args) => new ExpSoftmaxPooling(args),
};
