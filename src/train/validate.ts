/** Validation after each epoch: frame and clip probabilities over the validation clips, then the metrics. */
import type { SedConfig } from '../config/types.ts';
import { tagsFromEventTable, type FileTags } from '../io/event-tsv.ts';
import { taggingMetrics } from '../metrics/tagging.ts';
import type { FrameGrid } from '../data/time-grid.ts';
import { eventTableFromProbabilities, eventBasedF1 } from './validation-metrics.ts';
import { referenceTable, weakLabelsOf } from '../data/label-encoding.ts';
import type { Predictions } from '../infer/predict-clips.ts';
import { medianCandidateFrames, postprocessFromConfig } from '../postprocess/from-config.ts';
import { chooseMedianWindows } from '../postprocess/tune-median.ts';
import { detectEvents } from '../postprocess/sweep.ts';

export interface ValidationMetrics {
  loss: number; // clip-level BCE
  clip_f1_macro: number;
  event_f1_macro: number | null; // null when the validation clips have no strong labels
  /** Event F1 macro with each class's median window chosen among postprocess.median_candidates on these clips (= event_f1_macro without candidates). */
  event_f1_macro_tuned: number | null;
  /** Per class: clip-level (tagging) F1, and event-based F1 (with strong labels; null where undefined), for curves. */
  clip_f1_per_class?: Record<string, number | null>;
  event_f1_per_class?: Record<string, number | null>;
}

/**
 * Validation metrics of predictions: clip-level BCE over every clip; clip F1 macro over every clip, by the one
 * clip-level (tagging) F1 of the toolkit: the tags of a clip are the labels of its post-processed detections
 * (postprocess config: median filter, p > threshold), scored against its weak labels as DESED's
 * audio_tagging_results does (metrics/tagging.ts) — the same number `sed eval` and `sed metrics` report as tagging
 * F1 macro; and event-based F1 macro over the strongly labelled clips (null when none), also with each class's median
 * window chosen on them among postprocess.median_candidates (postprocess/tune-median.ts), the number `sed eval` reports.
 */
export function validationMetrics(pred: Predictions, classes: string[], config: SedConfig, outGrid: FrameGrid): ValidationMetrics {
  const nClasses = classes.length;
  const eps = 1e-7;
  let loss = 0;
  pred.clips.forEach((ref, i) => {
    const labels = new Set(weakLabelsOf(ref.clip));
    classes.forEach((name, c) => {
      const p = Math.min(Math.max(pred.clipProb[i][c], eps), 1 - eps);
      const y = labels.has(name) ? 1 : 0;
      loss -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
    });
  });
  loss /= Math.max(1, pred.clips.length * nClasses);

  const detections = eventTableFromProbabilities(
    pred.clips.map((r, i) => ({ file: r.clip.name, frameProb: pred.frameProb[i] })),
    classes,
    config.postprocess,
    outGrid,
  );
  const weakTags: FileTags = { files: pred.clips.map((r) => r.clip.name), labels: new Map(pred.clips.map((r) => [r.clip.name, weakLabelsOf(r.clip)])) };
  const tagging = taggingMetrics(weakTags, tagsFromEventTable(detections));
  const clipF1Macro = tagging.f1_macro;
  const clipPerClass = Object.fromEntries(classes.map((c) => [c, Number.isFinite(tagging.class_wise[c]?.f1) ? tagging.class_wise[c].f1 : null]));

  let eventF1: number | null = null;
  let eventF1Tuned: number | null = null;
  let eventPerClass: Record<string, number | null> | undefined;
  const strong = new Set(pred.clips.filter((r) => r.hasStrong).map((r) => r.clip.name));
  if (strong.size) {
    const estimate = { files: detections.files.filter((f) => strong.has(f)), events: detections.events.filter((e) => strong.has(e.file)) };
    const reference = referenceTable(pred.clips);
    ({ macro: eventF1, perClass: eventPerClass } = eventBasedF1(reference, estimate, config.eval));
    eventF1Tuned = eventF1;
    const candidates = medianCandidateFrames(config.postprocess, outGrid);
    if (candidates.length) {
      const strongClips = pred.clips.flatMap((r, i) => (r.hasStrong ? [{ file: r.clip.name, prob: pred.frameProb[i] }] : []));
      const { options, thresholds } = postprocessFromConfig(config.postprocess, classes, outGrid);
      const scoring = { tCollarSec: config.eval.t_collar, percentageOfLength: config.eval.percentage_of_length };
      const choice = chooseMedianWindows(strongClips, reference, { classes, grid: outGrid }, thresholds, candidates, options.medianWindowsFrames[0] ?? 1, scoring);
      const tuned = detectEvents(strongClips, { ...options, medianWindowsFrames: choice.windowsFrames }, thresholds);
      eventF1Tuned = eventBasedF1(reference, tuned, config.eval).macro;
    }
  }
  return { loss, clip_f1_macro: clipF1Macro, event_f1_macro: eventF1, event_f1_macro_tuned: eventF1Tuned, clip_f1_per_class: clipPerClass, ...(eventPerClass ? { event_f1_per_class: eventPerClass } : {}) };
}
