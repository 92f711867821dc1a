/**
 * A stitched track of frame probabilities → events, with the run's post-processing (median filter, thresholds) and
 * times from integer sample counts: an event over frames s … e−1 is [s·F, e·F) samples, the end cut at the
 * recording's last sample, then divided by the sample rate once. Browser-safe.
 */
import type { SoundEvent } from '../data/events.ts';
import { detectEvents, type PostprocessOptions } from '../postprocess/sweep.ts';
import type { Track, WindowGeometry } from './windowing.ts';

/** Events of one recording's stitched track [frames, classes], named `file`; times in seconds, within [0, L / sample_rate]. */
export function eventsFromTrack(track: Track, file: string, g: WindowGeometry, options: PostprocessOptions, thresholds: ArrayLike<number>): SoundEvent[] {
  // Decode in frame units (hop 1, duration L/F frames) so that event bounds come back as whole frame indices, or as
  // the recording's end when cut there; seconds are computed below from samples.
  const lastFrame = track.totalSamples / g.frameSamples;
  const table = detectEvents([{ file, prob: track.prob, clipDurationSec: lastFrame }], { ...options, frameHopSec: 1 }, thresholds);
  const sec = (frame: number) => (frame >= lastFrame ? track.totalSamples : frame * g.frameSamples) / g.sampleRateHz;
  return table.events.map((e) => ({ ...e, onsetSec: sec(e.onsetSec), offsetSec: sec(e.offsetSec) }));
}
