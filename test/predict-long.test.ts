/**
 * `sed predict` on an hour of audio runs in bounded memory (issue 13 item 1). Regression: predict used to decode the
 * whole file and hold its spectrogram. An hour at 16 kHz is 115 MB of 16-bit WAV and 230 MB of float32 samples; the
 * streamed pipeline holds one window (10 s, 0.6 MB) and the stitched track (45,000 frames × 3 classes × 12 bytes
 * ≈ 1.6 MB). We run `sed predict` in child processes on a 1-minute and a 1-hour file and require the hour's peak RSS
 * to exceed the minute's by less than 60 MB: reading the file whole would add ≥ 115 MB, decoding it ≥ 230 MB more.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../src/audio/wav-encode.ts';
import { makeRandomRun } from './helpers/predict-run.ts';

/** Writes `seconds` of a quiet 440 Hz tone as 16 kHz mono 16-bit WAV, a minute at a time. */
function writeLongWav(path: string, seconds: number): void {
  const rate = 16000;
  const header = encodeWav({ channels: [new Float32Array(0)], sampleRateHz: rate }).slice(0, 44);
  const dataBytes = seconds * rate * 2;
  const view = new DataView(header.buffer);
  view.setUint32(4, 36 + dataBytes, true);
  view.setUint32(40, dataBytes, true);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    const block = new Int16Array(60 * rate);
    for (let minute = 0; minute < seconds / 60; minute++) {
      for (let n = 0; n < block.length; n++) block[n] = Math.round(3000 * Math.sin((2 * Math.PI * 440 * n) / rate));
      writeSync(fd, new Uint8Array(block.buffer));
    }
  } finally {
    closeSync(fd);
  }
}

/** Runs predict in a fresh process; returns its peak RSS in MB and the number of output lines. */
function predictPeakRss(run: string, wav: string): { peakMb: number; stdout: string; seconds: number } {
  const script = `
    const { runPredict } = await import('./src/infer/run-predict.ts');
    const { silentLogger } = await import('./src/util/log.ts');
    const t0 = Date.now();
    const r = await runPredict(${JSON.stringify(run)}, [${JSON.stringify(wav)}], silentLogger, { backend: 'wasm', windowHop: { value: 10, unit: 'seconds' } });
    console.log(JSON.stringify({ peakMb: process.resourceUsage().maxRSS / 1024, windows: r.windows, failed: r.failed.length, seconds: (Date.now() - t0) / 1000 }));
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const line = JSON.parse(child.stdout.trim().split('\n').pop()!);
  assert.equal(line.failed, 0);
  return line;
}

test('an hour-long file is predicted in bounded memory (peak RSS vs a one-minute file)', { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sed-predict-long-'));
  const run = await makeRandomRun(join(dir, 'run'));
  const minute = join(dir, 'minute.wav');
  const hour = join(dir, 'hour.wav');
  writeLongWav(minute, 60);
  writeLongWav(hour, 3600);
  let small, large;
  try {
    small = predictPeakRss(run, minute);
    large = predictPeakRss(run, hour);
  } finally {
    rmSync(dir, { recursive: true, force: true }); // 115 MB of WAV
  }
  const growthMb = large.peakMb - small.peakMb;
  console.log(`peak RSS: 1 min ${small.peakMb.toFixed(0)} MB (${small.seconds} s), 1 h ${large.peakMb.toFixed(0)} MB (${large.seconds} s), growth ${growthMb.toFixed(1)} MB`);
  assert.ok(growthMb < 60, `peak RSS grew by ${growthMb.toFixed(1)} MB from 1 minute to 1 hour of audio`);
});
