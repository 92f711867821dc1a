/**
 * The `features` stage: every clip of every subset of a DCASE-layout dataset → one .npy of log-mel frames, with
 * manifests, statistics over the training subsets, and reuse of clips already done with the same settings.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { DataConfig, FeatureSettings } from '../config/types.ts';
import { featureSettingsHash, configToYaml } from '../config/load.ts';
import type { SedConfig } from '../config/types.ts';
import { readDataset, type ClipEntry, type DataProblem } from '../data/dataset.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import type { Logger } from '../util/log.ts';
import { createProgress } from '../util/progress.ts';
import { createWorkerPool } from '../util/worker-pool.ts';
import { DataError, TruncatedAudioError } from '../errors.ts';
import { extractClipToFile, type ClipResult } from './extract-clip.ts';
import { LogMelExtractor } from './log-mel.ts';
import { shardJournalName, shardOfClip, type Shard } from './shard.ts';
import {
  appendJournal,
  manifestPath,
  npyNameFromClip,
  readJournal,
  statsFromSums,
  statsPath,
  STORE_VERSION,
  storeInfoPath,
  writeJson,
  type JournalEntry,
  type ManifestClip,
  type StoreInfo,
  type SubsetManifest,
} from './store.ts';

export interface FeaturesPaths {
  out: string;
}

/** One clip for a feature worker. */
export interface FeatureTask {
  audioPath: string;
  npyPath: string;
  allowTruncated: boolean;
}

export interface FeaturesOptions {
  jobs?: number;
  /** Decode clips whose data chunk is truncated (with a warning) instead of skipping them; they are counted either way. */
  allowTruncated?: boolean;
  /** Written as config.yaml into the output folder when given. */
  fullConfig?: SedConfig;
  /**
   * Extract only this shard's clips (features/shard.ts) into its own journal, and write no manifest, statistics or
   * features.json: the next run without a shard (e.g. `--merge`) reads every shard's journal and writes them.
   */
  shard?: Shard;
}

export interface FeaturesSummary {
  out: string;
  settings_hash: string;
  clips: number; // clips listed in the metadata with audio present
  computed: number;
  reused: number;
  failed: number; // clips without features: unreadable or empty audio, truncated (unless allowed), missing audio
  truncated: number; // clips whose data chunk is cut short: skipped (counted in failed too) or, when allowed, decoded
  problems: number; // metadata problems: missing audio, unknown labels, malformed rows
  audio_hours: number;
  seconds: number;
  clips_per_sec: number; // computed clips per wall-clock second
  subsets: Record<string, number>;
  /** `K/N` for a shard run; its counts cover its own clips only and `subsets` is empty (no manifests written). */
  shard?: string;
}

const TRAINING_ROLES = new Set(['train_weak', 'train_strong', 'train_unlabeled']);

/**
 * The `features` stage: reads the dataset (`data`: layout, root, classes; data/dataset.ts readDataset), extracts the
 * log-mel [frames, n_mels] float32 of every clip with audio (`settings`; features/log-mel.ts) into
 * <out>/<subset>/<clip>.npy, on `opts.jobs` worker threads (default: the core count), and writes each subset's
 * manifest.json, stats.json (per-bin mean/std over the training subsets, clips summed in metadata order) and
 * features.json (settings and their hash). Clips already done with the same settings hash are reused. Metadata
 * problems and clips that fail to decode are logged and counted, not thrown. Throws DataError when a required
 * metadata file is missing or unreadable. Returns a JSON-able summary (seconds are wall-clock).
 */
