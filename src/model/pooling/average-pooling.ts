/** Average pooling: y_c = mean_t y_tc. Every frame gets the same gradient, so it tends to over-estimate length. */
import * as tf from '@tensorflow/tfjs-core';
import { PoolingHead, type PoolingHeadArgs, type PoolingHeadEntry } from './pooling-head.ts';

/** Average pooling head: [B, T, C] → [B, C]. */
export class AveragePooling extends PoolingHead {
  static className = 'SedAveragePooling';
  constructor(args: PoolingHeadArgs) {
    super(args);
  }
  protected pool(frameProb: tf.Tensor3D): tf.Tensor2D {
    return tf.mean(frameProb, 1);
  }
}
tf.serialization.registerClass(AveragePooling);

/** Registry entry (registry.ts): `pooling.head: average`, `--pooling average`. */
export const averagePoolingHead: PoolingHeadEntry = {
  name: 'average',
  summary: 'y_c = mean_t y_tc; every frame gets the same gradient (over-estimates event length)',
  create: (args) => new AveragePooling(args),
};
