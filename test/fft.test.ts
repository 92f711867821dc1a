import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPowerOfTwo, RealFft } from '../src/features/fft.ts';

/** Deterministic uniform numbers in [-1, 1) (LCG), so failures reproduce. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32) * 2 - 1;
  };
}

/** Reference: the DFT by its definition, X[k] = Σ x[n]·e^{−2πikn/N}, float64, O(N²). */
function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      // reduce k·t mod N first so the angle stays small and exact
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      sr += x[t] * Math.cos(a);
      si += x[t] * Math.sin(a);
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

test('RealFft equals the naive DFT on random input for N = 2..4096 (both odd and even log2(N/2))', () => {
  for (let bits = 1; bits <= 12; bits++) {
    const n = 2 ** bits;
    const rand = seeded(bits);
    const x = Float64Array.from({ length: n }, rand);
    const fft = new RealFft(n);
    const re = new Float64Array(fft.bins);
    const im = new Float64Array(fft.bins);
    fft.forward(x, re, im);
    const ref = naiveDft(x);
    let maxErr = 0;
    for (let k = 0; k <= n / 2; k++) maxErr = Math.max(maxErr, Math.abs(re[k] - ref.re[k]), Math.abs(im[k] - ref.im[k]));
    // |X[k]| is O(√N) for unit-variance input; float64 rounding in either method stays far below 1e-9·N.
    assert.ok(maxErr < 1e-9 * n, `N=${n}: max abs error ${maxErr}`);
  }
});

test('forwardPower equals |naive DFT|² and applies offset and window like forward', () => {
  for (const n of [2, 4, 8, 64, 512, 2048]) {
    const rand = seeded(100 + n);
    const signal = Float64Array.from({ length: n + 7 }, rand);
    const window = Float64Array.from({ length: n }, rand);
    // reference input: samples 7.. of the signal times the window, transformed by the definition
    const x = Float64Array.from({ length: n }, (_, i) => signal[7 + i] * window[i]);
    const ref = naiveDft(x);
    const fft = new RealFft(n);
    const power = new Float64Array(fft.bins);
    fft.forwardPower(signal, power, 7, window);
    const re = new Float64Array(fft.bins);
    const im = new Float64Array(fft.bins);
    fft.forward(signal, re, im, 7, window);
    for (let k = 0; k <= n / 2; k++) {
      const want = ref.re[k] ** 2 + ref.im[k] ** 2;
      assert.ok(Math.abs(power[k] - want) < 1e-9 * n * (1 + want), `N=${n} power[${k}] = ${power[k]}, want ${want}`);
      assert.ok(Math.abs(re[k] - ref.re[k]) < 1e-9 * n && Math.abs(im[k] - ref.im[k]) < 1e-9 * n, `N=${n} bin ${k}`);
    }
  }
});

test('RealFft of a cosine at bin 5 is N/2 at bins 5 only (closed form)', () => {
  const n = 64;
  const x = Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * 5 * t) / n));
  const fft = new RealFft(n);
  const re = new Float64Array(fft.bins);
  const im = new Float64Array(fft.bins);
  fft.forward(x, re, im);
  for (let k = 0; k <= n / 2; k++) {
    // cos(2π·5t/N) = (e^{i·} + e^{−i·})/2 → X[5] = N/2, every other onesided bin 0
    assert.ok(Math.abs(re[k] - (k === 5 ? n / 2 : 0)) < 1e-12, `re[${k}] = ${re[k]}`);
    assert.ok(Math.abs(im[k]) < 1e-12, `im[${k}] = ${im[k]}`);
  }
});

test('RealFft reads Float32Array input and does not depend on leftover state between calls', () => {
  const n = 256;
  const rand = seeded(7);
  const a = Float32Array.from({ length: n }, rand);
  const b = Float32Array.from({ length: n }, rand);
  const fft = new RealFft(n);
  const re1 = new Float64Array(fft.bins);
  const im1 = new Float64Array(fft.bins);
  fft.forward(b, re1, im1);
  const re2 = new Float64Array(fft.bins);
  const im2 = new Float64Array(fft.bins);
  fft.forward(a, re2, im2);
  fft.forward(b, re2, im2);
  assert.deepEqual(re2, re1);
  assert.deepEqual(im2, im1);
});

test('RealFft rejects sizes that are not powers of two', () => {
  assert.equal(isPowerOfTwo(2048), true);
  assert.equal(isPowerOfTwo(2000), false);
  assert.throws(() => new RealFft(1000), /power of two/);
  assert.throws(() => new RealFft(1), /power of two/);
});
