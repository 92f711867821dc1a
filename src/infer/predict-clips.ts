/** Batched inference over store clips: the model's frame and clip probabilities, one array per clip. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { loadBatch, type BatchShape } from '../data/batch.ts';
import type { ClipRef, FeatureSource } from '../data/feature-source.ts';

/** Probabilities of `clips[i]` at index i. */
export interface Predictions {
  clips: ClipRef[];
  frameProb: Float32Array[]; // per clip [outFrames, C]
  clipProb: Float32Array[]; // per clip [C]
}

/**
 * Runs the model over `refs` in batches of `batchSize` (inference mode; input normalised with the store's statistics,
 * cut or padded to `shape.frames`). The model must output [frameProb [B, outFrames, C], clipProb [B, C]].
 */
export function predictClips(model: tfl.LayersModel, source: FeatureSource, refs: ClipRef[], shape: BatchShape, batchSize: number): Predictions {
  const nClasses = source.classes.length;
  const frameProb: Float32Array[] = [];
  const clipProb: Float32Array[] = [];
  for (let start = 0; start < refs.length; start += batchSize) {
    const batch = loadBatch(source, refs.slice(start, start + batchSize), shape);
    const [frames, clips] = tf.tidy(() => {
      const x = tf.tensor3d(batch.x, [batch.size, shape.frames, shape.nMels]);
      const [f, c] = model.predict(x) as tf.Tensor[];
      return [f.dataSync() as Float32Array, c.dataSync() as Float32Array];
    });
    for (let b = 0; b < batch.size; b++) {
      frameProb.push(frames.slice(b * shape.outFrames * nClasses, (b + 1) * shape.outFrames * nClasses));
      clipProb.push(clips.slice(b * nClasses, (b + 1) * nClasses));
    }
  }
  return { clips: refs, frameProb, clipProb };
}
