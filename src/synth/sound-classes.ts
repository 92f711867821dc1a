/**
 * The ten synthetic sound classes. Mean event durations span 0.2 s to 8 s (SCIENCE.md: the experiment that
 * showed power pooling's n_c falling with duration used 0.21–7.9 s), and each class has its own spectral and
 * temporal signature so a small CRNN can tell them apart: transients (click, knock), sweeps (chirp, siren),
 * tones (beep, bell), filtered noise (hiss, am_noise, fan) and a harmonic buzz (engine).
 *
 * `render` returns the event's samples at unit RMS; the mixer scales them to the clip's SNR.
 */
import { addSinusoid, biquadInPlace, fadeEdgesInPlace, scaleToRms, whiteNoise } from './dsp.ts';
import type { SynthRandom } from './random.ts';

export interface SynthClass {
  name: string;
  meanDurationSec: number;
  description: string;
  render(samples: number, sampleRateHz: number, rng: SynthRandom): Float32Array;
}

const TWO_PI = 2 * Math.PI;
const FADE_SEC = 0.005;

/** Sum of damped/decaying bursts placed at `onsets` (samples), each `burst(i)` for i ≥ 0. */
function placeBursts(samples: number, onsets: number[], burst: (i: number) => number, lengthSamples: number): Float32Array {
  const out = new Float32Array(samples);
  for (const start of onsets) {
    for (let i = 0; i < lengthSamples && start + i < samples; i++) out[start + i] += burst(i);
  }
  return out;
}

/** Burst onsets: one at the start, the rest spread over the event so it fills its labelled extent. */
function burstOnsets(samples: number, count: number, tailSamples: number, rng: SynthRandom): number[] {
  const span = Math.max(0, samples - tailSamples);
  const onsets = [0];
  for (let k = 1; k < count; k++) onsets.push(Math.round((span * (k + rng.uniform(-0.2, 0.2))) / (count - 1)));
  return onsets.map((o) => Math.min(Math.max(0, o), span));
}

function finish(x: Float32Array, sampleRateHz: number): Float32Array {
  return scaleToRms(fadeEdgesInPlace(x, Math.round(FADE_SEC * sampleRateHz)), 1);
}

