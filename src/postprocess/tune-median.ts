/**
 * Class-wise median windows chosen on held-out clips: for each class, the candidate window whose detections score the
 * best event-based F1 on the given (validation) clips. A class's event-based F1 depends only on that class's
 * detections and references, so choosing per class and then applying every choice at once gives each class exactly
 * the F1 it was chosen for. Short events (a 0.07 s click is one 80 ms output frame) are erased by a window that
 * suits 5 s engines, which is why the windows are per class (class-dependent median filters were used by the DCASE
 * 2019 Task 4 winners, Lin et al.; DESED's baseline uses one window for all).
 */
import type { EventTable } from '../data/events.ts';
import { ConfigError } from '../errors.ts';
import { eventBasedMetrics, type EventBasedOptions } from '../metrics/event-based.ts';
import { detectEvents, type ClipFrameProb, type PostprocessOptions } from './sweep.ts';

export interface MedianChoice {
  /** Chosen window per class (odd frames), in `classes` order. */
  windowsFrames: number[];
  /** Event-based F1 (0–1, null when the class has no reference event) per class, per candidate in candidate order. */
  f1: Record<string, (number | null)[]>;
  candidatesFrames: number[];
}

/**
 * For every class, the window of `candidatesFrames` (odd whole numbers ≥ 1) with the highest event-based F1 of that
 * class on `clips` against `reference`, at the per-class `thresholds`. Ties, and classes without a reference event,
 * keep `defaultFrames` when it is among the tied candidates, else the smallest tied window. Throws ConfigError naming
 * postprocess.median_candidates for an empty list or a window that is not an odd whole number.
 */
export function chooseMedianWindows(
  clips: ClipFrameProb[],
  reference: EventTable,
  o: Omit<PostprocessOptions, 'medianWindowsFrames'>,
  thresholds: ArrayLike<number>,
  candidatesFrames: number[],
  defaultFrames: number,
  scoring: EventBasedOptions,
): MedianChoice {
  if (!candidatesFrames.length) throw new ConfigError('postprocess.median_candidates', 'needs at least one window');
  for (const w of candidatesFrames)
    if (!Number.isInteger(w) || w < 1 || w % 2 === 0) throw new ConfigError('postprocess.median_candidates', `every window must be an odd whole number of frames ≥ 1 (${w} given)`);
  const f1: Record<string, (number | null)[]> = Object.fromEntries(o.classes.map((c) => [c, []]));
  for (const w of candidatesFrames) {
    const detections = detectEvents(clips, { ...o, medianWindowsFrames: o.classes.map(() => w) }, thresholds);
    const classWise = eventBasedMetrics(reference, detections, scoring).class_wise;
    for (const c of o.classes) {
      const value = classWise[c]?.f1;
      f1[c].push(typeof value === 'number' && Number.isFinite(value) ? value : null);
    }
  }
  const windowsFrames = o.classes.map((c) => {
    const scores = f1[c].map((v) => v ?? -1);
    const best = Math.max(...scores);
    const tied = candidatesFrames.filter((_, k) => scores[k] === best);
    return tied.includes(defaultFrames) ? defaultFrames : Math.min(...tied);
  });
  return { windowsFrames, f1, candidatesFrames };
}
