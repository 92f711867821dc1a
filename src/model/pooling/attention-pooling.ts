/**
 * Attention pooling (Kong et al. 2018): a learned dense projection of the frame embeddings gives one attention
 * logit per frame and class; a softmax over frames turns them into weights; y_c = Σ_t w_tc · y_tc.
 *
 * Inputs: [embeddings [batch, frames, dims], frameProb [batch, frames, classes]] (the embeddings are what the frame
 * classifier sees, i.e. the recurrent output). The DCASE 2019 baseline differs slightly: it takes a softmax over
 * classes, clamps it to ≥ 1e-7 and then divides by its sum over frames; both are a per-class normalisation over
 * frames, the form here is the one the issue asks for and is shift-invariant and stable.
 * No bias: a per-class constant added to the logits cancels in a softmax over frames (its gradient is exactly 0).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initializers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import { PoolingHead, softmaxOverFrames, weightedSumOverFrames, type PoolingHeadArgs, type PoolingHeadEntry } from './pooling-head.ts';

/** Attention pooling head (see the file header); applied to [embeddings, frameProb]. */
export class AttentionPooling extends PoolingHead {
  static className = 'SedAttentionPooling';
  override readonly takesEmbeddings = true;
  private kernel: LayerVariable | null = null;

  constructor(args: PoolingHeadArgs) {
    super(args);
  }

  override build(inputShape: Shape | Shape[]): void {
    this.frameProbShape(inputShape);
    const dims = (inputShape as Shape[])[0]![2]!;
    this.kernel = this.addWeight('kernel', [dims, this.nClasses], 'float32', initializers.glorotUniform({}));
    this.built = true;
  }

  protected pool(frameProb: tf.Tensor3D, embeddings: tf.Tensor3D | null): tf.Tensor2D {
    const [batch, frames, dims] = embeddings!.shape;
    const flat = tf.reshape(embeddings!, [batch * frames, dims]);
    const logits = tf.matMul(flat, this.kernel!.read()); // [batch·frames, classes]
    const weights = softmaxOverFrames(tf.reshape(logits, [batch, frames, this.nClasses]));
    return weightedSumOverFrames(weights, frameProb);
  }
}
tf.serialization.registerClass(AttentionPooling);

/** Registry entry (registry.ts): `pooling.head: attention`, `--pooling attention`. */
export const attentionPoolingHead: PoolingHeadEntry = {
  name: 'attention',
  summary: 'learned attention over frame embeddings, softmax over frames (Kong et al. 2018)',
  create: (args) => new AttentionPooling(args),
};
