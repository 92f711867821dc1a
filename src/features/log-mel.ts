/**
 * Log-mel spectrogram with the semantics of torchaudio.transforms.MelSpectrogram followed by
 * AmplitudeToDB (or log(x + eps)):
 *   Spectrogram  — torch.stft: center pads floor(n_fft/2) per side (reflect or zeros), a win_length window
 *                  centred in n_fft, onesided n_fft/2 + 1 bins, |X| (power 1) or |X|² (power 2), no normalisation;
 *   MelScale     — mel = spec · melscale_fbanks(...) (see mel-bank.ts);
 *   amplitude_to_DB — multiplier·log10(max(x, amin)), multiplier 20 for power 1 and 10 for power 2, reference 1
 *                  (db_multiplier 0), then max(x, max_over_clip − top_db) when top_db is set.
 * Matched against pytorch/audio src/torchaudio/functional/functional.py (spectrogram, amplitude_to_DB,
 * melscale_fbanks). Computed in float64, returned as float32 (torchaudio itself works in float32, so its
 * own rounding, ~1e-6 relative, bounds how closely any float64 implementation can agree with it).
 * Window, FFT tables and mel bank are built once per extractor; compute() allocates per clip, not per frame.
 *
 * Where meyda is used: nowhere on this path, deliberately. Its windows differ from torch's (its hanning
 * is symmetric only, its hamming periodic only), its spectrum drops the Nyquist bin, its fftjs FFT
 * allocates per butterfly (amplitude spectra alone for a 10 s clip took ~80–90 ms against ~11 ms for
 * this whole log-mel; scripts/time-log-mel.ts --meyda), and its mel bank is fixed to 0..sr/2 HTK with
 * bin-snapped corners.
 */
import type { FeatureSettings } from '../config/types.ts';
import { ConfigError, ShapeError } from '../errors.ts';
import { isPowerOfTwo, RealFft } from './fft.ts';
import { melFilterBank, sparseMelBank, type SparseMelBank } from './mel-bank.ts';
import { paddedWindow } from './window.ts';

/** Row-major [frames, nMels] float32 log-mel matrix. */
export interface LogMel {
  data: Float32Array;
  frames: number;
  nMels: number;
}

/**
 * Frames torch.stft returns for `sampleCount` samples: with center, 1 + floor((n + 2·floor(n_fft/2) − n_fft)/hop),
 * which is 1 + floor(n/hop) for even n_fft; without, 1 + floor((n − n_fft)/hop). Returns 0 when no frame fits.
 */
export function frameCountFor(sampleCount: number, nFft: number, hopLength: number, center: boolean): number {
  const padded = center ? sampleCount + 2 * Math.floor(nFft / 2) : sampleCount;
  if (padded < nFft) return 0;
  return 1 + Math.floor((padded - nFft) / hopLength);
}

/**
 * torchaudio's MelSpectrogram + AmplitudeToDB for one `FeatureSettings`, with the window, FFT and sparse mel bank built
 * once: mono samples at settings.sample_rate → [frames, n_mels] (frames = frameCountFor). The constructor throws
 * ConfigError naming the features key it cannot honour; compute throws ShapeError for input too short for one frame.
 */
export class LogMelExtractor {
  readonly settings: FeatureSettings;
  readonly nMels: number;
  private readonly fft: RealFft;
  private readonly window: Float64Array; // [n_fft], zero outside the centred win_length span
  private readonly bank: SparseMelBank;
  private readonly spec: Float64Array; // [n_fft/2 + 1] |X| or |X|²
  private readonly mel: Float64Array; // [n_mels] one frame before the log

  constructor(settings: FeatureSettings) {
    checkSettings(settings);
    this.settings = settings;
    this.nMels = settings.n_mels;
    const nFft = settings.n_fft;
    this.fft = new RealFft(nFft);
    this.window = paddedWindow(settings.window, settings.win_length, nFft, settings.periodic);
    const nFreqs = this.fft.bins;
    this.bank = sparseMelBank(melFilterBank(settings), nFreqs, settings.n_mels);
    this.spec = new Float64Array(nFreqs);
    this.mel = new Float64Array(settings.n_mels);
  }

  frameCount(sampleCount: number): number {
    const s = this.settings;
    return frameCountFor(sampleCount, s.n_fft, s.hop_length, s.center);
  }

