/**
 * The feature store on disk:
 *   <out>/features.json              settings, their hash, layout, classes, subsets
 *   <out>/stats.json                 per-mel-bin mean/std over the training subsets
 *   <out>/<subset>/manifest.json     one entry per clip: npy file, frames, labels/events, source audio
 *   <out>/<subset>/<clip>.npy        float32 [frames, n_mels]
 *   <out>/<subset>/.journal.jsonl    clips finished so far (resume after an interruption, reuse across runs)
 *   <out>/<subset>/.journal.shard-K-of-N.jsonl   the same, written by `sed features --shard K/N` (features/shard.ts)
 */
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors.ts';
import { z } from 'zod';
import { FEATURES_SCHEMA, LAYOUT_SCHEMA } from '../config/schema.ts';
import type { FeatureSettings } from '../config/types.ts';
import { readJsonFile } from '../io/json-file.ts';
import { decodeNpy } from '../io/npy.ts';
import { writeFileAtomic } from '../io/atomic.ts';

export const STORE_VERSION = 1;

/** features.json: the store's settings (and their hash), layout, classes and subsets. */
export const STORE_INFO_SCHEMA = z.object({
  version: z.number().int(),
  settings: FEATURES_SCHEMA,
  settings_hash: z.string(),
  /** Seconds between feature frames (hop_length / sample_rate). */
  frame_hop_sec: z.number().gt(0),
  layout: LAYOUT_SCHEMA,
  root: z.string(),
  classes: z.array(z.string()),
  subsets: z.array(z.object({ name: z.string(), role: z.string(), clips: z.number().int().gte(0) })),
});
export type StoreInfo = z.infer<typeof STORE_INFO_SCHEMA>;

const MANIFEST_EVENT_SCHEMA = z.object({ onset: z.number(), offset: z.number(), label: z.string() });
export type ManifestEvent = z.infer<typeof MANIFEST_EVENT_SCHEMA>;

const MANIFEST_CLIP_SCHEMA = z.object({
  /** Clip file name as in the metadata (with .wav). */
  name: z.string(),
  /** Path relative to the subset folder. */
  npy: z.string(),
  frames: z.number().int().gte(0),
  /** Of the source audio. */
  duration_sec: z.number(),
  source: z.string(),
  weak_labels: z.array(z.string()).nullable(),
  events: z.array(MANIFEST_EVENT_SCHEMA).nullable(),
});
export type ManifestClip = z.infer<typeof MANIFEST_CLIP_SCHEMA>;

/** <subset>/manifest.json. */
export const MANIFEST_SCHEMA = z.object({
  version: z.number().int(),
  subset: z.string(),
  role: z.string(),
  settings_hash: z.string(),
  n_mels: z.number().int().gte(1),
  frame_hop_sec: z.number().gt(0),
  clips: z.array(MANIFEST_CLIP_SCHEMA),
  failed: z.array(z.object({ name: z.string(), source: z.string(), error: z.string() })),
});
export type SubsetManifest = z.infer<typeof MANIFEST_SCHEMA>;

/**
 * stats.json: per-mel-bin mean and standard deviation over the training subsets' frames, and the hash of the feature
 * settings they were computed with (checked on read, so statistics of other settings are never used).
 */
export const FEATURE_STATS_SCHEMA = z
  .object({ mean: z.array(z.number()), std: z.array(z.number().gte(0)), frames: z.number().int().gte(0), subsets: z.array(z.string()), settings_hash: z.string() })
  .refine((s) => s.mean.length === s.std.length, { message: 'mean and std have different lengths', path: ['std'] });
export type FeatureStats = z.infer<typeof FEATURE_STATS_SCHEMA>;

/** A run's feature_stats.json (written by `sed train`): the store's stats.json plus the class list, for predict. */
export const RUN_FEATURE_STATS_SCHEMA = z
  .object({ mean: z.array(z.number()), std: z.array(z.number().gte(0)), classes: z.array(z.string()), settings_hash: z.string().optional() })
  .refine((s) => s.mean.length === s.std.length, { message: 'mean and std have different lengths', path: ['std'] });

/** One line of a subset's journal: a clip whose .npy is complete, with per-bin sums for the statistics. */
export interface JournalEntry {
  name: string;
  hash: string;
  frames: number;
  duration_sec: number;
  sum: number[];
  sumsq: number[];
}

/** `<clip>.wav` → `<clip>.npy`, keeping the rest of the name (YouTube ids contain dots in their times). */
export const npyNameFromClip = (clip: string) => `${clip.replace(/\.wav$/i, '')}.npy`;

/** <out>/features.json. */
export const storeInfoPath = (out: string) => join(out, 'features.json');
/** <out>/stats.json. */
export const statsPath = (out: string) => join(out, 'stats.json');
/** <out>/<subset>/manifest.json. */
export const manifestPath = (out: string, subset: string) => join(out, subset, 'manifest.json');
const JOURNAL_NAME = '.journal.jsonl';
/** Shard runs' journals: `.journal.shard-K-of-N.jsonl` (features/shard.ts). */
const SHARD_JOURNAL = /^\.journal\.shard-\d+-of-\d+\.jsonl$/;

/**
 * Journal entries for clips whose .npy still exists and was made with `hash`, from the subset's journal and every
 * shard run's journal beside it; a torn last line is ignored, and sealed with a newline so that the next append starts
 * a line of its own instead of gluing onto the torn one. Within one file a later line for a clip replaces an earlier
 * one (a line with another hash forgets the clip: its .npy was rewritten with other settings).
 */
