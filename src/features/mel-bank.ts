/**
 * Mel scales and the triangular mel filter bank, matching torchaudio.functional.melscale_fbanks
 * (with its helpers _hz_to_mel, _mel_to_hz, _create_triangular_filterbank).
 *
 * Why not meyda's createMelFilterBank: it is fixed to 0..sr/2 and the HTK scale, snaps the triangle
 * corners to whole FFT bins (floor((N+1)·f/sr)) instead of evaluating the triangles on the bin
 * frequencies, has no slaney scale or area norm, and always builds >= 13 bands.
 */
import type { FeatureSettings } from '../config/types.ts';

export type MelScale = 'htk' | 'slaney';

// Slaney (Auditory Toolbox) scale: linear below 1 kHz at 200/3 Hz per mel, logarithmic above
// with 27 mels per factor 6.4 — the constants of torchaudio's _hz_to_mel / librosa's hz_to_mel.
const SLANEY_F_SP = 200 / 3;
const SLANEY_MIN_LOG_HZ = 1000;
const SLANEY_MIN_LOG_MEL = SLANEY_MIN_LOG_HZ / SLANEY_F_SP; // 15
const SLANEY_LOGSTEP = Math.log(6.4) / 27;

/** htk: 2595·log10(1 + f/700); slaney: f/(200/3) below 1 kHz, 15 + ln(f/1000)/(ln 6.4/27) above. */
export function hzToMel(hz: number, scale: MelScale): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  if (hz >= SLANEY_MIN_LOG_HZ) return SLANEY_MIN_LOG_MEL + Math.log(hz / SLANEY_MIN_LOG_HZ) / SLANEY_LOGSTEP;
  return hz / SLANEY_F_SP;
}

/** Inverse of hzToMel. */
export function melToHz(mel: number, scale: MelScale): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  if (mel >= SLANEY_MIN_LOG_MEL) return SLANEY_MIN_LOG_HZ * Math.exp(SLANEY_LOGSTEP * (mel - SLANEY_MIN_LOG_MEL));
  return SLANEY_F_SP * mel;
}

export type MelBankSettings = Pick<
  FeatureSettings,
  'sample_rate' | 'n_fft' | 'n_mels' | 'f_min' | 'f_max' | 'mel_scale' | 'norm'
>;

/**
 * The n_mels + 2 corner frequencies in Hz: n_mels + 2 points evenly spaced on the mel scale from
 * f_min to f_max. Triangle m rises from corner m to corner m+1 and falls to corner m+2.
 */
export function melCornersHz(s: MelBankSettings): Float64Array {
  const mMin = hzToMel(s.f_min, s.mel_scale);
  const mMax = hzToMel(s.f_max, s.mel_scale);
  const pts = new Float64Array(s.n_mels + 2);
  const stepMel = (mMax - mMin) / (s.n_mels + 1);
  for (let i = 0; i < pts.length; i++) pts[i] = melToHz(mMin + i * stepMel, s.mel_scale);
  return pts;
}

/** Centre frequency of each band in Hz (corner m+1 of triangle m). */
export function melCentersHz(s: MelBankSettings): Float64Array {
  return melCornersHz(s).slice(1, s.n_mels + 1);
}

/**
 * Dense filter bank, float64, row-major [n_freqs, n_mels] with n_freqs = n_fft/2 + 1 — the layout of
 * torchaudio's fb matrix, so mel = spec[frame, :] · fb.
 * fb[k, m] = max(0, min((f_k − c_m)/(c_{m+1} − c_m), (c_{m+2} − f_k)/(c_{m+2} − c_{m+1}))) on the bin
 * frequencies f_k = linspace(0, floor(sr/2), n_freqs) (torchaudio uses sample_rate // 2 there).
 * norm 'slaney' multiplies triangle m by 2/(c_{m+2} − c_m), giving each unit area in Hz.
 */
export function melFilterBank(s: MelBankSettings): Float64Array {
  const nFreqs = Math.floor(s.n_fft / 2) + 1;
  const nMels = s.n_mels;
  const c = melCornersHz(s);
  const fb = new Float64Array(nFreqs * nMels);
  const topHz = Math.floor(s.sample_rate / 2);
  for (let k = 0; k < nFreqs; k++) {
    const f = nFreqs === 1 ? 0 : (topHz * k) / (nFreqs - 1);
    for (let m = 0; m < nMels; m++) {
      const up = (f - c[m]) / (c[m + 1] - c[m]);
      const down = (c[m + 2] - f) / (c[m + 2] - c[m + 1]);
      const w = Math.max(0, Math.min(up, down));
      fb[k * nMels + m] = s.norm === 'slaney' ? (w * 2) / (c[m + 2] - c[m]) : w;
    }
  }
  return fb;
}

/**
 * Each band's nonzero weights as one contiguous run of bins (a triangle's support is one interval), packed
 * in one array: band m covers bins start[m] .. start[m] + length[m] − 1 with weights
 * weights[offset[m] .. offset[m] + length[m] − 1]. A band that no bin falls into has length 0.
 */
export interface SparseMelBank {
  nFreqs: number;
  nMels: number;
  start: Int32Array; // [n_mels] first bin
  length: Int32Array; // [n_mels] run length
  offset: Int32Array; // [n_mels] where the run starts in `weights`
  weights: Float64Array; // [Σ length]
}

/** Sparse form of a dense [n_freqs, n_mels] bank. */
export function sparseMelBank(fb: Float64Array, nFreqs: number, nMels: number): SparseMelBank {
  const start = new Int32Array(nMels);
  const length = new Int32Array(nMels);
  const offset = new Int32Array(nMels);
  const packed: number[] = [];
  for (let m = 0; m < nMels; m++) {
    let first = -1;
    let last = -1;
    for (let k = 0; k < nFreqs; k++) {
      if (fb[k * nMels + m] !== 0) {
        if (first < 0) first = k;
        last = k;
      }
    }
    start[m] = Math.max(first, 0);
    length[m] = first < 0 ? 0 : last - first + 1;
    offset[m] = packed.length;
    for (let k = first; k >= 0 && k <= last; k++) packed.push(fb[k * nMels + m]);
  }
  return { nFreqs, nMels, start, length, offset, weights: Float64Array.from(packed) };
}
