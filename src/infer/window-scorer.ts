/**
 * One window of audio → the model's frame probabilities, as training saw its clips: log-mel of the window, the first
 * K · time_pool frames, normalised with the run's feature statistics (data/normalise.ts, as training batches are), then the model's 'frame_prob' output. Browser-safe (no Node APIs).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LogMelExtractor } from '../features/log-mel.ts';
import { normaliseInto, normaliserFrom } from '../data/normalise.ts';
import type { WindowGeometry, WindowScorer } from './windowing.ts';

/** Per mel band, as feature_stats.json / stats.json store them. */
export interface FeatureStats {
  mean: number[];
  std: number[];
}

/** Builds the scorer windowing.scoreRecording calls; `model` must take [1, frames, n_mels] and output frame_prob first. */
export function windowScorer(model: LayersModel, extractor: LogMelExtractor, stats: FeatureStats, g: WindowGeometry): WindowScorer {
  const nMels = extractor.nMels;
  if (stats.mean.length !== nMels || stats.std.length !== nMels) {
    throw new RangeError(`feature statistics have ${stats.mean.length} bands, the features ${nMels} (features.n_mels)`);
  }
  const norm = normaliserFrom(stats);
  const frames = g.inputFrames;
  return async (samples) => {
    const { data, frames: available } = extractor.compute(samples);
    if (available < frames) throw new RangeError(`a window gave ${available} log-mel frames, the model needs ${frames}`);
    const x = new Float32Array(frames * nMels); // [frames, mels]
    normaliseInto(data, frames, frames, nMels, norm, x, 0);
    const out = tf.tidy(() => {
      const outputs = model.predict(tf.tensor3d(x, [1, frames, nMels])) as tf.Tensor[];
      return outputs[0]; // [1, K, classes]
    });
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  };
}
