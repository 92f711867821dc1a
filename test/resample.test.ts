import { test } from 'node:test';
import assert from 'node:assert/strict';
import { besselI0, getResampler, resample, Resampler, DEFAULT_RESAMPLER_OPTIONS } from '../src/audio/resample.ts';

function tone(fHz: number, rateHz: number, length: number, amplitude = 1): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * fHz * i) / rateHz);
  return x;
}

/** Amplitude of the fHz component of y[from..to) by least squares on cos/sin (no whole-period assumption). */
function toneAmplitude(y: Float32Array, fHz: number, rateHz: number, from: number, to: number): number {
  let cc = 0, ss = 0, cs = 0, yc = 0, ys = 0;
  for (let i = from; i < to; i++) {
    const w = (2 * Math.PI * fHz * i) / rateHz;
    const c = Math.cos(w), s = Math.sin(w);
    cc += c * c; ss += s * s; cs += c * s; yc += y[i] * c; ys += y[i] * s;
  }
  const det = cc * ss - cs * cs;
  return Math.hypot((yc * ss - ys * cs) / det, (ys * cc - yc * cs) / det);
}

function rms(y: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += y[i] * y[i];
  return Math.sqrt(sum / (to - from));
}

const dB = (ratio: number) => 20 * Math.log10(ratio);

/**
 * Float64 reference written from the definition, sharing no code with the resampler: output k sits at input time
 * t = k · from / to; y[k] = Σ_n x[n] h(t - n) / Σ_n h(t - n) over all integers n within the kernel (x = 0 outside),
 * h(τ) = sinc(2 fc τ) · I0(β √(1 - (τ/R)²)), fc = cutoff · min(from, to) / (2 from), R = zeroCrossings / (2 fc).
 */
function referenceResample(x: Float32Array, fromHz: number, toHz: number): Float64Array {
  const { cutoff, zeroCrossings, kaiserBeta } = DEFAULT_RESAMPLER_OPTIONS;
  const i0 = (v: number) => {
    let sum = 0, term = 1;
    for (let k = 0; k < 100; k++) {
      if (k > 0) term *= (v / 2 / k) ** 2;
      sum += term;
    }
    return sum;
  };
  const fc = (cutoff * Math.min(fromHz, toHz)) / (2 * fromHz);
  const R = zeroCrossings / (2 * fc);
  const h = (tau: number) => {
    if (Math.abs(tau) >= R) return 0;
    const a = 2 * fc * tau;
    return (a === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a)) * i0(kaiserBeta * Math.sqrt(1 - (tau / R) ** 2));
  };
  const outLength = Math.ceil((x.length * toHz) / fromHz);
  const y = new Float64Array(outLength);
  for (let k = 0; k < outLength; k++) {
    const whole = Math.floor((k * fromHz) / toHz);
    const t = whole + ((k * fromHz) % toHz) / toHz;
    let acc = 0, norm = 0;
    for (let n = Math.ceil(t - R); n <= Math.floor(t + R); n++) {
      const w = h(t - n);
      norm += w;
      if (n >= 0 && n < x.length) acc += x[n] * w;
    }
    y[k] = acc / norm;
  }
  return y;
}

function noise(length: number, seed: number): Float32Array {
  let s = seed;
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 32 - 0.5;
  }
  return x;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

test('besselI0 matches tabulated values', () => {
  // scipy.special.i0 (Abramowitz & Stegun table 9.8): I0(1) = 1.2660658777520082, I0(5) = 27.239871823604442.
  assert.equal(besselI0(0), 1);
  assert.ok(Math.abs(besselI0(1) - 1.2660658777520082) < 1e-15);
  assert.ok(Math.abs(besselI0(5) / 27.239871823604442 - 1) < 1e-14);
});

test('matches a float64 reference from the definition, edges included, with both loops', () => {
  for (const [from, to] of [[44100, 16000], [16000, 44100], [48000, 16000], [16000, 22050]]) {
    const x = noise(700, from);
    const want = referenceResample(x, from, to);
    for (const engine of ['auto', 'js'] as const) {
      // Float32 table and float32 (wasm) sums over ≤ 256 taps of |x| ≤ 0.5: errors ~1e-7; 2e-6 leaves a margin.
      const d = maxAbsDiff(new Resampler(from, to, { engine }).process(x), want);
      assert.ok(d < 2e-6, `${from}→${to} ${engine}: ${d}`);
    }
  }
});

test('the interpolated-table path (gcd-reduced up > 4096: 44100 → 16001) matches the reference', () => {
  const r = new Resampler(44100, 16001);
  assert.equal(r.exactPhases, false);
  const x = noise(700, 7);
  // 512 rows with linear interpolation: kernel error ~4e-6 relative (see resample.ts), so 2e-5 absolute here.
  const d = maxAbsDiff(r.process(x), referenceResample(x, 44100, 16001));
  assert.ok(d < 2e-5, `${d}`);
});

