/**
 * Model batches from a feature store: normalised log-mel input, weak and strong targets, and masks saying which
 * losses apply. Batches are read from disk one at a time, so memory stays bounded whatever the dataset size.
 */
import type { NetConfig } from '../config/types.ts';
import { readClipFeatures } from '../features/store.ts';
import { timePoolingFactor } from '../model/crnn.ts';
import type { ClipRef, FeatureSource } from './feature-source.ts';
import { encodeStrong, weakLabelsOf } from './label-encoding.ts';
import { normaliseInto, normaliserFrom } from './normalise.ts';
import { outputFrameGrid, type FrameGrid } from './time-grid.ts';

/** One batch; B = size, C = classes. */
export interface Batch {
  x: Float32Array; // [B, frames, mels], normalised
  yWeak: Float32Array; // [B, C]
  yStrong: Float32Array; // [B, outFrames, C]
  weakMask: Float32Array; // [B]
  strongMask: Float32Array; // [B]
  size: number;
  clips: ClipRef[];
}

/** Model input and output frames of a batch; outGrid is the output frames' grid (feature hop × time pooling, in samples). */
export interface BatchShape {
  frames: number;
  nMels: number;
  outFrames: number;
  outGrid: FrameGrid;
}

export { normaliseInto, normaliserFrom, type Normaliser } from './normalise.ts';

/**
 * Reads, normalises (store statistics) and encodes one batch of clips: clips are cut or zero-padded to
 * `shape.frames`; weak targets and masks come from each clip's labels (label-encoding.ts). Throws DataError when a
 * clip's .npy is missing or has the wrong shape.
 */
export function loadBatch(source: FeatureSource, refs: ClipRef[], shape: BatchShape): Batch {
  const { frames, nMels, outFrames, outGrid } = shape;
  const classIndex = new Map(source.classes.map((c, i) => [c, i]));
  const nClasses = source.classes.length;
  const size = refs.length;
  const x = new Float32Array(size * frames * nMels);
  const yWeak = new Float32Array(size * nClasses);
  const yStrong = new Float32Array(size * outFrames * nClasses);
  const weakMask = new Float32Array(size);
  const strongMask = new Float32Array(size);
  const norm = normaliserFrom(source.stats);
  refs.forEach((ref, b) => {
    const data = readClipFeatures(source.dir, ref.subset, ref.clip, nMels);
    normaliseInto(data, Math.min(frames, ref.clip.frames), frames, nMels, norm, x, b * frames * nMels);
    if (ref.hasWeak) {
      weakMask[b] = 1;
      for (const label of weakLabelsOf(ref.clip)) {
        const c = classIndex.get(label);
        if (c !== undefined) yWeak[b * nClasses + c] = 1;
      }
    }
    if (ref.hasStrong) {
      strongMask[b] = 1;
      encodeStrong(ref.clip, classIndex, outFrames, outGrid, yStrong, b * outFrames * nClasses);
    }
  });
  return { x, yWeak, yStrong, weakMask, strongMask, size, clips: refs };
}

/** Model input/output frames for a store and a net: the input is cut to a whole number of time pools (501 → 500 for 4). */
export function batchShapeFor(source: FeatureSource, net: NetConfig): BatchShape {
  const timePool = timePoolingFactor(net);
  const outFrames = Math.floor(source.frames / timePool);
  return { frames: outFrames * timePool, nMels: source.nMels, outFrames, outGrid: outputFrameGrid(source.info.settings, timePool) };
}
