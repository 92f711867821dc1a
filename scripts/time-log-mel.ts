/**
 * Times LogMelExtractor on a 10 s clip at the DESED setting (16 kHz, n_fft 2048, hop 256, 128 mels).
 * Not a test: prints ms per clip. Run: node --import tsx scripts/time-log-mel.ts [--meyda]
 * --meyda also times meyda's own windowing + FFT (amplitude spectrum only) for the same frames, for comparison.
 */
import { createRequire } from 'node:module';
import type { FeatureSettings } from '../src/config/types.ts';
import { LogMelExtractor } from '../src/features/log-mel.ts';

const settings: FeatureSettings = {
  sample_rate: 16000, n_fft: 2048, win_length: 2048, hop_length: 256, window: 'hamming', periodic: false,
  n_mels: 128, f_min: 0, f_max: 8000, mel_scale: 'htk', norm: 'none', power: 1,
  log: { type: 'db', amin: 1e-5, top_db: null }, center: true, pad_mode: 'reflect', clip_seconds: 10,
};
const n = 160000;
const x = new Float32Array(n);
let seed = 1;
for (let i = 0; i < n; i++) {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  x[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / 16000) + 0.1 * (seed / 2 ** 32 - 0.5);
}

/** Per-call times; prints the minimum and the median, since other processes on a shared machine only add time. */
function time(label: string, reps: number, fn: () => void): void {
  for (let i = 0; i < 5; i++) fn(); // warm-up for the JIT
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label}: min ${ms[0].toFixed(2)} ms, median ${ms[Math.floor(reps / 2)].toFixed(2)} ms per 10 s clip`);
}

const ex = new LogMelExtractor(settings);
time(`LogMelExtractor (${ex.frameCount(n)} frames)`, 100, () => ex.compute(x));

if (process.argv.includes('--meyda')) {
  const require = createRequire(import.meta.url);
  const Meyda = require('meyda');
  Meyda.bufferSize = 2048;
  Meyda.sampleRate = 16000;
  Meyda.windowingFunction = 'hamming';
  const frames = ex.frameCount(n);
  const buf = new Float32Array(2048);
  time(`meyda.extract('amplitudeSpectrum') (${frames} frames, no mel/log)`, 3, () => {
    for (let t = 0; t < frames; t++) {
      const off = Math.min(t * 256, n - 2048);
      buf.set(x.subarray(off, off + 2048));
      Meyda.extract('amplitudeSpectrum', buf);
    }
  });
}
