/**
 * Power pooling (arXiv 2010.09985): y_c = Σ_t y_tc · y_tc^{n_c} / Σ_t y_tc^{n_c}, one trainable n_c ≥ 0 per class.
 * n = 0 is average pooling, n = 1 linear softmax, n → ∞ max pooling.
 *
 * Computed as Σ_t y_t · softmax_t(n · log(clip(y_t, 1e-7, 1))): the power lives in the log domain, so y ∈ {0, 1}
 * gives finite values and gradients (tf.pow has a NaN gradient at 0^0), and the max-shifted softmax cannot
 * underflow to 0/0 for large n.
 *
 * Training contract (tfjs applies no layer constraints in fit/minimize):
 * - add `regularizationLoss(λ)` = λ Σ_c n_c² to the loss inside the optimizer's closure;
 * - call `projectNonNegative()` after every optimizer step, which sets n_c ← max(n_c, 0).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '../../errors.ts';
import { initializers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import {
  PoolingHead,
  PROB_FLOOR,
  softmaxOverFrames,
  vectorValues,
  weightedSumOverFrames,
  type PerClassParameters,
  type PoolingHeadArgs,
  type PoolingHeadEntry,
} from './pooling-head.ts';

export interface PowerPoolingArgs extends PoolingHeadArgs {
  /** Initial n_c for every class (config `pooling.n_init`; the paper's default 1). Must be ≥ 0. */
  nInit?: number;
}

/** Power pooling head with one learnable n_c ≥ 0 per class (see the file header for the training contract). */
export class PowerPooling extends PoolingHead {
  static className = 'SedPowerPooling';
  readonly nInit: number;
  private n: LayerVariable | null = null;

  constructor(args: PowerPoolingArgs) {
    super(args);
    this.nInit = args.nInit ?? 1;
    if (!(this.nInit >= 0) || !Number.isFinite(this.nInit)) {
      throw new Error(`PowerPooling: nInit must be a finite number ≥ 0 (${args.nInit} given)`);
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    this.frameProbShape(inputShape);
    this.n = this.addWeight('n', [this.nClasses], 'float32', initializers.constant({ value: this.nInit }));
    this.built = true;
  }

  protected pool(frameProb: tf.Tensor3D): tf.Tensor2D {
    const logY = tf.log(tf.clipByValue(frameProb, PROB_FLOOR, 1));
    const weights = softmaxOverFrames(tf.mul(logY, this.nVariable().read()));
    return weightedSumOverFrames(weights, frameProb);
  }

  /** The trainable n (one per class); for optimizers that give the pooling parameters their own learning rate. */
  nVariable(): LayerVariable {
    if (this.n == null) throw new Error(`${this.name}: n_c is read before the layer is built`);
    return this.n;
  }

  /** λ Σ_c n_c², differentiable w.r.t. n: call inside the closure given to optimizer.minimize. */
  regularizationLoss(lambda: number): tf.Scalar {
    return tf.tidy(() => tf.mul(lambda, tf.sum(tf.square(this.nVariable().read()))) as tf.Scalar);
  }

  /** n_c ← max(n_c, 0); call after each optimizer step. */
  projectNonNegative(): void {
    const n = this.nVariable();
    const projected = tf.tidy(() => tf.relu(n.read()));
    n.write(projected);
    projected.dispose();
  }

  override perClassParameters(): PerClassParameters | null {
    return this.n ? { name: 'n_c', values: vectorValues(this.n.read()) } : null;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), nInit: this.nInit };
  }
}
tf.serialization.registerClass(PowerPooling);

/** Registry entry (registry.ts): `pooling.head: power`, `--pooling power`. */
export const powerPoolingHead: PoolingHeadEntry = {
  name: 'power',
  summary: 'y_c = Σ_t y_tc·y_tc^{n_c} / Σ_t y_tc^{n_c}, learnable n_c ≥ 0 (Liu et al. 2020)',
  create(args, pooling) {
    if (!(pooling.n_init >= 0)) throw new ConfigError('pooling.n_init', `must be ≥ 0 (${pooling.n_init} given)`);
    return new PowerPooling({ ...args, nInit: pooling.n_init });
  },
};
