/**
 * Frame ↔ time, computed from integer sample counts: the one place where frames and seconds meet.
 *
 * Frame k of a grid starts at sample k · hopSamples · timePool (the feature hop times the model's time pooling), and
 * its time is that whole number divided by the sample rate: one correctly rounded division, so frame 95 of the
 * 16 kHz / 320 / ×4 grid is 121600 / 16000 = 7.6 s, where 95 × 0.08 gave 7.6000000000000005. Seconds go the other way
 * through the nearest whole sample first: 0.56 s = 8960 samples = exactly 7 hops of 1280, where 0.56 / 0.08 =
 * 7.000000000000001 made ceil() give 8. Every frame ↔ time conversion in post-processing, target encoding, eval and
 * predict goes through here; times written to TSV files are rounded to the millisecond (`msRounded`).
 */
import { ConfigError } from '../errors.ts';

/** A frame grid: `timePool` input frames of `hopSamples` samples each per frame, at `sampleRateHz`. */
export interface FrameGrid {
  sampleRateHz: number; // whole number > 0
  hopSamples: number; // feature hop (hop_length), whole number > 0
  timePool: number; // input frames per output frame (1 for the feature grid itself), whole number > 0
}

export type FrameRounding = 'floor' | 'ceil' | 'round';

/**
 * A validated grid. Throws ConfigError naming the offending key when a value is not a whole number > 0
 * (`features.sample_rate`, `features.hop_length`, `net.conv` for the pooling).
 */
export function frameGrid(sampleRateHz: number, hopSamples: number, timePool = 1): FrameGrid {
  const check = (value: number, key: string) => {
    if (!Number.isInteger(value) || value <= 0) throw new ConfigError(key, `must be a whole number > 0 for the frame grid (${value} given)`);
  };
  check(sampleRateHz, 'features.sample_rate');
  check(hopSamples, 'features.hop_length');
  check(timePool, 'net.conv');
  return { sampleRateHz, hopSamples, timePool };
}

/** The grid of a model's output frames from the feature settings (`sample_rate`, `hop_length`) and its time pooling. */
export const outputFrameGrid = (features: { sample_rate: number; hop_length: number }, timePool: number): FrameGrid =>
  frameGrid(features.sample_rate, features.hop_length, timePool);

/** Samples per frame of the grid (hop_length · time pooling). */
export const frameHopSamples = (grid: FrameGrid): number => grid.hopSamples * grid.timePool;

/** The frame hop in seconds, for display and for code that needs a duration; never multiply it by a frame index. */
export const frameHopSec = (grid: FrameGrid): number => frameHopSamples(grid) / grid.sampleRateHz;

/** Start of frame `frame` (a whole number, may equal the frame count for an end time) in seconds. */
export function secFromFrame(frame: number, grid: FrameGrid): number {
  return (frame * frameHopSamples(grid)) / grid.sampleRateHz; // integer product (exact below 2^53), one rounding
}

/** Seconds → the nearest whole sample at `sampleRateHz` (ties away from zero for the positive times we see). */
export function samplesFromSec(sec: number, sampleRateHz: number): number {
  return Math.round(sec * sampleRateHz);
}

/**
 * Seconds → frame index on the grid: the time is taken to the nearest whole sample, then divided by the frame hop in
 * integers. 'floor': the frame holding that sample (an onset); 'ceil': frames needed to reach it (an exclusive end);
 * 'round': the nearest frame boundary, halves up (a window length).
 */
export function frameFromSec(sec: number, grid: FrameGrid, rounding: FrameRounding): number {
  const samples = samplesFromSec(sec, grid.sampleRateHz);
  const hop = frameHopSamples(grid);
  const floor = (samples - mod(samples, hop)) / hop;
  const rest = mod(samples, hop);
  if (rounding === 'floor' || rest === 0) return floor;
  if (rounding === 'ceil') return floor + 1;
  return 2 * rest >= hop ? floor + 1 : floor;
}

const mod = (a: number, b: number) => ((a % b) + b) % b;

/** Seconds rounded to the millisecond, the resolution of every time we write to a TSV file. */
export function msRounded(sec: number): number {
  const ms = Math.round(sec * 1000);
  return ms === 0 ? 0 : ms / 1000; // no "-0"
}
