/** The event-level part of validation: post-process frame probabilities as configured and score them. */
import type { EvalConfig, PostprocessConfig } from '../config/types.ts';
import type { EventTable } from '../data/events.ts';
import type { FrameGrid } from '../data/time-grid.ts';
import { eventBasedMetrics } from '../metrics/event-based.ts';
import { postprocessFromConfig } from '../postprocess/from-config.ts';
import { detectEvents } from '../postprocess/sweep.ts';

/** Frame probabilities [outFrames, C] per clip → post-processed detections (postprocess config; times in seconds). */
export function eventTableFromProbabilities(
  clips: { file: string; frameProb: Float32Array }[],
  classes: string[],
  cfg: PostprocessConfig,
  grid: FrameGrid,
): EventTable {
  const { options, thresholds } = postprocessFromConfig(cfg, classes, grid);
  return detectEvents(clips.map((c) => ({ file: c.file, prob: c.frameProb })), options, thresholds);
}

/** Event-based F1 macro (sed_eval) with the eval config's collars. */
export function eventBasedMacroF1(reference: EventTable, estimate: EventTable, cfg: EvalConfig): number {
  return eventBasedF1(reference, estimate, cfg).macro;
}

/** Event-based macro F1 and each class's F1 (null where sed_eval's is NaN), for the per-epoch curves. */
export function eventBasedF1(reference: EventTable, estimate: EventTable, cfg: EvalConfig): { macro: number; perClass: Record<string, number | null> } {
  const m = eventBasedMetrics(reference, estimate, { tCollarSec: cfg.t_collar, percentageOfLength: cfg.percentage_of_length });
  return { macro: m.f1_macro, perClass: Object.fromEntries(Object.entries(m.class_wise).map(([c, s]) => [c, Number.isFinite(s.f1) ? s.f1 : null])) };
}
