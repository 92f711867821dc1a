/** Validation after each epoch: frame and clip probabilities over the validation clips, then the metrics. */
import type { SedConfig } from '../config/types.ts';
import { clipF1PerClass } from '../metrics/tagging.ts';
import type { FrameGrid } from '../data/time-grid.ts';
import { eventTableFromProbabilities, eventBasedMacroF1 } from './validation-metrics.ts';
import { referenceTable, weakLabelsOf } from '../data/label-encoding.ts';
import type { Predictions } from '../infer/predict-clips.ts';

export interface ValidationMetrics {
  loss: number; // clip-level BCE
  clip_f1_macro: number;
  event_f1_macro: number | null; // null when the validation clips have no strong labels
}

/**
 * Validation metrics of predictions: clip-level BCE and clip F1 macro (threshold 0.5, metrics/tagging.ts clip F1)
 * over every clip, and event-based F1 macro over the strongly labelled clips (null when none).
 */
export function validationMetrics(pred: Predictions, classes: string[], config: SedConfig, outGrid: FrameGrid): ValidationMetrics {
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
  const f1 = clipF1PerClass([tp, fp, fn]);
  const clipF1Macro = f1.reduce((a, b) => a + b, 0) / Math.max(1, nClasses);

  let eventF1: number | null = null;
  const strong = pred.clips.map((r, i) => [r, i] as const).filter(([r]) => r.hasStrong);
  if (strong.length) {
    const reference = referenceTable(pred.clips);
    const estimate = eventTableFromProbabilities(
      strong.map(([r, i]) => ({ file: r.clip.name, frameProb: pred.frameProb[i] })),
      classes,
      config.postprocess,
      outGrid,
    );
    eventF1 = eventBasedMacroF1(reference, estimate, config.eval);
  }
  return { loss, clip_f1_macro: clipF1Macro, event_f1_macro: eventF1 };
}
