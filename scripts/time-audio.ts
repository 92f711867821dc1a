/**
 * Times WAV decoding and resampling on 10 s clips; prints ms per clip (min and median, since other processes on a
 * shared machine only add time) and the resampler's measured frequency response.
 * Not a test. Run: node --import tsx scripts/time-audio.ts
 */
import { decodeWav } from '../src/audio/wav-decode.ts';
import { encodeWav } from '../src/audio/wav-encode.ts';
import { Resampler } from '../src/audio/resample.ts';

function time(label: string, reps: number, fn: () => void): void {
  for (let i = 0; i < 3; i++) fn(); // JIT warm-up
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} min ${ms[0].toFixed(2)} ms  median ${ms[ms.length >> 1].toFixed(2)} ms per 10 s clip`);
}

function noiseClip(rateHz: number): Float32Array {
  const x = new Float32Array(rateHz * 10);
  let s = 1;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / rateHz) + 0.2 * (s / 2 ** 32 - 0.5);
  }
  return x;
}

const x44 = noiseClip(44100);
const stereo16 = encodeWav({ channels: [x44, x44], sampleRateHz: 44100 }, { format: 'pcm', bitDepth: 16 });
const mono24 = encodeWav({ channels: [x44], sampleRateHz: 44100 }, { format: 'pcm', bitDepth: 24 });
time('decode 44.1 kHz stereo 16-bit', 20, () => decodeWav(stereo16, 'bench.wav'));
time('decode 44.1 kHz mono 24-bit', 20, () => decodeWav(mono24, 'bench.wav'));

for (const [from, to] of [[44100, 16000], [48000, 16000], [22050, 16000], [16000, 44100], [44100, 16001]]) {
  const x = from === 44100 ? x44 : noiseClip(from);
  for (const engine of ['auto', 'js'] as const) {
    const r = new Resampler(from, to, { engine });
    if (engine === 'js' && r.engine === 'js' && new Resampler(from, to).engine === 'js') continue; // same loop twice
    time(`resample ${from} → ${to} (${r.engine}, ${r.tapCount} taps)`, 10, () => r.process(x));
  }
}

// Frequency response of 44.1 → 16 kHz from tones: amplitude of the output (rms · √2) in dB.
const r = new Resampler(44100, 16000);
const line: string[] = [];
for (const f of [1000, 5000, 7000, 7500, 7520, 7900, 8000, 9000, 12000]) {
  const x = new Float32Array(22050);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin((2 * Math.PI * f * i) / 44100);
  const y = r.process(x);
  let sum = 0;
  for (let k = 200; k < 7800; k++) sum += y[k] * y[k];
  line.push(`${f} Hz ${(20 * Math.log10(Math.sqrt(sum / 7600) * Math.SQRT2)).toFixed(2)} dB`);
}
console.log(`44.1 → 16 kHz response: ${line.join(', ')}`);
