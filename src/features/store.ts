/**
 * The feature store on disk:
 *   <out>/features.json              settings, their hash, layout, classes, subsets
 *   <out>/stats.json                 per-mel-bin mean/std over the training subsets
 *   <out>/<subset>/manifest.json     one entry per clip: npy file, frames, labels/events, source audio
 *   <out>/<subset>/<clip>.npy        float32 [frames, n_mels]
 *   <out>/<subset>/.journal.jsonl    clips finished so far (resume after an interruption, reuse across runs)
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors.ts';
import type { FeatureSettings, Layout } from '../config/types.ts';
import { decodeNpy } from '../io/npy.ts';
import { writeFileAtomic } from '../io/atomic.ts';

export const STORE_VERSION = 1;

export interface StoreInfo {
  version: number;
  settings: FeatureSettings;
  settings_hash: string;
  frame_hop_sec: number;
  layout: Layout;
  root: string;
  classes: string[];
  subsets: { name: string; role: string; clips: number }[];
}

export interface ManifestEvent {
  onset: number;
  offset: number;
  label: string;
}

export interface ManifestClip {
  name: string; // clip file name as in the metadata (with .wav)
  npy: string; // path relative to the subset folder
  frames: number;
  duration_sec: number; // of the source audio
  source: string;
  weak_labels: string[] | null;
  events: ManifestEvent[] | null;
}

export interface SubsetManifest {
  version: number;
  subset: string;
  role: string;
  settings_hash: string;
  n_mels: number;
  frame_hop_sec: number;
  clips: ManifestClip[];
  failed: { name: string; source: string; error: string }[];
}

export interface FeatureStats {
  mean: number[];
  std: number[];
  frames: number;
  subsets: string[];
}

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

export const storeInfoPath = (out: string) => join(out, 'features.json');
export const statsPath = (out: string) => join(out, 'stats.json');
export const manifestPath = (out: string, subset: string) => join(out, subset, 'manifest.json');
const journalPath = (out: string, subset: string) => join(out, subset, '.journal.jsonl');

/**
 * Journal entries for clips whose .npy still exists and was made with `hash`; a torn last line is ignored, and
 * sealed with a newline so that the next append starts a line of its own instead of gluing onto the torn one.
 */
export function readJournal(out: string, subset: string, hash: string): Map<string, JournalEntry> {
  const done = new Map<string, JournalEntry>();
  const file = journalPath(out, subset);
  if (!existsSync(file)) return done;
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
    if (entry.hash === hash && existsSync(join(out, subset, npyNameFromClip(entry.name)))) done.set(entry.name, entry);
    else done.delete(entry.name);
  }
  return done;
}

export async function appendJournal(out: string, subset: string, entry: JournalEntry): Promise<void> {
  await appendFile(journalPath(out, subset), `${JSON.stringify(entry)}\n`);
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 1)}\n`);
}

function readJson<T>(file: string, what: string): T {
  if (!existsSync(file)) throw new DataError(file, `no ${what} here: run \`sed features\` first`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new DataError(file, `unreadable ${what}: ${(err as Error).message}`);
  }
}

export const readStoreInfo = (out: string) => readJson<StoreInfo>(storeInfoPath(out), 'feature store (features.json)');
export const readStats = (out: string) => readJson<FeatureStats>(statsPath(out), 'feature statistics (stats.json)');

export function readManifest(out: string, subset: string, expectHash?: string): SubsetManifest {
  const file = manifestPath(out, subset);
  const manifest = readJson<SubsetManifest>(file, `manifest of subset '${subset}'`);
  if (expectHash && manifest.settings_hash !== expectHash)
    throw new DataError(file, `features were made with settings ${manifest.settings_hash}, expected ${expectHash}: re-run \`sed features\``);
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
export function statsFromSums(entries: JournalEntry[], nMels: number, subsets: string[]): FeatureStats {
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
  return { mean, std, frames, subsets };
}
