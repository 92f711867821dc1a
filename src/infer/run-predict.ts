/** `predict`: new WAV files → detections, with the feature settings, statistics and classes saved in the run. */
import { basename, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadConfig } from '../config/load.ts';
import { DataError } from '../errors.ts';
import { normaliseInto, normaliserFrom } from '../data/batch.ts';
import type { SoundEvent } from '../data/events.ts';
import { selectBackend } from '../backend/select.ts';
import { timePoolingFactor } from '../model/crnn.ts';
import { featuresFromAudioFile } from '../features/extract-clip.ts';
import { LogMelExtractor } from '../features/log-mel.ts';
import { RUN_FEATURE_STATS_SCHEMA } from '../features/store.ts';
import { readJsonFile } from '../io/json-file.ts';
import { postprocessFromConfig } from '../postprocess/from-config.ts';
import { detectEvents } from '../postprocess/sweep.ts';
import { loadModel } from '../model/model-io.ts';
import type { Logger } from '../util/log.ts';
import { checkpointDir } from './run-folder.ts';

export interface PredictResult {
  events: SoundEvent[];
  failed: { file: string; error: string }[];
  files: number;
}

/**
 * The `predict` stage: log-mel features of each WAV in `files` with the run's feature settings, normalised with its
 * feature_stats.json (data/batch.ts, as in training), cut to whole time pools, through `opts.checkpoint` (default
 * best), then post-processed as the run's config says. A file that fails (unreadable, too short) is logged and
 * listed in `failed`; the others' events are returned (times in seconds). Throws DataError when the run's
 * feature_stats.json or checkpoint is missing or invalid.
 */
export async function runPredict(run: string, files: string[], log: Logger, opts: { checkpoint?: string } = {}): Promise<PredictResult> {
  const config = loadConfig(join(run, 'config.yaml'));
  const statsFile = join(run, 'feature_stats.json');
  const stats = readJsonFile(statsFile, RUN_FEATURE_STATS_SCHEMA, "run's feature statistics (feature_stats.json)");
  const backend = await selectBackend('auto');
  log.debug({ backend: backend.backend }, backend.reason);
  const model = await loadModel(checkpointDir(run, opts.checkpoint));
  const extractor = new LogMelExtractor(config.features);
  const timePool = timePoolingFactor(config.net);
  const nMels = config.features.n_mels;
  const norm = normaliserFrom(stats);
  const frameHopSec = (config.features.hop_length / config.features.sample_rate) * timePool;
  const { options, thresholds } = postprocessFromConfig(config.postprocess, stats.classes, frameHopSec);
  const events: SoundEvent[] = [];
  const failed: PredictResult['failed'] = [];
  for (const file of files) {
    try {
      const { data, frames } = await featuresFromAudioFile(file, config.features, extractor);
      const usable = Math.floor(frames / timePool) * timePool;
      if (usable === 0) throw new DataError(file, 'too short for the model');
      const x = new Float32Array(usable * nMels);
      normaliseInto(data, usable, usable, nMels, norm, x, 0);
      const prob = tf.tidy(() => (model.predict(tf.tensor3d(x, [1, usable, nMels])) as tf.Tensor[])[0].dataSync() as Float32Array);
      events.push(...detectEvents([{ file: basename(file), prob }], options, thresholds).events);
    } catch (err) {
      const message = (err as Error).message;
      failed.push({ file, error: message });
      log.error(message.startsWith(file) ? message : `${file}: ${message}`);
    }
  }
  model.dispose();
  return { events, failed, files: files.length };
}
