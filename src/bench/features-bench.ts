/**
 * Feature extraction throughput at the DESED setting, on one thread: 10 s 44.1 kHz 16-bit stereo WAV bytes in memory
 * → decode → mono → resample to 16 kHz → log-mel (n_fft 2048, hop 256, 128 mels, hamming, amplitude dB).
 * Disk reads and .npy writes are left out, so this is the compute `sed features` does per clip and per worker.
 * torchaudio's reference for the same chain is about 108 clips/s per core.
 */
import { performance } from 'node:perf_hooks';
import { decodeWavMono } from '../audio/wav-decode.ts';
import { encodeWav } from '../audio/wav-encode.ts';
import { resample } from '../audio/resample.ts';
import { resolveConfig } from '../config/load.ts';
import { LogMelExtractor } from '../features/log-mel.ts';

export interface FeaturesBenchResult {
  bench: 'features';
  clips_per_sec: number;
  ms_per_clip_median: number;
  ms_per_clip_min: number;
  clips: number;
  setting: string;
}

const SOURCE_RATE_HZ = 44100;
const CLIP_SECONDS = 10;
const WARMUP_CLIPS = 3;

/** The DESED baseline's log-mel (DESED_task's defaults for the 2021+ baselines), resolved through the config schema. */
export const DESED_FEATURES = resolveConfig({
  features: {
    sample_rate: 16000,
    n_fft: 2048,
    win_length: 2048,
    hop_length: 256,
    n_mels: 128,
    f_max: 8000,
    window: 'hamming',
    periodic: false,
    power: 1,
    log: { type: 'db', amin: 1e-5, top_db: null },
  },
}).features;

/** A deterministic stereo clip: two tones plus white noise per channel (LCG, seeded by the clip index). */
export function synthClipWav(index: number): Uint8Array {
  const n = SOURCE_RATE_HZ * CLIP_SECONDS;
  const channels = [new Float32Array(n), new Float32Array(n)];
  let state = (index + 1) * 2654435761;
  const f1 = 220 + 37 * index;
  const f2 = 1000 + 151 * index;
  for (let c = 0; c < 2; c++) {
    const x = channels[c];
    for (let i = 0; i < n; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const t = i / SOURCE_RATE_HZ;
      x[i] = 0.3 * Math.sin(2 * Math.PI * f1 * t + c) + 0.15 * Math.sin(2 * Math.PI * f2 * t) + 0.2 * (state / 2 ** 32 - 0.5);
    }
  }
  return encodeWav({ channels, sampleRateHz: SOURCE_RATE_HZ }, { format: 'pcm', bitDepth: 16 });
}

/**
 * Times feature extraction at the DESED setting on one thread over `opts.clips` (default 20) synthetic 10 s 44.1 kHz stereo
 * clips, decode + downmix + resample + log-mel; returns clips per second and ms per clip (median, min). Throws RangeError for a bad clip count.
 */
export async function benchFeatures(opts: { clips?: number } = {}): Promise<FeaturesBenchResult> {
  const clips = opts.clips ?? 20;
  if (!Number.isInteger(clips) || clips < 1) throw new RangeError(`clips must be a positive integer (${clips} given)`);
  const settings = DESED_FEATURES;
  const wavs = Array.from({ length: clips }, (_, i) => synthClipWav(i));
  const extractor = new LogMelExtractor(settings);
  let checksum = 0; // keeps the results alive, so nothing is optimised away
  const oneClip = (bytes: Uint8Array) => {
    const { samples: mono, sampleRateHz } = decodeWavMono(bytes, 'bench.wav');
    const samples = resample(mono, sampleRateHz, settings.sample_rate);
    const { data } = extractor.compute(samples);
    checksum += data[data.length >> 1];
  };

  for (let i = 0; i < WARMUP_CLIPS; i++) oneClip(wavs[i % clips]);
  const ms: number[] = [];
  const startMs = performance.now();
  for (const bytes of wavs) {
    const t0 = performance.now();
    oneClip(bytes);
    ms.push(performance.now() - t0);
  }
  const totalMs = performance.now() - startMs;
  if (!Number.isFinite(checksum)) throw new Error('log-mel produced a non-finite value');
  ms.sort((a, b) => a - b);
  const mid = ms.length >> 1;
  const median = ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    bench: 'features',
    clips_per_sec: round2((clips * 1000) / totalMs),
    ms_per_clip_median: round2(median),
    ms_per_clip_min: round2(ms[0]),
    clips,
    setting:
      `${CLIP_SECONDS} s ${SOURCE_RATE_HZ / 1000} kHz 16-bit stereo WAV → ${settings.sample_rate / 1000} kHz mono, ` +
      `n_fft ${settings.n_fft}, hop ${settings.hop_length}, ${settings.n_mels} mels, ${settings.window}, dB; 1 thread`,
  };
}
