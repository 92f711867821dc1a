/**
 * A feature store opened for training or inference: its settings, statistics and classes, the input frame count every
 * clip is padded or cut to, and the clips of chosen subset roles.
 */
import { DataError } from '../errors.ts';
import { frameCountFor } from '../features/log-mel.ts';
import { readManifest, readStats, readStoreInfo, type FeatureStats, type ManifestClip, type StoreInfo } from '../features/store.ts';

/** One clip of a store subset, with which losses apply to it. */
export interface ClipRef {
  subset: string;
  clip: ManifestClip;
  /** Which losses apply: weak = clip-level labels, strong = frame-level labels; unlabeled has neither. */
  hasWeak: boolean;
  hasStrong: boolean;
}

/** An opened feature store (see features/store.ts for the files). */
export interface FeatureSource {
  dir: string;
  info: StoreInfo;
  stats: FeatureStats;
  classes: string[];
  nMels: number;
  frames: number; // input frames per clip (clips are padded/cut to this)
}

/**
 * Opens the feature store in `dir`: reads features.json and stats.json and derives the input frame count, which is
 * the STFT frame count (features/log-mel.ts `frameCountFor`) of `clip_seconds` of audio, or of 10 s when the store
 * has no fixed clip length. Throws DataError when a file is missing or unreadable, or when stats.json's bin count
 * differs from n_mels.
 */
export function openFeatureSource(dir: string): FeatureSource {
  const info = readStoreInfo(dir);
  const stats = readStats(dir, info.settings_hash);
  const nMels = info.settings.n_mels;
  if (stats.mean.length !== nMels) throw new DataError(`${dir}/stats.json`, `has ${stats.mean.length} bins, features have ${nMels}`);
  const sr = info.settings.sample_rate;
  const clipSec = info.settings.clip_seconds;
  // With a fixed clip length every clip has the same frame count; otherwise clips are padded to 10 s worth.
  const samples = Math.round((clipSec ?? 10) * sr);
  const { n_fft: nFft, hop_length: hop, center } = info.settings;
  const frames = frameCountFor(samples, nFft, hop, center);
  return { dir, info, stats, classes: info.classes, nMels, frames };
}

/**
 * The clips of every subset whose role is in `roles`, in store order then manifest order. A clip has weak labels when
 * it has a weak label list or strong events, strong labels when it has an event list (possibly empty). Throws
 * DataError when a manifest is missing or was made with other feature settings.
 */
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

/**
 * Checks that the class list a run expects equals the store's, in the same order. An empty `expected` accepts any
 * list. Throws DataError naming features.json and the missing/extra classes (or "different order").
 */
export function checkClasses(source: FeatureSource, expected: string[]): void {
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
