/**
 * Auto-pool (McFee, Salamon & Bello 2018): y_c = Σ_t y_tc · softmax_t(α_c · y_tc), one trainable α_c per class,
 * initialised at 0 (= average pooling); α → +∞ approaches max pooling, α → −∞ min pooling.
 * The paper's optional penalty on α is not applied here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import {
  PoolingHead,
  softmaxOverFrames,
  vectorValues,
  weightedSumOverFrames,
  type PerClassParameters,
  type PoolingHeadArgs,
  type PoolingHeadEntry,
} from './pooling-head.ts';

/** Auto-pool head with one learnable α_c per class (see the file header). */
export class AutoPooling extends PoolingHead {
  static className = 'SedAutoPooling';
  private alpha: LayerVariable | null = null;

  constructor(args: PoolingHeadArgs) {
    super(args);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.frameProbShape(inputShape);
    this.alpha = this.addWeight('alpha', [this.nClasses], 'float32', initializers.zeros());
    this.built = true;
  }

  protected pool(frameProb: tf.Tensor3D): tf.Tensor2D {
    const alpha = this.alpha!.read(); // [classes], broadcast over batch and frames
    return weightedSumOverFrames(softmaxOverFrames(tf.mul(frameProb, alpha)), frameProb);
  }

  override perClassParameters(): PerClassParameters | null {
    return this.alpha ? { name: 'alpha', values: vectorValues(this.alpha.read()) } : null;
  }
}
tf.serialization.registerClass(AutoPooling);

/** Registry entry (registry.ts): `pooling.head: auto_pool`, `--pooling auto_pool`. */
export const autoPoolingHead: PoolingHeadEntry = {
  name: 'auto_pool',
  summary: 'y_c = Σ_t y_tc·softmax_t(α_c·y_tc), learnable α_c (McFee et al. 2018)',
  create: (args) => new AutoPooling(args),
};