test('440 Hz sine at 44.1 kHz → 16 kHz equals the analytic sine at 16 kHz (away from the edges)', () => {
  const y = resample(tone(440, 44100, 44100), 44100, 16000);
  assert.equal(y.length, 16000);
  // The kernel reaches ~118 input samples (~43 output samples) past each edge; skip 100.
  const want = tone(440, 16000, 16000);
  let d = 0;
  for (let k = 100; k < 15900; k++) d = Math.max(d, Math.abs(y[k] - want[k]));
  assert.ok(d < 1e-3, `${d}`);
});

test('passband: tones up to 7 kHz keep amplitude 1 within 1e-3; the -6 dB point sits at cutoff · 8 kHz', () => {
  for (const f of [100, 1000, 3000, 5000, 7000]) {
    const y = resample(tone(f, 44100, 22050), 44100, 16000);
    const a = toneAmplitude(y, f, 16000, 200, 7800);
    assert.ok(Math.abs(a - 1) < 1e-3, `${f} Hz: ${a}`);
  }
  // A windowed-sinc low-pass's response at its cutoff is 1/2 (the window's spectrum is split evenly there).
  const fc = DEFAULT_RESAMPLER_OPTIONS.cutoff * 8000;
  const a = toneAmplitude(resample(tone(fc, 44100, 22050), 44100, 16000), fc, 16000, 200, 7800);
  assert.ok(Math.abs(a - 0.5) < 0.01, `${a}`);
});

test('stopband: 8-20 kHz tones at 44.1 kHz leave < -70 dB of anything (no aliasing below 8 kHz)', () => {
  for (const f of [8000, 8300, 9000, 10000, 11000, 12000, 15000, 20000]) {
    const y = resample(tone(f, 44100, 22050), 44100, 16000);
    // A unit sine has rms 1/√2; whatever came through (aliased to 16 kHz - f) is compared against that.
    const level = dB(rms(y, 200, 7800) * Math.SQRT2);
    assert.ok(level < -70, `${f} Hz: ${level.toFixed(1)} dB`);
  }
});

test('upsampling 16 kHz → 44.1 kHz: the sine is exact, passband intact, no image above 8 kHz', () => {
  const y = resample(tone(440, 16000, 16000), 16000, 44100);
  assert.equal(y.length, 44100);
  const want = tone(440, 44100, 44100);
  let d = 0;
  for (let k = 300; k < 43800; k++) d = Math.max(d, Math.abs(y[k] - want[k]));
  assert.ok(d < 1e-3, `${d}`);
  const y5k = resample(tone(5000, 16000, 8000), 16000, 44100);
  assert.ok(Math.abs(toneAmplitude(y5k, 5000, 44100, 300, 21700) - 1) < 1e-3);
  // Zero-stuffing 5 kHz at 16 kHz images it to 16 - 5 = 11 kHz; the low-pass must remove that image.
  const image = dB(toneAmplitude(y5k, 11000, 44100, 300, 21700));
  assert.ok(image < -70, `image ${image.toFixed(1)} dB`);
});

test('DC gain is 1 (each polyphase row sums to 1) in both directions', () => {
  for (const [from, to] of [[44100, 16000], [16000, 44100], [32000, 16000]]) {
    const y = resample(new Float32Array(from).fill(0.3), from, to);
    let d = 0;
    for (let k = 200; k < y.length - 200; k++) d = Math.max(d, Math.abs(y[k] - 0.3));
    assert.ok(d < 1e-6, `${from}→${to}: ${d}`);
  }
});

test('output length is ceil(n · to / from) (torchaudio convention)', () => {
  for (const [from, to] of [[44100, 16000], [16000, 44100], [48000, 16000], [22050, 16000], [8000, 16000], [44100, 16001]]) {
    const r = getResampler(from, to);
    for (const n of [0, 1, 2, 440, 441, 442, 44099, 441000]) {
      // Integer ceil in BigInt, independent of the resampler's gcd reduction.
      const want = Number((BigInt(n) * BigInt(to) + BigInt(from) - 1n) / BigInt(from));
      assert.equal(r.outputLength(n), want, `${from}→${to}, n=${n}`);
      if (n <= 44100) assert.equal(r.process(new Float32Array(n)).length, want);
    }
  }
});

test('identity when rates match: the same array comes back', () => {
  const x = noise(1000, 3);
  assert.equal(resample(x, 16000, 16000), x);
});

test('instances are cached per rate pair and options; gcd reduction', () => {
  const r = getResampler(44100, 16000);
  assert.equal(getResampler(44100, 16000), r);
  assert.notEqual(getResampler(44100, 16000, { zeroCrossings: 16 }), r);
  assert.equal(getResampler(16000, 44100) === r, false);
  // 44100 / 16000 = 441 / 160 after dividing by gcd 100.
  assert.equal(r.up, 160);
  assert.equal(r.down, 441);
});

test('rates must be positive integers; the value is in the message', () => {
  assert.throws(() => new Resampler(44100.5, 16000), /fromHz must be a positive integer number of Hz \(44100\.5 given\)/);
  assert.throws(() => new Resampler(44100, 0), /toHz .* \(0 given\)/);
  assert.throws(() => new Resampler(44100, 16000, { cutoff: 1.2 }), /cutoff must be in \(0, 1\] \(1\.2 given\)/);
});
