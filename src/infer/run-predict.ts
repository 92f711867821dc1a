/**
 * `predict`: WAV files of any length → detections, with the feature settings, statistics and classes saved in the run.
 *
 * Each file is streamed (WAV blocks → our resampler → windows of the training clip length → log-mel → model), the
 * windows' frame probabilities are averaged where they overlap (windowing.ts, the same code as the browser page), and
 * the stitched track is post-processed as `sed eval` does. Memory per file: about one window of audio plus the
 * stitched track ([frames, classes]), never the whole recording or its spectrogram.
 */
import { join } from 'node:path';
import { featureSettingsHash, loadConfig, type ConfigOverride } from '../config/load.ts';
import type { SedConfig } from '../config/types.ts';
import { ConfigError, DataError, UsageError } from '../errors.ts';
import type { SoundEvent } from '../data/events.ts';
import { selectBackend, type BackendName } from '../backend/select.ts';
import { timePoolingFactor } from '../model/crnn.ts';
import { LogMelExtractor } from '../features/log-mel.ts';
import { getResampler } from '../audio/resample.ts';
import { StreamingResampler } from '../audio/resample-stream.ts';
import { openWavStream } from '../audio/wav-stream.ts';
import { encodeNpy } from '../io/npy.ts';
import { readJsonFile } from '../io/json-file.ts';
import { checkRunStats, RUN_FEATURE_STATS_SCHEMA } from '../features/store.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { postprocessFromConfig } from '../postprocess/from-config.ts';
import { frameGrid } from '../data/time-grid.ts';
import { loadModel } from '../model/model-io.ts';
import type { Logger } from '../util/log.ts';
import { checkpointDir } from './run-folder.ts';
import { eventsFromTrack } from './track-events.ts';
import { windowScorer, type FeatureStats } from './window-scorer.ts';
import { scoreRecording, windowGeometry, WindowHopError, WindowingError, type Track, type WindowGeometry, type WindowScorer } from './windowing.ts';

export interface PredictOptions {
  /** 'best' (default), 'last', or a folder name under checkpoints/. */
  checkpoint?: string;
  /** Window hop (default: half the training clip length); seconds are rounded to whole output frames. */
  windowHop?: { value: number; unit: 'seconds' | 'frames' };
  /** Folder for the stitched frame probabilities, one [frames, classes] float32 .npy per file. */
  probabilitiesDir?: string;
  /** postprocess.* overrides (--threshold, --median). */
  overrides?: ConfigOverride[];
  backend?: BackendName;
}

export interface PredictResult {
  /** Events of all files; `file` is each path exactly as given. */
  events: SoundEvent[];
  failed: { file: string; error: string }[];
  files: number;
  windows: number;
  /** Seconds of audio scored. */
  audio_sec: number;
  window_sec: number;
  window_hop_sec: number;
  backend: string;
}

/** The run's feature statistics and classes (feature_stats.json), checked against features.n_mels and the settings hash. Throws DataError. */
export function readRunStats(run: string, config: SedConfig): FeatureStats & { classes: string[] } {
  const file = join(run, 'feature_stats.json');
  const stats = readJsonFile(file, RUN_FEATURE_STATS_SCHEMA, "run's feature statistics (feature_stats.json)");
  checkRunStats(stats, config.features, featureSettingsHash(config.features), file); // n_mels, and the settings hash
  if (stats.classes.length === 0) throw new DataError(file, 'no classes');
  return stats;
}

/** The window geometry of a run's config, with `--window-hop` errors worded for the CLI. */
export function runWindowGeometry(config: SedConfig, windowHop?: PredictOptions['windowHop']): WindowGeometry {
  const timePool = timePoolingFactor(config.net);
  const frameSec = (config.features.hop_length * timePool) / config.features.sample_rate;
  const hopSec = windowHop === undefined ? undefined : windowHop.unit === 'seconds' ? windowHop.value : windowHop.value * frameSec;
  try {
    return windowGeometry(config.features, timePool, hopSec);
  } catch (err) {
    if (err instanceof WindowHopError) throw new UsageError(`--window-hop: ${err.message}`);
    if (err instanceof WindowingError) throw new ConfigError('features.clip_seconds', err.message);
    throw err;
  }
}