  /** Mono samples at settings.sample_rate → [frames, n_mels] log-mel. */
  compute(samples: Float32Array): LogMel {
    const s = this.settings;
    const frames = this.frameCount(samples.length);
    const pad = s.center ? Math.floor(s.n_fft / 2) : 0;
    if (frames < 1) {
      throw new ShapeError('log-mel input', `>= ${s.n_fft - 2 * pad} samples (n_fft ${s.n_fft}, center ${s.center})`, `${samples.length} samples`);
    }
    if (pad > 0 && s.pad_mode === 'reflect' && samples.length <= pad) {
      // torch's reflect padding needs pad < input length too.
      throw new ShapeError('log-mel input', `> ${pad} samples for reflect padding of n_fft/2`, `${samples.length} samples`);
    }
    const x = padSignal(samples, pad, s.pad_mode);
    const nMels = this.nMels;
    const out = new Float32Array(frames * nMels);
    const { window, spec, mel, fft } = this;
    const nFreqs = fft.bins;
    const { start, length, offset, weights } = this.bank;
    const power2 = s.power === 2;
    const log = s.log;
    // multiplier·log10(v) as ln(v)·(multiplier/ln 10): Math.log is about twice as fast as Math.log10 in V8
    // and the two differ by an ulp, far below the float32 output's resolution.
    const dbPerNeper = (power2 ? 10 : 20) / Math.LN10;
    let maxDb = -Infinity;

    for (let t = 0; t < frames; t++) {
      fft.forwardPower(x, spec, t * s.hop_length, window);
      if (!power2) for (let k = 0; k < nFreqs; k++) spec[k] = Math.sqrt(spec[k]);
      for (let m = 0; m < nMels; m++) {
        const k0 = start[m] - offset[m];
        let acc = 0;
        for (let i = offset[m], end = offset[m] + length[m]; i < end; i++) acc += weights[i] * spec[k0 + i];
        mel[m] = acc;
      }
      const row = t * nMels;
      if (log.type === 'db') {
        const amin = log.amin;
        for (let m = 0; m < nMels; m++) {
          const v = dbPerNeper * Math.log(mel[m] > amin ? mel[m] : amin);
          if (v > maxDb) maxDb = v;
          out[row + m] = v;
        }
      } else {
        const eps = log.eps;
        for (let m = 0; m < nMels; m++) out[row + m] = Math.log(mel[m] + eps);
      }
    }
    if (log.type === 'db' && log.top_db !== null) {
      // Float32 rounding of the floor is harmless: values are compared after the same rounding.
      const floor = Math.fround(Math.fround(maxDb) - log.top_db);
      for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor;
    }
    return { data: out, frames, nMels };
  }
}

/** The signal with `pad` samples added on each side: mirrored without repeating the edge (torch 'reflect') or zeros. */
function padSignal(samples: Float32Array, pad: number, mode: 'reflect' | 'constant'): Float64Array {
  const n = samples.length;
  const x = new Float64Array(n + 2 * pad);
  // An explicit loop: TypedArray.prototype.set across element types is several times slower in V8.
  for (let i = 0; i < n; i++) x[pad + i] = samples[i];
  if (mode === 'reflect') {
    for (let i = 1; i <= pad; i++) {
      x[pad - i] = samples[i];
      x[pad + n - 1 + i] = samples[n - 1 - i];
    }
  }
  return x;
}

/** Checks this extractor needs beyond the config schema (which already bounds each key on its own). */
function checkSettings(s: FeatureSettings): void {
  if (!isPowerOfTwo(s.n_fft) || s.n_fft < 2) {
    throw new ConfigError('features.n_fft', `must be a power of two for the FFT (${s.n_fft} given)`);
  }
  if (!Number.isInteger(s.win_length) || s.win_length < 1 || s.win_length > s.n_fft) {
    throw new ConfigError('features.win_length', `must be an integer in 1..n_fft=${s.n_fft} (${s.win_length} given)`);
  }
  if (!Number.isInteger(s.hop_length) || s.hop_length < 1) {
    throw new ConfigError('features.hop_length', `must be a positive integer (${s.hop_length} given)`);
  }
  if (!Number.isInteger(s.n_mels) || s.n_mels < 1) {
    throw new ConfigError('features.n_mels', `must be a positive integer (${s.n_mels} given)`);
  }
  if (!(s.f_min >= 0 && s.f_min < s.f_max)) {
    throw new ConfigError('features.f_min', `must satisfy 0 <= f_min < f_max (${s.f_min}, ${s.f_max} given)`);
  }
  if (s.log.type === 'db' && !(s.log.amin > 0)) {
    throw new ConfigError('features.log.amin', `must be > 0 (${s.log.amin} given)`);
  }
  if (s.log.type === 'ln' && !(s.log.eps > 0)) {
    throw new ConfigError('features.log.eps', `must be > 0 (${s.log.eps} given)`);
  }
}
