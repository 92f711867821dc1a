/**
 * Labels of store clips as model targets and as reference tables: weak (clip-level) label lists, strong (frame-level)
 * targets at the model's output resolution, and the strong reference the metrics score against.
 */
import type { ManifestClip } from '../features/store.ts';
import type { EventTable } from './events.ts';
import type { ClipRef } from './feature-source.ts';
import { frameFromSec, type FrameGrid } from './time-grid.ts';

/** Weak labels of a clip: its weak label list, or the distinct labels of its strong events (first-appearance order). */
export function weakLabelsOf(clip: ManifestClip): string[] {
  if (clip.weak_labels) return clip.weak_labels;
  return [...new Set((clip.events ?? []).map((e) => e.label))];
}

/**
 * Writes a clip's frame targets into `into[offset …]` as a row-major [outFrames, C] block (C = classIndex.size), as
 * the DCASE baselines encode them: frames floor(onset / hop) … ceil(offset / hop) − 1 are set to 1, clamped to
 * [0, outFrames), the divisions done in whole samples of `grid` (data/time-grid.ts), so that an offset on a frame
 * boundary (0.56 s on a 0.08 s grid) ends there instead of one frame later. Labels not in `classIndex` are skipped.
 * Other entries are left as they are (callers pass zeros).
 */
export function encodeStrong(clip: ManifestClip, classIndex: Map<string, number>, outFrames: number, grid: FrameGrid, into: Float32Array, offset: number): void {
  const nClasses = classIndex.size;
  for (const e of clip.events ?? []) {
    const c = classIndex.get(e.label);
    if (c === undefined) continue;
    const first = Math.max(0, frameFromSec(e.onset, grid, 'floor'));
    const end = Math.min(outFrames, frameFromSec(e.offset, grid, 'ceil'));
    for (let t = first; t < end; t++) into[offset + t * nClasses + c] = 1;
  }
}

/** The strong reference of the clips that have one, as an event table (times in seconds; clips without events included). */
export function referenceTable(refs: ClipRef[]): EventTable {
  const strong = refs.filter((r) => r.hasStrong);
  return {
    files: strong.map((r) => r.clip.name),
    events: strong.flatMap((r) => (r.clip.events ?? []).map((e) => ({ file: r.clip.name, onsetSec: e.onset, offsetSec: e.offset, label: e.label }))),
  };
}
