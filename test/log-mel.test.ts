import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeatureSettings } from '../src/config/types.ts';
import { ConfigError, ShapeError } from '../src/errors.ts';
import { frameCountFor, LogMelExtractor } from '../src/features/log-mel.ts';

/** The DESED_task setting (REFERENCES.md): 16 kHz, n_fft 2048, hop 256, 128 htk mels, symmetric Hamming, magnitude, dB. */
const DESED: FeatureSettings = {
  sample_rate: 16000, n_fft: 2048, win_length: 2048, hop_length: 256, window: 'hamming', periodic: false,
  n_mels: 128, f_min: 0, f_max: 8000, mel_scale: 'htk', norm: 'none', power: 1,
  log: { type: 'db', amin: 1e-5, top_db: null }, center: true, pad_mode: 'reflect', clip_seconds: null,
};

function seededNoise(n: number, seed: number, amplitude: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return amplitude * ((state / 2 ** 32) * 2 - 1);
  });
}

function sine(n: number, hz: number, sr: number, amplitude: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / sr));
}

/**
 * Float64 reference written from the definitions, sharing no code with src/features:
 * torch.stft (centre padding by index mirroring, window w of win_length zero-padded in the middle of n_fft,
 * X[k] = Σ_n x[n]·w[n]·e^{−2πikn/N} by the O(N²) sum), |X|^power, triangles on the bin frequencies
 * linspace(0, sr/2, N/2 + 1) between mel-spaced corners (melscale_fbanks), optional 2/(c2 − c0) norm,
 * then multiplier·log10(max(x, amin)) with top_db, or ln(x + eps). Returns [frames][n_mels].
 */
function referenceLogMel(x: Float32Array, s: FeatureSettings): number[][] {
  const N = s.n_fft;
  const L = s.win_length;
  const a = s.window === 'hann' ? 0.5 : 0.54;
  // torch: periodic window of length L = symmetric window of length L + 1 without its last point
  const span = s.periodic ? L : L - 1;
  const w = new Float64Array(N);
  const left = Math.floor((N - L) / 2);
  for (let n = 0; n < L; n++) w[left + n] = a - (1 - a) * Math.cos((2 * Math.PI * n) / span);

  const pad = s.center ? N / 2 : 0;
  const sample = (i: number): number => {
    // i indexes the padded signal; map back into x
    let j = i - pad;
    if (j >= 0 && j < x.length) return x[j];
    if (s.pad_mode === 'constant') return 0;
    if (j < 0) j = -j; // reflect without repeating the edge sample
    else j = 2 * (x.length - 1) - j;
    return x[j];
  };
  const frames = 1 + Math.floor((x.length + 2 * pad - N) / s.hop_length);

  const toMel = (f: number) => {
    if (s.mel_scale === 'htk') return 2595 * Math.log10(1 + f / 700);
    return f < 1000 ? (3 * f) / 200 : 15 + (27 * Math.log(f / 1000)) / Math.log(6.4);
  };
  const fromMel = (m: number) => {
    if (s.mel_scale === 'htk') return 700 * (Math.pow(10, m / 2595) - 1);
    return m < 15 ? (200 * m) / 3 : 1000 * Math.pow(6.4, (m - 15) / 27);
  };
  const m0 = toMel(s.f_min);
  const m1 = toMel(s.f_max);
  const corners = Array.from({ length: s.n_mels + 2 }, (_, i) => fromMel(m0 + ((m1 - m0) * i) / (s.n_mels + 1)));
  const bins = N / 2 + 1;
  const binHz = (k: number) => ((s.sample_rate / 2) * k) / (bins - 1);
  const tri = (f: number, m: number) => {
    const [lo, c, hi] = [corners[m], corners[m + 1], corners[m + 2]];
    let v = 0;
    if (f > lo && f <= c) v = (f - lo) / (c - lo);
    else if (f > c && f < hi) v = (hi - f) / (hi - c);
    return s.norm === 'slaney' ? (v * 2) / (hi - lo) : v;
  };

  const cosT = Float64Array.from({ length: N }, (_, i) => Math.cos((2 * Math.PI * i) / N));
  const sinT = Float64Array.from({ length: N }, (_, i) => Math.sin((2 * Math.PI * i) / N));
  const out: number[][] = [];
  const frame = new Float64Array(N);
  for (let t = 0; t < frames; t++) {
    for (let n = 0; n < N; n++) frame[n] = sample(t * s.hop_length + n) * w[n];
    const spec = new Float64Array(bins);
    for (let k = 0; k < bins; k++) {
      let re = 0;
      let im = 0;
      for (let n = 0, idx = 0; n < N; n++, idx = (idx + k) % N) {
        re += frame[n] * cosT[idx];
        im -= frame[n] * sinT[idx];
      }
      const mag = Math.hypot(re, im);
      spec[k] = s.power === 2 ? mag * mag : mag;
    }
    const row: number[] = [];
    for (let m = 0; m < s.n_mels; m++) {
      let acc = 0;
      for (let k = 0; k < bins; k++) acc += tri(binHz(k), m) * spec[k];
      row.push(s.log.type === 'db' ? (s.power === 2 ? 10 : 20) * Math.log10(Math.max(acc, s.log.amin)) : Math.log(acc + s.log.eps));
    }
    out.push(row);
  }
  if (s.log.type === 'db' && s.log.top_db !== null) {
    const floor = Math.max(...out.flat()) - s.log.top_db;
    for (const row of out) for (let m = 0; m < row.length; m++) row[m] = Math.max(row[m], floor);
  }
  return out;
}

