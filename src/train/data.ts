/**
 * Training and validation data from the feature store: label encoding, normalisation and batches that are read
 * from disk one batch at a time, so memory stays bounded whatever the dataset size.
 */
import type { NetConfig } from '../config/types.ts';
import type { EventTable } from '../data/events.ts';
import { DataError } from '../errors.ts';
import { timePoolingFactor } from '../model/crnn.ts';
import {
  readClipFeatures,
  readManifest,
  readStats,
  readStoreInfo,
  type FeatureStats,
  type ManifestClip,
  type StoreInfo,
} from '../features/store.ts';

export interface ClipRef {
  subset: string;
  clip: ManifestClip;
  /** Which losses apply: weak = clip-level labels, strong = frame-level labels; unlabeled has neither. */
  hasWeak: boolean;
  hasStrong: boolean;
}

export interface Batch {
  x: Float32Array; // [B, frames, mels], normalised
  yWeak: Float32Array; // [B, C]
  yStrong: Float32Array; // [B, outFrames, C]
  weakMask: Float32Array; // [B]
  strongMask: Float32Array; // [B]
  size: number;
  clips: ClipRef[];
}

export interface FeatureSource {
  dir: string;
  info: StoreInfo;
  stats: FeatureStats;
  classes: string[];
  nMels: number;
  frames: number; // input frames per clip (clips are padded/cut to this)
}

export function openFeatureSource(dir: string): FeatureSource {
  const info = readStoreInfo(dir);
  const stats = readStats(dir);
  const nMels = info.settings.n_mels;
  if (stats.mean.length !== nMels) throw new DataError(`${dir}/stats.json`, `has ${stats.mean.length} bins, features have ${nMels}`);
  const sr = info.settings.sample_rate;
  const clipSec = info.settings.clip_seconds;
  // With a fixed clip length every clip has the same frame count; otherwise clips are padded to 10 s worth.
  const samples = Math.round((clipSec ?? 10) * sr);
  const { n_fft: nFft, hop_length: hop, center } = info.settings;
  const frames = center ? 1 + Math.floor(samples / hop) : 1 + Math.floor((samples - nFft) / hop);
  return { dir, info, stats, classes: info.classes, nMels, frames };
}

/** Subsets of the store by role; `roles` picks which. */
export function clipsOfRoles(source: FeatureSource, roles: string[]): ClipRef[] {
  const refs: ClipRef[] = [];
  for (const subset of source.info.subsets.filter((s) => roles.includes(s.role))) {
    const manifest = readManifest(source.dir, subset.name, source.info.settings_hash);
    for (const clip of manifest.clips) {
      const hasStrong = clip.events !== null;
      const hasWeak = clip.weak_labels !== null || hasStrong;
      refs.push({ subset: subset.name, clip, hasWeak, hasStrong });
    }
  }
  return refs;
}

/** Checks that the class list a run expects equals the store's, naming the first difference. */
export function checkClasses(source: FeatureSource, expected: string[]) {
  if (expected.length === 0) return;
  const got = source.classes;
  const missing = expected.filter((c) => !got.includes(c));
  const extra = got.filter((c) => !expected.includes(c));
  if (missing.length || extra.length || expected.some((c, i) => got[i] !== c))
    throw new DataError(
      `${source.dir}/features.json`,
      `class list does not match the config's data.classes (${missing.length ? `missing ${missing.join(', ')}` : ''}${extra.length ? ` extra ${extra.join(', ')}` : ''}${!missing.length && !extra.length ? 'different order' : ''})`,
    );
}

/** Weak labels of a clip: its weak label list, or the labels of its strong events. */
export function weakLabelsOf(clip: ManifestClip): string[] {
  if (clip.weak_labels) return clip.weak_labels;
  return [...new Set((clip.events ?? []).map((e) => e.label))];
}

/**
 * Frame targets at the model's output resolution, as the DCASE baselines encode them: frames
 * floor(onset / frameSec) … ceil(offset / frameSec) − 1 are active.
 */
export function encodeStrong(clip: ManifestClip, classIndex: Map<string, number>, outFrames: number, frameSec: number, into: Float32Array, offset: number) {
  const nClasses = classIndex.size;
  for (const e of clip.events ?? []) {
    const c = classIndex.get(e.label);
    if (c === undefined) continue;
    const first = Math.max(0, Math.floor(e.onset / frameSec));
    const end = Math.min(outFrames, Math.ceil(e.offset / frameSec));
    for (let t = first; t < end; t++) into[offset + t * nClasses + c] = 1;
  }
}

export interface BatchShape {
  frames: number;
  nMels: number;
  outFrames: number;
  outFrameSec: number;
}

/** Reads, normalises and encodes one batch of clips. */
export function loadBatch(source: FeatureSource, refs: ClipRef[], shape: BatchShape): Batch {
  const { frames, nMels, outFrames, outFrameSec } = shape;
  const classIndex = new Map(source.classes.map((c, i) => [c, i]));
  const nClasses = source.classes.length;
  const size = refs.length;
  const x = new Float32Array(size * frames * nMels);
  const yWeak = new Float32Array(size * nClasses);
  const yStrong = new Float32Array(size * outFrames * nClasses);
  const weakMask = new Float32Array(size);
  const strongMask = new Float32Array(size);
  const { mean, std } = source.stats;
  const invStd = std.map((s) => 1 / Math.max(s, 1e-8));
  refs.forEach((ref, b) => {
    const data = readClipFeatures(source.dir, ref.subset, ref.clip, nMels);
    const usable = Math.min(frames, ref.clip.frames);
    const base = b * frames * nMels;
    for (let t = 0; t < frames; t++) {
      for (let m = 0; m < nMels; m++) {
        // frames past the clip's end are the normalised mean (zero), like padding with average features
        x[base + t * nMels + m] = t < usable ? (data[t * nMels + m] - mean[m]) * invStd[m] : 0;
      }
    }
    if (ref.hasWeak) {
      weakMask[b] = 1;
      for (const label of weakLabelsOf(ref.clip)) {
        const c = classIndex.get(label);
        if (c !== undefined) yWeak[b * nClasses + c] = 1;
      }
    }
    if (ref.hasStrong) {
      strongMask[b] = 1;
      encodeStrong(ref.clip, classIndex, outFrames, outFrameSec, yStrong, b * outFrames * nClasses);
    }
  });
  return { x, yWeak, yStrong, weakMask, strongMask, size, clips: refs };
}

/** Model input/output frames for a store and a net: the input is cut to a whole number of time pools (501 → 500 for 4). */
export function batchShapeFor(source: FeatureSource, net: NetConfig): BatchShape {
  const timePool = timePoolingFactor(net);
  const outFrames = Math.floor(source.frames / timePool);
  return { frames: outFrames * timePool, nMels: source.nMels, outFrames, outFrameSec: source.info.frame_hop_sec * timePool };
}

/** The strong reference of the clips that have one, as an event table (clips without events included). */
export function referenceTable(refs: ClipRef[]): EventTable {
  const strong = refs.filter((r) => r.hasStrong);
  return {
    files: strong.map((r) => r.clip.name),
    events: strong.flatMap((r) => (r.clip.events ?? []).map((e) => ({ file: r.clip.name, onsetSec: e.onset, offsetSec: e.offset, label: e.label }))),
  };
}
