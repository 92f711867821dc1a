/** Validation after each epoch: frame and clip probabilities over the validation clips, then the metrics. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SedConfig } from '../config/types.ts';
import { eventTableFromProbabilities, eventBasedMacroF1 } from './validation-metrics.ts';
import { loadBatch, referenceTable, weakLabelsOf, type BatchShape, type ClipRef, type FeatureSource } from './data.ts';

export interface Predictions {
  clips: ClipRef[];
  frameProb: Float32Array[]; // per clip [outFrames, C]
  clipProb: Float32Array[]; // per clip [C]
}

/** Runs the model over clips in batches (inference mode). */
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

export interface ValidationMetrics {
  loss: number; // clip-level BCE
  clip_f1_macro: number;
  event_f1_macro: number | null; // null when the validation clips have no strong labels
}

export function validationMetrics(pred: Predictions, classes: string[], config: SedConfig, outFrameSec: number): ValidationMetrics {
  const nClasses = classes.length;
  const eps = 1e-7;
  let loss = 0;
  const tp = new Array(nClasses).fill(0);
  const fp = new Array(nClasses).fill(0);
  const fn = new Array(nClasses).fill(0);
  pred.clips.forEach((ref, i) => {
    const labels = new Set(weakLabelsOf(ref.clip));
    classes.forEach((name, c) => {
      const p = Math.min(Math.max(pred.clipProb[i][c], eps), 1 - eps);
      const y = labels.has(name) ? 1 : 0;
      loss -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
      const detected = pred.clipProb[i][c] >= 0.5;
      if (detected && y) tp[c]++;
      else if (detected) fp[c]++;
      else if (y) fn[c]++;
    });
  });
  loss /= Math.max(1, pred.clips.length * nClasses);
  // F1 per class, 0 when a class has neither detections nor references; macro = plain mean over classes
  const f1 = classes.map((_, c) => (2 * tp[c] + fp[c] + fn[c] ? (2 * tp[c]) / (2 * tp[c] + fp[c] + fn[c]) : 0));
  const clipF1Macro = f1.reduce((a, b) => a + b, 0) / Math.max(1, nClasses);

  let eventF1: number | null = null;
  const strong = pred.clips.map((r, i) => [r, i] as const).filter(([r]) => r.hasStrong);
  if (strong.length) {
    const reference = referenceTable(pred.clips);
    const estimate = eventTableFromProbabilities(
      strong.map(([r, i]) => ({ file: r.clip.name, frameProb: pred.frameProb[i] })),
      classes,
      config.postprocess,
      outFrameSec,
    );
    eventF1 = eventBasedMacroF1(reference, estimate, config.eval);
  }
  return { loss, clip_f1_macro: clipF1Macro, event_f1_macro: eventF1 };
}
