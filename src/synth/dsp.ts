/** Small signal helpers for the synthetic sound classes: biquad filters, pink-ish noise, fades, RMS. */
import { uniformNoiseSource, type SynthRandom } from './random.ts';

export type BiquadType = 'lowpass' | 'highpass' | 'bandpass';

/** Filters in place with an RBJ-cookbook biquad (direct form I). `bandpass` has 0 dB peak gain. */
export function biquadInPlace(x: Float32Array, type: BiquadType, freqHz: number, q: number, sampleRateHz: number): Float32Array {
  const w0 = (2 * Math.PI * Math.min(freqHz, 0.45 * sampleRateHz)) / sampleRateHz;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  let b0: number, b1: number, b2: number;
  if (type === 'lowpass') [b0, b1, b2] = [(1 - cos) / 2, 1 - cos, (1 - cos) / 2];
  else if (type === 'highpass') [b0, b1, b2] = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2];
  else [b0, b1, b2] = [alpha, 0, -alpha];
  const a0 = 1 + alpha;
  const a1 = -2 * cos;
  const a2 = 1 - alpha;
  [b0, b1, b2] = [b0 / a0, b1 / a0, b2 / a0];
  const [c1, c2] = [a1 / a0, a2 / a0];
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const yi = b0 * xi + b1 * x1 + b2 * x2 - c1 * y1 - c2 * y2;
    x2 = x1;
    x1 = xi;
    y2 = y1;
    y1 = yi;
    x[i] = yi;
  }
  return x;
}

/** `n` samples of zero-mean uniform white noise from `rng`. */
export function whiteNoise(n: number, rng: SynthRandom): Float32Array {
  const out = new Float32Array(n);
  // uniform noise is enough here (spectrally white) and much cheaper than Gaussian
  const uniform = uniformNoiseSource(rng);
  for (let i = 0; i < n; i++) out[i] = uniform();
  return out;
}

/** Pink-ish noise: white noise through three leaky integrators (Paul Kellet's economy −3 dB/octave filter). */
export function pinkNoise(n: number, rng: SynthRandom): Float32Array {
  const out = new Float32Array(n);
  let b0 = 0, b1 = 0, b2 = 0;
  const uniform = uniformNoiseSource(rng);
  for (let i = 0; i < n; i++) {
    const w = uniform();
    b0 = 0.99765 * b0 + w * 0.099046;
    b1 = 0.963 * b1 + w * 0.2965164;
    b2 = 0.57 * b2 + w * 1.0526913;
    out[i] = b0 + b1 + b2 + w * 0.1848;
  }
  return out;
}

/** Root mean square of `x` (0 when empty). */
export function rms(x: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return x.length ? Math.sqrt(sum / x.length) : 0;
}

/** Scales in place to the given RMS (a silent signal stays silent). */
export function scaleToRms(x: Float32Array, target: number): Float32Array {
  const r = rms(x);
  if (r > 0) {
    const g = target / r;
    for (let i = 0; i < x.length; i++) x[i] *= g;
  }
  return x;
}

/** Raised-cosine fade-in and fade-out of `fadeSamples` each (shortened for very short signals), in place. */
export function fadeEdgesInPlace(x: Float32Array, fadeSamples: number): Float32Array {
  const f = Math.min(fadeSamples, Math.floor(x.length / 2));
  for (let i = 0; i < f; i++) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / f);
    x[i] *= g;
    x[x.length - 1 - i] *= g;
  }
  return x;
}

/**
 * Adds amplitude × sin(2π·f·i + phase) · decay^i to `out` by rotating a phasor (no Math.sin per sample).
 * `freq` is in cycles per sample; decay = 1 keeps the amplitude constant.
 */
export function addSinusoid(out: Float32Array, freq: number, amplitude: number, phase = 0, decay = 1): Float32Array {
  const cw = Math.cos(2 * Math.PI * freq) * decay;
  const sw = Math.sin(2 * Math.PI * freq) * decay;
  let c = amplitude * Math.cos(phase);
  let s = amplitude * Math.sin(phase);
  for (let i = 0; i < out.length; i++) {
    out[i] += s;
    const c2 = c * cw - s * sw;
    s = s * cw + c * sw;
    c = c2;
  }
  return out;
}
