/**
 * What every pooling head shares: frame probabilities [batch, frames, classes] in, clip probabilities
 * [batch, classes] out, pooled over the frame axis (axis 1).
 *
 * Input convention: a head whose `takesEmbeddings` is false is applied to the frame probabilities alone;
 * a head whose `takesEmbeddings` is true (attention) is applied to `[embeddings, frameProb]`, embeddings being
 * the per-frame features the frame classifier sees ([batch, frames, dims]).
 */
import * as tf from '@tensorflow/tfjs-core';
import { layers, type Shape } from '@tensorflow/tfjs-layers';
import { ShapeError } from '../../errors.ts';

export interface PoolingHeadArgs {
  /** Layer name (unique inside a model). */
  name?: string;
  /** false freezes the head's parameters (e.g. during the warm-up). */
  trainable?: boolean;
  /** Number of classes the head expects in its frame-probability input; checked when the layer is built. */
  nClasses: number;
}

/** Per-class learned parameters a head reports for n_c.json / metrics.jsonl. */
export interface PerClassParameters {
  name: 'n_c' | 'alpha';
  values: number[];
}

/** The pooling config keys a head may read when it is built (n_init for power pooling). */
export interface PoolingBuildConfig {
  n_init: number;
}

/**
 * A head as the registry (registry.ts) knows it: each head file exports one, and `name` is what the config
 * (`pooling.head`), the CLI (`--pooling`) and the reports call it.
 */
export interface PoolingHeadEntry {
  /** snake_case, unique. */
  name: string;
  /** One line for --help and the README: the formula and its source. */
  summary: string;
  /** Builds the head; throws ConfigError naming the pooling key at fault. */
  create(args: PoolingHeadArgs, pooling: PoolingBuildConfig): PoolingHead;
}

/** Lower clamp for probabilities entering a logarithm or a division, so 0 and 1 stay finite. */
export const PROB_FLOOR = 1e-7;

/** Base class of every head: shape checks, config, and `pool` over the frame axis inside tidy. */
export abstract class PoolingHead extends layers.Layer {
  readonly nClasses: number;
  /** true: apply to [embeddings, frameProb]; false: apply to frameProb. */
  readonly takesEmbeddings: boolean = false;

  constructor(args: PoolingHeadArgs) {
    super({ name: args.name, trainable: args.trainable });
    if (!Number.isInteger(args.nClasses) || args.nClasses < 1) {
      throw new Error(`${this.getClassName()}: nClasses must be a positive integer (${args.nClasses} given)`);
    }
    this.nClasses = args.nClasses;
  }

  /** Learned per-class parameters, or null for heads without any. */
  perClassParameters(): PerClassParameters | null {
    return null;
  }

  /** The frame-probability shape among the inputs, checked against [batch, frames, nClasses]. */
  protected frameProbShape(inputShape: Shape | Shape[]): Shape {
    const shapes = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    const expected = this.takesEmbeddings ? 2 : 1;
    if (shapes.length !== expected) {
      throw new ShapeError(`${this.name} inputs`, `${expected} tensor(s)`, `${shapes.length}`);
    }
    const y = shapes[shapes.length - 1]!;
    if (y.length !== 3 || (y[2] != null && y[2] !== this.nClasses)) {
      throw new ShapeError(`${this.name} frame probabilities`, `[batch, frames, ${this.nClasses}]`, `[${y.join(', ')}]`);
    }
    if (this.takesEmbeddings && shapes[0]!.length !== 3) {
      throw new ShapeError(`${this.name} embeddings`, '[batch, frames, dims]', `[${shapes[0]!.join(', ')}]`);
    }
    return y;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const y = this.frameProbShape(inputShape);
    return [y[0]!, y[2]!];
  }

  override build(inputShape: Shape | Shape[]): void {
    this.frameProbShape(inputShape);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const list = Array.isArray(inputs) ? inputs : [inputs];
      const frameProb = list[list.length - 1] as tf.Tensor3D;
      return this.pool(frameProb, this.takesEmbeddings ? (list[0] as tf.Tensor3D) : null);
    });
  }

  /** frameProb [batch, frames, classes] (and embeddings [batch, frames, dims]) → [batch, classes]. */
  protected abstract pool(frameProb: tf.Tensor3D, embeddings: tf.Tensor3D | null): tf.Tensor2D;

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), nClasses: this.nClasses };
  }
}

/** Reads a [classes] weight as a plain array. */
export function vectorValues(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/**
 * Softmax over frames (axis 1) of logits [batch, frames, classes], shifted by the per-column maximum so that
 * large logits cannot overflow and very negative ones cannot all underflow to 0/0.
 */
export function softmaxOverFrames(logits: tf.Tensor3D): tf.Tensor3D {
  const shifted = tf.sub(logits, tf.max(logits, 1, true));
  const e = tf.exp(shifted);
  return tf.div(e, tf.sum(e, 1, true));
}

/** Σ_t w_tc · y_tc for weights that already sum to 1 over frames. */
export function weightedSumOverFrames(weights: tf.Tensor3D, frameProb: tf.Tensor3D): tf.Tensor2D {
  return tf.sum(tf.mul(weights, frameProb), 1);
}
