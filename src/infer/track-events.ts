/**
 * A stitched track of frame probabilities → events, with the run's post-processing (median filter, thresholds) and
 * times from integer sample counts: an event over frames s … e−1 is [s·F, e·F) samples, the end cut at the
 * recording's last sample, then divided by the sample rate once and rounded to the millisecond. Browser-safe.
 */
import type { SoundEvent } from '../data/events.ts';
import { frameGrid } from '../data/time-grid.ts';
import { detectEvents, type PostprocessOptions } from '../postprocess/sweep.ts';
import type { Track, WindowGeometry } from './windowing.ts';

/** Events of one recording's stitched track [frames, classes], named `file`; times in seconds, within [0, L / sample_rate]. */
export function eventsFromTrack(track: Track, file: string, g: WindowGeometry, options: PostprocessOptions, thresholds: ArrayLike<number>): SoundEvent[] {
  // options.grid is the track's frame grid (g.frameSamples per frame): eventsFromBinary computes s·F / sample_rate
  // from whole samples (data/time-grid.ts) and cuts the last event at the recording's end, L / sample_rate.
  const grid = frameGrid(g.sampleRateHz, g.frameSamples);
  return detectEvents([{ file, prob: track.prob, clipDurationSec: track.totalSamples / g.sampleRateHz }], { ...options, grid }, thresholds).events;
}