export function readJournal(out: string, subset: string, hash: string): Map<string, JournalEntry> {
  const done = new Map<string, JournalEntry>();
  const dir = join(out, subset);
  if (!existsSync(dir)) return done;
  const names = readdirSync(dir).filter((n) => SHARD_JOURNAL.test(n)).sort();
  if (existsSync(join(dir, JOURNAL_NAME))) names.unshift(JOURNAL_NAME);
  for (const name of names) {
    const file = join(dir, name);
    const text = readFileSync(file, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) appendFileSync(file, '\n');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line);
      } catch {
        continue; // a line cut short by an interruption: that clip is simply redone
      }
      if (entry.hash === hash && existsSync(join(dir, npyNameFromClip(entry.name)))) done.set(entry.name, entry);
      else done.delete(entry.name);
    }
  }
  return done;
}

/**
 * Appends one finished clip to the subset's journal (one JSON line); `journalName` picks a shard run's own journal
 * (features/shard.ts shardJournalName) so that concurrent shards never append to one file.
 */
export async function appendJournal(out: string, subset: string, entry: JournalEntry, journalName = JOURNAL_NAME): Promise<void> {
  await appendFile(join(out, subset, journalName), `${JSON.stringify(entry)}\n`);
}

/** Writes `value` as JSON (one-space indent, final newline) atomically. */
export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 1)}\n`);
}

const MISSING = 'run `npx sed features` first';

/** features.json of the store in `out`, checked (STORE_INFO_SCHEMA); DataError naming the file otherwise. */
export const readStoreInfo = (out: string): StoreInfo => readJsonFile(storeInfoPath(out), STORE_INFO_SCHEMA, 'feature store (features.json)', MISSING);
/**
 * stats.json of the store in `out`, checked (FEATURE_STATS_SCHEMA) and, given `expectHash`, made with those feature
 * settings; DataError naming the file otherwise.
 */
export function readStats(out: string, expectHash?: string): FeatureStats {
  const stats = readJsonFile(statsPath(out), FEATURE_STATS_SCHEMA, 'feature statistics (stats.json)', MISSING);
  if (expectHash !== undefined && stats.settings_hash !== expectHash)
    throw new DataError(statsPath(out), `statistics of feature settings ${stats.settings_hash}, the store's features are ${expectHash}: re-run \`npx sed features\``);
  return stats;
}

/**
 * Checks a run's feature statistics (feature_stats.json, read from `file`) against the run's feature settings: one
 * mean/std per mel band, and the same settings hash when the file carries one. Throws DataError naming the file.
 */
export function checkRunStats(stats: { mean: number[]; settings_hash?: string }, settings: FeatureSettings, settingsHash: string, file: string): void {
  if (stats.mean.length !== settings.n_mels)
    throw new DataError(file, `has statistics for ${stats.mean.length} mel bands, the run's config says features.n_mels = ${settings.n_mels}`);
  if (stats.settings_hash !== undefined && stats.settings_hash !== settingsHash)
    throw new DataError(file, `statistics of feature settings ${stats.settings_hash}, the run's config has ${settingsHash}`);
}

/**
 * A subset's manifest.json, checked (MANIFEST_SCHEMA). Throws DataError naming the file when it is missing, invalid,
 * or (with `expectHash`) made with other feature settings.
 */
export function readManifest(out: string, subset: string, expectHash?: string): SubsetManifest {
  const file = manifestPath(out, subset);
  const manifest = readJsonFile(file, MANIFEST_SCHEMA, `manifest of subset '${subset}'`, MISSING);
  if (expectHash && manifest.settings_hash !== expectHash)
    throw new DataError(file, `features were made with settings ${manifest.settings_hash}, expected ${expectHash}: re-run \`npx sed features\``);
  return manifest;
}

/** Reads one clip's features, checking its shape against the manifest. */
export function readClipFeatures(out: string, subset: string, clip: ManifestClip, nMels: number): Float32Array {
  const file = join(out, subset, clip.npy);
  let bytes: Uint8Array;
  try {
    const raw = readFileSync(file);
    bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  } catch (err) {
    throw new DataError(file, `cannot read features: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const { data, shape } = decodeNpy(bytes, file);
  if (shape.length !== 2 || shape[0] !== clip.frames || shape[1] !== nMels)
    throw new DataError(file, `shape [${shape}] does not match the manifest's [${clip.frames}, ${nMels}]`);
  return data;
}

/** Mean and standard deviation per mel bin from summed journal entries (float64 sums). */
export function statsFromSums(entries: JournalEntry[], nMels: number, subsets: string[], settingsHash: string): FeatureStats {
  const sum = new Float64Array(nMels);
  const sumsq = new Float64Array(nMels);
  let frames = 0;
  for (const e of entries) {
    frames += e.frames;
    for (let m = 0; m < nMels; m++) {
      sum[m] += e.sum[m];
      sumsq[m] += e.sumsq[m];
    }
  }
  const mean = Array.from(sum, (s) => (frames ? s / frames : 0));
  const std = Array.from(sumsq, (s, m) => Math.sqrt(Math.max(frames ? s / frames - mean[m] ** 2 : 0, 0)));
  return { mean, std, frames, subsets, settings_hash: settingsHash };
}
