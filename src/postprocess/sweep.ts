/**
 * Frame probabilities of many clips → one event table (post-processing from config), or one table per threshold
 * (operating points for PSDS). The median filter runs once per clip, before thresholding (it commutes with it).
 */
import type { EventTable, OperatingPointTable, SoundEvent } from '../data/events.ts';
import { eventsFromBinary } from './frames-to-events.ts';
import { medianFilterPerClass } from './median-filter.ts';
import { binarize } from './threshold.ts';
import type { FrameGrid } from '../data/time-grid.ts';

export interface ClipFrameProb {
  file: string;
  prob: Float32Array; // [frames, classes] row-major
  clipDurationSec?: number;
}

export interface PostprocessOptions {
  classes: string[];
  grid: FrameGrid; // of the frame probabilities
  medianWindowsFrames: ArrayLike<number>; // per class, odd
}

/**
 * DESED's PSDS grid np.arange(1/(2n), 1, 1/n): n values 1/(2n) + k/n (n = 50: 0.01, 0.03, …, 0.99), computed as
 * numpy's arange does (start + k·delta with delta = (start + step) − start) so the thresholds are the same doubles.
 */
export function psdsThresholds(n: number): number[] {
  const start = 1 / (n * 2);
  const delta = start + 1 / n - start;
  return Array.from({ length: n }, (_, k) => start + k * delta);
}

const filtered = (clips: ClipFrameProb[], o: PostprocessOptions) =>
  clips.map((c) => ({ ...c, prob: medianFilterPerClass(c.prob, o.classes.length, o.medianWindowsFrames) }));

function decodeAll(clips: ClipFrameProb[], o: PostprocessOptions, thresholds: ArrayLike<number>): EventTable {
  const events: SoundEvent[] = [];
  for (const clip of clips) {
    const active = binarize(clip.prob, o.classes.length, thresholds);
    events.push(...eventsFromBinary(active, o.classes, clip.file, { grid: o.grid, clipDurationSec: clip.clipDurationSec }));
  }
  return { files: clips.map((c) => c.file), events };
}

/** Detections at per-class thresholds (see thresholdsPerClass). */
export function detectEvents(clips: ClipFrameProb[], o: PostprocessOptions, thresholds: ArrayLike<number>): EventTable {
  return decodeAll(filtered(clips, o), o, thresholds);
}

/** One detection table per global threshold, same filter for all. */
export function operatingPoints(clips: ClipFrameProb[], o: PostprocessOptions, thresholds: number[]): OperatingPointTable[] {
  const smooth = filtered(clips, o);
  return thresholds.map((threshold) => ({ threshold, table: decodeAll(smooth, o, o.classes.map(() => threshold)) }));
}
