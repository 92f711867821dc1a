/**
 * Binary frame decisions → events, and clip tags.
 *
 * Convention (DESED `decode_strong` + `_frame_to_time`): a run of active frames s … e−1 becomes the event
 * [s·hop, e·hop) seconds, end exclusive, where hop is the model's output frame hop (feature hop × time pooling),
 * computed from whole samples (data/time-grid.ts) and rounded to the millisecond as it is written to TSV files, so
 * that scores computed in memory equal scores computed from the files. A run reaching the last frame ends at
 * nFrames·hop; with `clipDurationSec` times are clipped to the clip as DESED clips to the audio length. Events come class by class, each class in time order (DESED's order: sed_eval's
 * substitution count depends on table order).
 */
import type { SoundEvent } from '../data/events.ts';
import { ShapeError } from '../errors.ts';
import { msRounded, secFromFrame, type FrameGrid } from '../data/time-grid.ts';

export interface DecodeOptions {
  /** The frames' grid (output frames of the model). */
  grid: FrameGrid;
  clipDurationSec?: number;
}

/**
 * Frame decisions [frames, C] (row-major 0/1) of one clip → its events, by the convention above (seconds from whole
 * samples, rounded to the millisecond, end exclusive, clipped to opts.clipDurationSec when given). Throws ShapeError
 * when the length is not a multiple of C.
 */
export function eventsFromBinary(active: Uint8Array, classes: string[], file: string, opts: DecodeOptions): SoundEvent[] {
  const nC = classes.length;
  if (active.length % nC !== 0) throw new ShapeError('frame decisions', `[frames, ${nC}]`, `length ${active.length}`);
  const nFrames = active.length / nC;
  const clip = (sec: number) => msRounded(opts.clipDurationSec === undefined ? sec : Math.min(Math.max(sec, 0), opts.clipDurationSec));
  const events: SoundEvent[] = [];
  for (let c = 0; c < nC; c++) {
    let start = -1;
    for (let t = 0; t <= nFrames; t++) {
      const on = t < nFrames && active[t * nC + c] === 1;
      if (on && start < 0) start = t;
      if (!on && start >= 0) {
        events.push({ file, onsetSec: clip(secFromFrame(start, opts.grid)), offsetSec: clip(secFromFrame(t, opts.grid)), label: classes[c] });
        start = -1;
      }
    }
  }
  return events;
}

/** Clip probabilities [classes] → the labels above their thresholds (float32 comparison as in threshold.ts). */
export function clipTags(clipProb: Float32Array, classes: string[], thresholds: ArrayLike<number>): string[] {
  if (clipProb.length !== classes.length) throw new ShapeError('clip probabilities', `[${classes.length}]`, `[${clipProb.length}]`);
  return classes.filter((_, c) => clipProb[c] > Math.fround(thresholds[c]));
}
