/** Max pooling: y_c = max_t y_tc. Only the loudest frame gets gradient, so it tends to under-estimate event length. */
import * as tf from '@tensorflow/tfjs-core';
import { PoolingHead, type PoolingHeadArgs, type PoolingHeadEntry } from './pooling-head.ts';

/** Max pooling head: [B, T, C] → [B, C]. */
export class MaxPooling extends PoolingHead {
  static className = 'SedMaxPooling';
  constructor(args: PoolingHeadArgs) {
    super(args);
  }
  protected pool(frameProb: tf.Tensor3D): tf.Tensor2D {
    return tf.max(frameProb, 1);
  }
}
tf.serialization.registerClass(MaxPooling);

/** Registry entry (registry.ts): `pooling.head: max`, `--pooling max`. */
export const maxPoolingHead: PoolingHeadEntry = {
  name: 'max',
  summary: 'y_c = max_t y_tc; only the loudest frame gets gradient (under-estimates event length)',
  create: (args) => new MaxPooling(args),
};
