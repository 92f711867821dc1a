/**
 * Where `sed features` spends its time per clip at the DESED setting (10 s 44.1 kHz 16-bit stereo WAV → 16 kHz mono →
 * n_fft 2048, hop 256, 128 mels, dB): each stage of the per-clip path timed on its own over the same clips, summed,
 * plus the process start-up (node + tsx + our modules) and a worker's start-up. Not a test; numbers to steer by.
 *
 *   node --import tsx scripts/profile-features.ts [--clips 30]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { decodeWavMono } from '../src/audio/wav-decode.ts';
import { getResampler } from '../src/audio/resample.ts';
import { DESED_FEATURES, synthClipWav } from '../src/bench/features-bench.ts';
import { LogMelExtractor } from '../src/features/log-mel.ts';
import { encodeNpy } from '../src/io/npy.ts';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { createWorkerPool } from '../src/util/worker-pool.ts';

const { values } = parseArgs({ options: { clips: { type: 'string', default: '30' } } });
const clips = Number(values.clips);
const dir = mkdtempSync(join(tmpdir(), 'sed-profile-features-'));
const settings = DESED_FEATURES;
const files = Array.from({ length: clips }, (_, i) => {
  const f = join(dir, `clip${i}.wav`);
  writeFileSync(f, synthClipWav(i));
  return f;
});

const totals = new Map<string, number>();
async function stage<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  const t0 = performance.now();
  const r = await fn();
  totals.set(name, (totals.get(name) ?? 0) + performance.now() - t0);
  return r;
}

const extractor = new LogMelExtractor(settings);
const resampler = getResampler(44100, settings.sample_rate);
async function oneClip(i: number) {
  const buf = await stage('read file', () => readFileSync(files[i]!));
  const { samples: mono } = await stage('decode + downmix', () => decodeWavMono(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), files[i]!));
  const samples = await stage('resample', () => resampler.process(mono));
  const { data, frames } = await stage('log-mel', () => extractor.compute(samples));
  await stage('stats sums', () => {
    const sum = new Float64Array(128);
    const sumsq = new Float64Array(128);
    for (let t = 0; t < frames; t++) for (let m = 0; m < 128; m++) { const x = data[t * 128 + m]!; sum[m] += x; sumsq[m] += x * x; }
    return Array.from(sum).concat(Array.from(sumsq));
  });
  const npy = await stage('npy encode', () => encodeNpy(data, [frames, 128]));
  await stage('write + fsync + rename', () => writeFileAtomic(join(dir, `out${i}.npy`), npy));
  await stage('journal append', () => appendFile(join(dir, 'journal.jsonl'), `${JSON.stringify({ name: `clip${i}`, sum: Array.from({ length: 128 }, () => Math.random()), sumsq: Array.from({ length: 128 }, () => Math.random()) })}\n`));
}

for (let i = 0; i < Math.min(3, clips); i++) await oneClip(i); // warm-up (JIT, caches)
totals.clear();
const t0 = performance.now();
for (let i = 0; i < clips; i++) await oneClip(i);
const wall = performance.now() - t0;

console.log(`per clip, ${clips} clips after 3 warm-up (ms):`);
for (const [k, v] of totals) console.log(`  ${k.padEnd(26)} ${(v / clips).toFixed(2).padStart(7)}`);
console.log(`  ${'sum of stages'.padEnd(26)} ${(wall / clips).toFixed(2).padStart(7)}`);

const tw = performance.now();
const pool = createWorkerPool<{ audioPath: string; npyPath: string }, unknown>(new URL('../src/features/feature-worker.ts', import.meta.url), 1, settings);
await pool.run({ audioPath: files[0]!, npyPath: join(dir, 'w.npy') });
console.log(`worker start-up + first clip: ${(performance.now() - tw).toFixed(0)} ms`);
await pool.close();

const tp = performance.now();
execFileSync(process.execPath, [new URL('../bin/sed.js', import.meta.url).pathname, '--help'], { stdio: 'ignore' });
console.log(`process start-up (node bin/sed.js --help): ${(performance.now() - tp).toFixed(0)} ms`);
rmSync(dir, { recursive: true, force: true });
