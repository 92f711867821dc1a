/** The `postprocess:` config section turned into the options of detectEvents / operatingPoints. */
import type { PostprocessConfig } from '../config/types.ts';
import type { FrameGrid } from '../data/time-grid.ts';
import { medianWindowFrames } from './median-filter.ts';
import type { PostprocessOptions } from './sweep.ts';
import { thresholdsPerClass } from './threshold.ts';

/**
 * Post-processing options and per-class thresholds from the `postprocess` config: the median window in frames (from
 * seconds with median_unit: seconds, in whole samples of `grid`; a frame count is rounded and made odd) for every class, and one threshold per
 * class. Throws ConfigError naming postprocess.threshold.<class> for a map that names an unknown class or misses
 * one, or postprocess.median_window for a window in seconds below 0.
 */
export function postprocessFromConfig(cfg: PostprocessConfig, classes: string[], grid: FrameGrid): { options: PostprocessOptions; thresholds: Float64Array } {
  const frames = cfg.median_unit === 'seconds' ? medianWindowFrames(cfg.median_window, grid) : oddFrames(cfg.median_window);
  return {
    options: { classes, grid, medianWindowsFrames: classes.map(() => frames) },
    thresholds: thresholdsPerClass(cfg.threshold, classes),
  };
}

/**
 * postprocess.median_candidates in odd output frames (converted as median_window is), duplicates removed, ascending;
 * empty when none are configured.
 */
export function medianCandidateFrames(cfg: PostprocessConfig, grid: FrameGrid): number[] {
  const frames = cfg.median_candidates.map((w) => (cfg.median_unit === 'seconds' ? medianWindowFrames(w, grid) : oddFrames(w)));
  return [...new Set(frames)].sort((a, b) => a - b);
}

/** A window given in frames: a whole odd number (an even one is raised by one, as medianWindowFrames does). */
function oddFrames(window: number): number {
  const frames = Math.max(1, Math.round(window));
  return frames % 2 === 1 ? frames : frames + 1;
}
