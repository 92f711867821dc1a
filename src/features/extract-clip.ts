/** One clip from audio file to log-mel: decode, mono, resample, fix the length, log-mel. Shared by workers and predict. */
import type { FeatureSettings } from '../config/types.ts';
import { loadAudio } from '../audio/load.ts';
import { encodeNpy } from '../io/npy.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { LogMelExtractor } from './log-mel.ts';
import { DataError, TruncatedAudioError } from '../errors.ts';

export interface ClipFeatures {
  data: Float32Array; // [frames, n_mels]
  frames: number;
  durationSec: number; // of the source audio, before padding or cutting
  warnings: string[]; // non-fatal decoding problems (truncated data chunk), from loadAudio
  truncated: boolean; // decoded from a truncated data chunk (only with allowTruncated)
}

/** Zero-pads or cuts audio to `clip_seconds` (as the DCASE baselines pad waveforms), or keeps it when null. */
export function fixLength(samples: Float32Array, settings: FeatureSettings): Float32Array {
  if (settings.clip_seconds === null) return samples;
  const target = Math.round(settings.clip_seconds * settings.sample_rate);
  if (samples.length === target) return samples;
  if (samples.length > target) return samples.subarray(0, target);
  const padded = new Float32Array(target);
  padded.set(samples);
  return padded;
}

export interface BadAudioPolicy {
  /** Decode a truncated data chunk as far as it goes (with a warning) instead of refusing the file. */
  allowTruncated?: boolean;
}

/**
 * Decodes `path`, resamples to settings.sample_rate, cuts or zero-pads to settings.clip_seconds, and returns its
 * log-mel [frames, n_mels] (row-major float32) with the source duration in seconds and decoder warnings. Throws
 * DataError for unreadable audio and for audio that must not become data: no samples at all, or (unless
 * `policy.allowTruncated`) a truncated data chunk, as TruncatedAudioError, so that callers can count it.
 */
export async function featuresFromAudioFile(path: string, settings: FeatureSettings, extractor: LogMelExtractor, policy: BadAudioPolicy = {}): Promise<ClipFeatures> {
  const audio = await loadAudio(path, settings.sample_rate);
  if (audio.truncated && !policy.allowTruncated)
    throw new TruncatedAudioError(path, `truncated data chunk: ${audio.warnings.join('; ')}; skipped (pass --allow-truncated to use the frames present)`);
  if (audio.samples.length === 0) throw new DataError(path, 'no audio samples after decoding and resampling');
  const { data, frames } = extractor.compute(fixLength(audio.samples, settings));
  return { data, frames, durationSec: audio.durationSec, warnings: audio.warnings, truncated: audio.truncated };
}

export interface ClipResult {
  frames: number;
  durationSec: number;
  sum: number[]; // per mel bin, over frames (for the store's statistics)
  sumsq: number[];
  warnings: string[]; // passed up so that the stage can log them naming the clip
  truncated: boolean; // counted by the stage
}

/** Extracts one clip and writes its .npy atomically; returns per-bin sums for the statistics. */
export async function extractClipToFile(audioPath: string, npyPath: string, settings: FeatureSettings, extractor: LogMelExtractor, policy: BadAudioPolicy = {}): Promise<ClipResult> {
  const { data, frames, durationSec, warnings, truncated } = await featuresFromAudioFile(audioPath, settings, extractor, policy);
  await writeFileAtomic(npyPath, encodeNpy(data, [frames, settings.n_mels]));
  const nMels = settings.n_mels;
  const sum = new Float64Array(nMels);
  const sumsq = new Float64Array(nMels);
  for (let t = 0; t < frames; t++) {
    for (let m = 0; m < nMels; m++) {
      const x = data[t * nMels + m];
      sum[m] += x;
      sumsq[m] += x * x;
    }
  }
  return { frames, durationSec, sum: Array.from(sum), sumsq: Array.from(sumsq), warnings, truncated };
}