function assertMatchesReference(x: Float32Array, s: FeatureSettings, tolDb: number): void {
  const got = new LogMelExtractor(s).compute(x);
  const want = referenceLogMel(x, s);
  assert.equal(got.frames, want.length);
  assert.equal(got.nMels, s.n_mels);
  let maxErr = 0;
  for (let t = 0; t < got.frames; t++) {
    for (let m = 0; m < s.n_mels; m++) maxErr = Math.max(maxErr, Math.abs(got.data[t * s.n_mels + m] - want[t][m]));
  }
  if (process.env.SHOW_ERR) console.log(`max err ${maxErr}`);
  assert.ok(maxErr <= tolDb, `max |ours − reference| = ${maxErr}`);
}

// 0.5 s at 16 kHz: 1 + floor(8000/256) = 32 frames, enough to cover both reflected edges and the interior.
const HALF_SECOND = 8000;

test('DESED setting, 440 Hz sine: within 0.01 dB of the float64 reference', () => {
  assertMatchesReference(sine(HALF_SECOND, 440, 16000, 0.5), DESED, 0.01);
});

test('DESED setting, seeded noise: within 0.01 dB of the float64 reference', () => {
  assertMatchesReference(seededNoise(HALF_SECOND, 42, 0.3), DESED, 0.01);
});

test('periodic Hann, win_length < n_fft, power 2, slaney scale + norm, ln: within 1e-4 of the reference', () => {
  const s: FeatureSettings = {
    ...DESED, n_fft: 512, win_length: 400, hop_length: 160, window: 'hann', periodic: true, n_mels: 40,
    f_min: 50, f_max: 7600, mel_scale: 'slaney', norm: 'slaney', power: 2, log: { type: 'ln', eps: 1e-6 },
  };
  assertMatchesReference(seededNoise(4000, 7, 0.5), s, 1e-4);
});

test('no centring, constant pad mode, dB with top_db: within 0.01 dB of the reference', () => {
  const s: FeatureSettings = { ...DESED, n_fft: 1024, win_length: 1024, hop_length: 320, center: false, log: { type: 'db', amin: 1e-5, top_db: 60 } };
  assertMatchesReference(sine(6000, 1000, 16000, 0.2), s, 0.01);
  const c: FeatureSettings = { ...DESED, n_fft: 1024, win_length: 1024, hop_length: 320, pad_mode: 'constant' };
  assertMatchesReference(seededNoise(3000, 3, 0.1), c, 0.01);
});

test('440 Hz sine peaks in the band whose centre is nearest 440 Hz', () => {
  const { data, frames, nMels } = new LogMelExtractor(DESED).compute(sine(HALF_SECOND, 440, 16000, 0.5));
  // Centres: corner m+1 of 130 points evenly spaced on the htk mel scale from 0 to mel(8000),
  // c_m = 700·(10^((m+1)·mel(8000)/129/2595) − 1); mel(440) = 548.6 and the step is 2840.0/129 = 22.02,
  // so the nearest is band 24 (centre ≈ 440.9 Hz).
  const melMax = 2595 * Math.log10(1 + 8000 / 700);
  let nearest = 0;
  for (let m = 0; m < nMels; m++) {
    const centre = (k: number) => 700 * (10 ** (((k + 1) * melMax) / 129 / 2595) - 1);
    if (Math.abs(centre(m) - 440) < Math.abs(centre(nearest) - 440)) nearest = m;
  }
  assert.equal(nearest, 24);
  const t = Math.floor(frames / 2);
  let peak = 0;
  for (let m = 1; m < nMels; m++) if (data[t * nMels + m] > data[t * nMels + peak]) peak = m;
  assert.equal(peak, nearest);
});