export const SYNTH_CLASSES: readonly SynthClass[] = Object.freeze([
  {
    name: 'click',
    meanDurationSec: 0.2,
    description: 'a short train of 3–5 broadband clicks (1.5 ms decaying high-passed noise bursts)',
    render(samples, sr, rng) {
      const tau = 0.0015 * sr;
      const length = Math.round(8 * tau);
      const noise = biquadInPlace(whiteNoise(length, rng), 'highpass', 1500, 0.707, sr);
      const x = placeBursts(samples, burstOnsets(samples, rng.int(3, 5), length, rng), (i) => noise[i] * Math.exp(-i / tau), length);
      return finish(x, sr);
    },
  },
  {
    name: 'knock',
    meanDurationSec: 0.3,
    description: '2–3 knocks: damped low resonances near 180 Hz and 420 Hz (25 ms decay)',
    render(samples, sr, rng) {
      const tau = 0.025 * sr;
      const length = Math.round(5 * tau);
      const f1 = rng.uniform(160, 200) / sr;
      const f2 = rng.uniform(380, 460) / sr;
      const burst = (i: number) => Math.exp(-i / tau) * (Math.sin(TWO_PI * f1 * i) + 0.6 * Math.sin(TWO_PI * f2 * i));
      return finish(placeBursts(samples, burstOnsets(samples, rng.int(2, 3), Math.min(length, samples >> 1), rng), burst, length), sr);
    },
  },
  {
    name: 'chirp',
    meanDurationSec: 0.5,
    description: 'an exponential upward sine sweep from ~800 Hz to ~4 kHz',
    render(samples, sr, rng) {
      const f0 = rng.uniform(700, 900);
      const f1 = Math.min(rng.uniform(3600, 4400), 0.4 * sr);
      const x = new Float32Array(samples);
      let phase = 0;
      for (let i = 0; i < samples; i++) {
        x[i] = Math.sin(phase);
        phase += (TWO_PI * f0 * Math.pow(f1 / f0, i / samples)) / sr;
      }
      return finish(x, sr);
    },
  },
  {
    name: 'beep',
    meanDurationSec: 0.8,
    description: 'a steady 2 kHz tone with a weak 3rd harmonic',
    render(samples, sr, rng) {
      const f = rng.uniform(1900, 2100) / sr;
      const x = addSinusoid(new Float32Array(samples), f, 1);
      return finish(addSinusoid(x, 3 * f, 0.2), sr);
    },
  },
  {
    name: 'bell',
    meanDurationSec: 1.5,
    description: 'struck bell: inharmonic partials (1, 2.76, 5.40, 8.93 × ~600 Hz) decaying over the event',
    render(samples, sr, rng) {
      const f = rng.uniform(520, 680) / sr;
      const partials = [1, 2.76, 5.4, 8.93].filter((p) => p * f < 0.45);
      const tau = samples / 3; // higher partials die out faster: partial k decays with time constant tau / (k + 1)
      const x = new Float32Array(samples);
      partials.forEach((p, k) => addSinusoid(x, p * f, 1 / (1 + k), 0, Math.exp(-(1 + k) / tau)));
      return finish(x, sr);
    },
  },
  {
    name: 'hiss',
    meanDurationSec: 2.0,
    description: 'steady high-passed white noise (above ~4 kHz)',
    render(samples, sr, rng) {
      const x = whiteNoise(samples, rng);
      biquadInPlace(x, 'highpass', Math.min(4000, 0.3 * sr), 0.707, sr);
      return finish(biquadInPlace(x, 'highpass', Math.min(4000, 0.3 * sr), 0.707, sr), sr);
    },
  },
  {
    name: 'am_noise',
    meanDurationSec: 3.0,
    description: 'band noise around 1 kHz, deeply amplitude-modulated at ~4 Hz',
    render(samples, sr, rng) {
      const x = biquadInPlace(whiteNoise(samples, rng), 'bandpass', rng.uniform(900, 1100), 3, sr);
      const fm = rng.uniform(3.5, 4.5) / sr;
      const phase = rng.uniform(0, TWO_PI);
      for (let i = 0; i < samples; i++) x[i] *= 0.55 + 0.45 * Math.sin(TWO_PI * fm * i + phase);
      return finish(x, sr);
    },
  },
  {
    name: 'siren',
    meanDurationSec: 4.5,
    description: 'a tone gliding between ~700 and ~1400 Hz at ~0.4 Hz, with its 2nd harmonic',
    render(samples, sr, rng) {
      const centre = rng.uniform(950, 1100);
      const depth = 0.33 * centre;
      const rate = rng.uniform(0.3, 0.5);
      const glide = addSinusoid(new Float32Array(samples), rate / sr, depth, rng.uniform(0, TWO_PI));
      const x = new Float32Array(samples);
      let phase = 0;
      for (let i = 0; i < samples; i++) {
        const s1 = Math.sin(phase);
        x[i] = s1 + 0.6 * s1 * Math.cos(phase); // + 0.3·sin(2·phase)
        phase += (TWO_PI * (centre + glide[i])) / sr;
      }
      return finish(x, sr);
    },
  },
  {
    name: 'engine',
    meanDurationSec: 6.0,
    description: 'low harmonic buzz: a ~45 Hz sawtooth with slow pitch wobble, low-passed at 700 Hz',
    render(samples, sr, rng) {
      const f0 = rng.uniform(38, 52);
      const pitch = addSinusoid(new Float32Array(samples), rng.uniform(0.2, 0.6) / sr, 0.05); // ±5 % wobble
      const x = new Float32Array(samples);
      let phase = 0;
      for (let i = 0; i < samples; i++) {
        x[i] = 2 * phase - 1;
        phase += (f0 * (1 + pitch[i])) / sr;
        if (phase >= 1) phase -= 1;
      }
      biquadInPlace(x, 'lowpass', 700, 0.707, sr);
      return finish(biquadInPlace(x, 'lowpass', 700, 0.707, sr), sr);
    },
  },
  {
    name: 'fan',
    meanDurationSec: 8.0,
    description: 'stationary whoosh: noise band-passed around 500 Hz plus a steady ~240 Hz blade hum',
    render(samples, sr, rng) {
      const x = biquadInPlace(whiteNoise(samples, rng), 'bandpass', rng.uniform(450, 550), 0.8, sr);
      scaleToRms(x, 1);
      return finish(addSinusoid(x, rng.uniform(220, 260) / sr, 0.5), sr);
    },
  },
]);
