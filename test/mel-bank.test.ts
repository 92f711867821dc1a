import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  hzToMel,
  melCentersHz,
  melFilterBank,
  melToHz,
  sparseMelBank,
  type MelBankSettings,
} from '../src/features/mel-bank.ts';

const close = (got: number, want: number, tol: number, what: string) =>
  assert.ok(Math.abs(got - want) <= tol, `${what}: got ${got}, want ${want} ± ${tol}`);

test('htk mel scale: 2595·log10(1 + f/700) closed forms', () => {
  // f = 700 → 2595·log10(2) = 2595·0.30103 = 781.1728…; f = 6300 → 2595·log10(10) = 2595 exactly (up to rounding)
  close(hzToMel(700, 'htk'), 781.1728, 1e-4, 'mel(700)');
  close(hzToMel(6300, 'htk'), 2595, 1e-9, 'mel(6300)');
  close(hzToMel(0, 'htk'), 0, 0, 'mel(0)');
  close(melToHz(2595, 'htk'), 6300, 1e-9, 'hz(2595)');
});

test('slaney mel scale: 3f/200 below 1 kHz, 15 + 27·log_6.4(f/1000) above', () => {
  // linear part: 500·3/200 = 7.5, 1000·3/200 = 15
  close(hzToMel(500, 'slaney'), 7.5, 1e-12, 'mel(500)');
  close(hzToMel(1000, 'slaney'), 15, 1e-12, 'mel(1000)');
  // log part: 27 mels per factor 6.4 → 6400 Hz is 15 + 27 = 42, 40960 Hz is 15 + 54 = 69
  close(hzToMel(6400, 'slaney'), 42, 1e-9, 'mel(6400)');
  close(hzToMel(40960, 'slaney'), 69, 1e-9, 'mel(40960)');
  close(melToHz(42, 'slaney'), 6400, 1e-9, 'hz(42)');
  close(melToHz(7.5, 'slaney'), 500, 1e-12, 'hz(7.5)');
  // continuous at the 1 kHz knee from both sides
  close(hzToMel(999.999999, 'slaney'), 15, 1e-6, 'mel(1 kHz−)');
});

test('melToHz inverts hzToMel on both scales', () => {
  for (const scale of ['htk', 'slaney'] as const) {
    for (let f = 0; f <= 22050; f += 137.3) close(melToHz(hzToMel(f, scale), scale), f, 1e-9 * (1 + f), `${scale} ${f} Hz`);
  }
});

test('hand-worked bank: sr 8000, n_fft 8, one htk band over 0..4000 Hz', () => {
  const s: MelBankSettings = { sample_rate: 8000, n_fft: 8, n_mels: 1, f_min: 0, f_max: 4000, mel_scale: 'htk', norm: 'none' };
  // Corners 0, c, 4000 with c at half the htk mel of 4000 Hz: 10^(mel/2595) = 1 + f/700, so halving the mel
  // takes a square root: c = 700·(√(1 + 4000/700) − 1) = 700·(√(47/7) − 1) ≈ 1113.84 Hz.
  const c = 700 * (Math.sqrt(47 / 7) - 1);
  close(melCentersHz(s)[0], c, 1e-9, 'centre');
  // Bins at 0, 1000, 2000, 3000, 4000 Hz: rising edge f/c, falling edge (4000 − f)/(4000 − c)
  // ≈ [0, 0.8978, 0.6930, 0.3465, 0]
  const want = [0, 1000 / c, 2000 / (4000 - c), 1000 / (4000 - c), 0];
  const fb = melFilterBank(s);
  assert.equal(fb.length, 5);
  want.forEach((w, k) => close(fb[k], w, 1e-12, `bin ${k}`));
  // slaney norm: times 2/(4000 − 0)
  const fbNorm = melFilterBank({ ...s, norm: 'slaney' });
  want.forEach((w, k) => close(fbNorm[k], (w * 2) / 4000, 1e-15, `normed bin ${k}`));
});

test('htk bank without norm is a partition of unity between the first and last centre', () => {
  const s: MelBankSettings = { sample_rate: 16000, n_fft: 2048, n_mels: 128, f_min: 0, f_max: 8000, mel_scale: 'htk', norm: 'none' };
  const fb = melFilterBank(s);
  const centres = melCentersHz(s);
  const nFreqs = 1025;
  let checked = 0;
  for (let k = 0; k < nFreqs; k++) {
    const f = (8000 * k) / (nFreqs - 1);
    if (f < centres[0] || f > centres[127]) continue;
    let sum = 0;
    for (let m = 0; m < 128; m++) sum += fb[k * 128 + m];
    // adjacent triangles share corners, so rising and falling edges add to 1 everywhere in between
    close(sum, 1, 1e-12, `Σ_m fb at ${f} Hz`);
    checked++;
  }
  assert.ok(checked > 1000, `checked ${checked} bins`);
});

test('slaney-norm triangles have unit area in Hz', () => {
  const s: MelBankSettings = { sample_rate: 16000, n_fft: 4096, n_mels: 40, f_min: 0, f_max: 8000, mel_scale: 'slaney', norm: 'slaney' };
  const fb = melFilterBank(s);
  const dfHz = 16000 / 4096;
  const nFreqs = 2049;
  for (let m = 0; m < 40; m++) {
    let area = 0;
    for (let k = 0; k < nFreqs; k++) area += fb[k * 40 + m] * dfHz;
    // peak 2/(c2 − c0) times base (c2 − c0) / 2 = 1; the Riemann sum on a 3.9 Hz grid of a triangle at least
    // 140 Hz wide is within a fraction of a percent (without norm this would be ~70..600 Hz)
    close(area, 1, 0.01, `band ${m} area`);
  }
});

test('sparse bank holds exactly the nonzero weights of the dense bank', () => {
  const s: MelBankSettings = { sample_rate: 22050, n_fft: 1024, n_mels: 64, f_min: 50, f_max: 11025, mel_scale: 'slaney', norm: 'slaney' };
  const fb = melFilterBank(s);
  const nFreqs = 513;
  const sp = sparseMelBank(fb, nFreqs, 64);
  const rebuilt = new Float64Array(fb.length);
  for (let m = 0; m < 64; m++) {
    for (let i = 0; i < sp.length[m]; i++) rebuilt[(sp.start[m] + i) * 64 + m] = sp.weights[sp.offset[m] + i];
  }
  assert.deepEqual(rebuilt, fb);
  // a triangle spans at most its two neighbours' centres, so the total is about 2·n_freqs, not n_freqs·n_mels
  assert.ok(sp.weights.length < 2 * nFreqs, `${sp.weights.length} stored weights`);
});