test('frame count: 1 + floor(n/hop) with centring, 1 + floor((n − n_fft)/hop) without', () => {
  // centred: 1 + floor(160000/256) = 626 (a 10 s DESED clip); 1 + floor(8000/256) = 32
  assert.equal(frameCountFor(160000, 2048, 256, true), 626);
  assert.equal(frameCountFor(8000, 2048, 256, true), 32);
  // not centred: 1 + floor((8000 − 2048)/256) = 1 + 23 = 24; exactly n_fft samples give one frame
  assert.equal(frameCountFor(8000, 2048, 256, false), 24);
  assert.equal(frameCountFor(2048, 2048, 256, false), 1);
  assert.equal(frameCountFor(2047, 2048, 256, false), 0);
  const ex = new LogMelExtractor({ ...DESED, center: false });
  assert.equal(ex.compute(seededNoise(8000, 1, 0.1)).frames, 24);
  assert.equal(new LogMelExtractor(DESED).frameCount(8000), 32);
});

test('too-short input is a ShapeError, not a silent empty result', () => {
  assert.throws(() => new LogMelExtractor({ ...DESED, center: false }).compute(new Float32Array(2047)), ShapeError);
  // reflect padding of 1024 needs more than 1024 samples, as in torch
  assert.throws(() => new LogMelExtractor(DESED).compute(new Float32Array(1024)), ShapeError);
  assert.equal(new LogMelExtractor({ ...DESED, pad_mode: 'constant' }).compute(new Float32Array(1024)).frames, 5);
});

test('ln and dB of silence are ln(eps) and multiplier·log10(amin); of a signal they differ by 10/ln 10', () => {
  const zeros = new Float32Array(4000);
  // silence: every mel energy is exactly 0, so ln(0 + 1e-6) and 20·log10(1e-5) = −100 dB
  const ln = new LogMelExtractor({ ...DESED, log: { type: 'ln', eps: 1e-6 } }).compute(zeros);
  for (const v of ln.data) assert.equal(v, Math.fround(Math.log(1e-6)));
  const db = new LogMelExtractor(DESED).compute(zeros);
  for (const v of db.data) assert.ok(Math.abs(v - -100) < 1e-4, `${v}`);
  // power 2: 10·log10(x) = (10/ln 10)·ln(x) where x ≫ eps and x > amin
  const x = seededNoise(4000, 9, 0.5);
  const p2 = { ...DESED, power: 2 as const };
  const a = new LogMelExtractor({ ...p2, log: { type: 'ln', eps: 1e-12 } }).compute(x);
  const b = new LogMelExtractor({ ...p2, log: { type: 'db', amin: 1e-10, top_db: null } }).compute(x);
  for (let i = 0; i < a.data.length; i++) {
    assert.ok(Math.abs(b.data[i] - (10 / Math.LN10) * a.data[i]) < 1e-3, `element ${i}: ${b.data[i]} vs ${a.data[i]}`);
  }
});

test('top_db clamps to (clip maximum − top_db) and leaves everything above untouched', () => {
  // A quiet-ending sine: the last frames fall far below the loud ones, so some values must be clamped.
  const x = sine(HALF_SECOND, 440, 16000, 0.5);
  for (let i = 4000; i < x.length; i++) x[i] *= 1e-4;
  const free = new LogMelExtractor(DESED).compute(x).data;
  const clamped = new LogMelExtractor({ ...DESED, log: { type: 'db', amin: 1e-5, top_db: 40 } }).compute(x).data;
  let max = -Infinity;
  for (const v of free) max = Math.max(max, v);
  let changed = 0;
  for (let i = 0; i < free.length; i++) {
    const want = Math.max(free[i], max - 40);
    assert.ok(Math.abs(clamped[i] - want) < 1e-4, `element ${i}`);
    if (clamped[i] !== free[i]) changed++;
  }
  assert.ok(changed > 100, `${changed} values clamped`);
});

test('extractor is stateless between calls and batch-consistent with a fresh extractor', () => {
  const ex = new LogMelExtractor(DESED);
  const a = seededNoise(6000, 11, 0.2);
  const first = ex.compute(a).data;
  ex.compute(sine(9000, 3000, 16000, 0.9));
  assert.deepEqual(ex.compute(a).data, first);
  assert.deepEqual(new LogMelExtractor(DESED).compute(a).data, first);
});

test('settings the FFT cannot serve are ConfigErrors naming the key', () => {
  assert.throws(() => new LogMelExtractor({ ...DESED, n_fft: 2000, win_length: 2000 }), (e: unknown) => e instanceof ConfigError && e.keyPath === 'features.n_fft');
  assert.throws(() => new LogMelExtractor({ ...DESED, win_length: 4096 }), (e: unknown) => e instanceof ConfigError && e.keyPath === 'features.win_length');
});