export async function runFeatures(
  data: DataConfig,
  settings: FeatureSettings,
  paths: FeaturesPaths,
  log: Logger,
  opts: FeaturesOptions = {},
): Promise<FeaturesSummary> {
  const startMs = Date.now();
  const hash = featureSettingsHash(settings);
  const index = await readDataset(data.layout, data.root, { classes: data.classes.length ? data.classes : undefined, checkAudio: true });
  reportProblems(index.problems, log);
  const missing = new Set(index.problems.filter((p) => p.kind === 'missing_audio').map((p) => p.file));

  const jobs = Math.max(1, opts.jobs ?? availableParallelism());
  const inProcess = jobs === 1 ? new LogMelExtractor(settings) : null;
  const pool = inProcess ? null : createWorkerPool<FeatureTask, ClipResult>(new URL('./feature-worker.ts', import.meta.url), jobs, settings);
  const allowTruncated = opts.allowTruncated ?? false;
  const extract = (audioPath: string, npyPath: string) =>
    inProcess ? extractClipToFile(audioPath, npyPath, settings, inProcess, { allowTruncated }) : pool!.run({ audioPath, npyPath, allowTruncated });

  let computed = 0;
  let reused = 0;
  let failed = 0;
  let truncated = 0;
  let audioSec = 0;
  const trainingEntries: JournalEntry[] = [];
  const subsetCounts: Record<string, number> = {};
  const frameHopSec = settings.hop_length / settings.sample_rate;
  try {
    for (const subset of index.subsets) {
      const shard = opts.shard;
      const clips = subset.clips.filter((c) => !missing.has(c.audioPath) && (!shard || shardOfClip(subset.name, c.name, shard.count) === shard.index));
      const done = readJournal(paths.out, subset.name, hash);
      const journalName = shard ? shardJournalName(shard) : undefined;
      const entries = new Map<string, JournalEntry>();
      const failures: SubsetManifest['failed'] = [];
      const progress = createProgress(`features ${subset.name}`, clips.length, log, { unit: 'clip' });
      // At most two clips in flight per worker: enough to keep workers fed, without reading every WAV of a large
      // subset into memory (and holding its file descriptor) at once.
      await forEachLimited(clips, jobs * 2, async (clip) => {
        const cached = done.get(clip.name);
        if (cached) {
          entries.set(clip.name, cached);
          reused++;
          progress.tick();
          return;
        }
        const npyPath = join(paths.out, subset.name, npyNameFromClip(clip.name));
        try {
          const r = await extract(clip.audioPath, npyPath);
          for (const w of r.warnings ?? []) log.warn(`${clip.audioPath}: ${w} (clip ${clip.name}, subset ${subset.name})`);
          const entry: JournalEntry = { name: clip.name, hash, frames: r.frames, duration_sec: r.durationSec, sum: r.sum, sumsq: r.sumsq };
          await appendJournal(paths.out, subset.name, entry, journalName);
          entries.set(clip.name, entry);
          computed++;
          if (r.truncated) truncated++;
        } catch (err) {
          // Only bad input is a failed clip; anything else (a TypeError, a full disk, a crashed worker) is a bug or
          // an environment failure that must stop the run with its own exit code, not be counted as bad audio.
          if (!(err instanceof DataError)) throw err;
          if (err instanceof TruncatedAudioError) truncated++;
          failed++;
          const message = (err as Error).message;
          failures.push({ name: clip.name, source: clip.audioPath, error: message });
          log.error(`${clip.audioPath}: ${message.replace(`${clip.audioPath}: `, '')}`);
        }
        progress.tick();
      });
      progress.done();
      const manifestClips: ManifestClip[] = clips.filter((c) => entries.has(c.name)).map((c) => manifestClip(c, entries.get(c.name)!));
      for (const c of manifestClips) audioSec += c.duration_sec;
      if (shard) continue; // a shard holds part of the subset: the merging run writes manifests and statistics
      const manifest: SubsetManifest = {
        version: STORE_VERSION,
        subset: subset.name,
        role: subset.role,
        settings_hash: hash,
        n_mels: settings.n_mels,
        frame_hop_sec: frameHopSec,
        clips: manifestClips,
        failed: failures,
      };
      await writeJson(manifestPath(paths.out, subset.name), manifest);
      subsetCounts[subset.name] = manifestClips.length;
      // in metadata order, not completion order, so that the float sums (and stats.json) are the same on every run
      if (TRAINING_ROLES.has(subset.role)) for (const c of clips) if (entries.has(c.name)) trainingEntries.push(entries.get(c.name)!);
    }
  } finally {
    await pool?.close();
  }

  if (!opts.shard) {
    const trainingSubsets = index.subsets.filter((s) => TRAINING_ROLES.has(s.role)).map((s) => s.name);
    await writeJson(statsPath(paths.out), statsFromSums(trainingEntries, settings.n_mels, trainingSubsets, hash));
    const info: StoreInfo = {
      version: STORE_VERSION,
      settings,
      settings_hash: hash,
      frame_hop_sec: frameHopSec,
      layout: data.layout,
      root: data.root,
      classes: index.classes,
      subsets: index.subsets.map((s) => ({ name: s.name, role: s.role, clips: subsetCounts[s.name] ?? 0 })),
    };
    await writeJson(storeInfoPath(paths.out), info);
    if (opts.fullConfig) await writeFileAtomic(join(paths.out, 'config.yaml'), configToYaml(opts.fullConfig));
  }

  const seconds = (Date.now() - startMs) / 1000;
  return {
    out: paths.out,
    settings_hash: hash,
    clips: computed + reused + failed,
    computed,
    reused,
    failed: failed + missing.size,
    truncated,
    problems: index.problems.length,
    audio_hours: audioSec / 3600,
    seconds,
    clips_per_sec: seconds > 0 ? computed / seconds : 0,
    subsets: subsetCounts,
    ...(opts.shard ? { shard: `${opts.shard.index}/${opts.shard.count}` } : {}),
  };
}

function manifestClip(clip: ClipEntry, entry: JournalEntry): ManifestClip {
  return {
    name: clip.name,
    npy: npyNameFromClip(clip.name),
    frames: entry.frames,
    duration_sec: entry.duration_sec,
    source: clip.audioPath,
    weak_labels: clip.weakLabels,
    events: clip.events ? clip.events.map((e) => ({ onset: e.onsetSec, offset: e.offsetSec, label: e.label })) : null,
  };
}

/** Runs `fn` over `items` with at most `limit` calls pending at once; the first error stops every lane and is thrown. */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let stopped = false;
  const lane = async () => {
    while (!stopped && next < items.length) {
      try {
        await fn(items[next++]);
      } catch (err) {
        stopped = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

function reportProblems(problems: DataProblem[], log: Logger) {
  const shown = 20;
  for (const p of problems.slice(0, shown)) log.warn(`${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`);
  if (problems.length > shown) log.warn(`… and ${problems.length - shown} more metadata problems`);
}