/** Where a file's stitched probabilities go: its path as given, made relative, with .npy for the extension. */
export function probabilitiesPath(dir: string, file: string): string {
  const relative = file
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .map((part) => (part === '..' ? '__' : part))
    .join('/');
  return join(dir, `${relative.replace(/\.wav$/i, '')}.npy`);
}

/**
 * Streams one WAV file through windowing.scoreRecording: blocks of the file → mono → StreamingResampler (the same
 * samples as resampling the whole file) → windows → `score`. Throws DataError/WindowingError for a bad or too short file.
 */
export async function scoreWavFile(file: string, g: WindowGeometry, nClasses: number, score: WindowScorer, log?: Logger): Promise<Track> {
  const wav = await openWavStream(file);
  for (const warning of wav.warnings) log?.warn(`${file}: ${warning}`);
  const stream = new StreamingResampler(getResampler(wav.sampleRateHz, g.sampleRateHz));
  const totalSamples = stream.outputLength(wav.frameCount);
  async function* resampled() {
    for await (const block of wav.monoBlocks()) yield stream.push(block);
    yield stream.finish();
  }
  try {
    return await scoreRecording(resampled(), totalSamples, g, nClasses, score);
  } finally {
    await wav.close();
  }
}

/**
 * The `predict` stage: each WAV in `files` streamed through scoreWavFile with the run's feature settings, statistics
 * and `opts.checkpoint` (default best), the stitched track post-processed as the run's config (with `opts.overrides`)
 * says; events carry each path as given, times in seconds from integer samples, never past the file's end. A file
 * that is unreadable, not a WAV, empty or shorter than one output frame is logged and listed in `failed`, the others
 * proceed. Throws DataError for a missing/invalid feature_stats.json or checkpoint, UsageError for a bad window hop or
 * two files whose --probabilities paths collide.
 */
export async function runPredict(run: string, files: string[], log: Logger, opts: PredictOptions = {}): Promise<PredictResult> {
  const config = loadConfig(join(run, 'config.yaml'), opts.overrides ?? []);
  const stats = readRunStats(run, config);
  const classes = stats.classes;
  const g = runWindowGeometry(config, opts.windowHop);
  if (opts.probabilitiesDir) {
    const seen = new Map<string, string>();
    for (const file of files) {
      const target = probabilitiesPath(opts.probabilitiesDir, file);
      const other = seen.get(target);
      if (other !== undefined && other !== file) throw new UsageError(`--probabilities: ${other} and ${file} would both write ${target}`);
      seen.set(target, file);
    }
  }
  const backend = await selectBackend(opts.backend ?? 'auto');
  log.debug({ backend: backend.backend }, backend.reason);
  const model = await loadModel(checkpointDir(run, opts.checkpoint));
  const extractor = new LogMelExtractor(config.features);
  const score = windowScorer(model, extractor, stats, g);
  const { options, thresholds } = postprocessFromConfig(config.postprocess, classes, frameGrid(g.sampleRateHz, g.frameSamples));
  const result: PredictResult = {
    events: [],
    failed: [],
    files: files.length,
    windows: 0,
    audio_sec: 0,
    window_sec: g.windowSamples / g.sampleRateHz,
    window_hop_sec: (g.hopFrames * g.frameSamples) / g.sampleRateHz,
    backend: backend.backend,
  };
  try {
    for (const file of files) {
      try {
        const track = await scoreWavFile(file, g, classes.length, score, log);
        result.windows += track.windows;
        result.audio_sec += track.totalSamples / g.sampleRateHz;
        result.events.push(...eventsFromTrack(track, file, g, options, thresholds));
        if (opts.probabilitiesDir) await writeFileAtomic(probabilitiesPath(opts.probabilitiesDir, file), encodeNpy(track.prob, [track.frames, classes.length]));
      } catch (err) {
        // Only problems of the file itself (unreadable, not a WAV, too short) fail one file; anything else is a bug.
        if (!(err instanceof DataError || err instanceof WindowingError)) throw err;
        const message = err instanceof DataError ? err.message : `${file}: ${err.message}`;
        result.failed.push({ file, error: message });
        log.error(message);
      }
    }
  } finally {
    model.dispose();
  }
  return result;
}
