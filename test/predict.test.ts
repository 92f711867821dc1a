/**
 * `sed predict` on recordings of any length (issue 13 item 1) and its output (issue 14 item 8). Regressions: a 35 s
 * recording used to be scored on its first 10 s only; a 3 s file got events running to 10.00 s; an empty data chunk
 * gave an event over 0–10 s; all exited 0; two x.wav in different folders were both printed as x.wav.
 */
import { frameGrid } from '../src/data/time-grid.ts';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { main } from '../src/cli/main.ts';
import { loadConfig } from '../src/config/load.ts';
import { LogMelExtractor } from '../src/features/log-mel.ts';
import { decodeNpy } from '../src/io/npy.ts';
import { probabilitiesPath, runPredict, scoreWavFile } from '../src/infer/run-predict.ts';
import { eventsFromTrack } from '../src/infer/track-events.ts';
import { windowGeometry, type WindowGeometry } from '../src/infer/windowing.ts';
import { loadModel } from '../src/model/model-io.ts';
import { selectBackend } from '../src/backend/select.ts';
import { silentLogger } from '../src/util/log.ts';
import { makeRandomRun, RUN_CLASSES, toneInSilence, writeWav } from './helpers/predict-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'sed-predict-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const FEATURES = { sample_rate: 16000, hop_length: 320, n_fft: 1024, center: true, clip_seconds: 10 };

/**
 * A stand-in for the model that needs no training: class 0's probability in output frame k is the tone's energy in
 * that frame over a full frame's energy (a 0.5-amplitude sine has mean square 0.125), i.e. the fraction of the frame
 * the tone covers.
 */
function energyScorer(g: WindowGeometry) {
  return async (w: Float32Array) =>
    Float32Array.from({ length: g.framesPerWindow }, (_, k) => {
      let sum = 0;
      for (let n = k * g.frameSamples; n < (k + 1) * g.frameSamples; n++) sum += w[n] * w[n];
      return Math.min(1, sum / g.frameSamples / 0.125);
    });
}

const post = { classes: ['tone'], grid: frameGrid(16000, 1280), medianWindowsFrames: [1] }; // 0.08 s frames

test('an event at 25–26 s in a 35 s file (44.1 kHz, streamed and resampled) is found at 25–26 s', async () => {
  const g = windowGeometry(FEATURES, 4);
  const file = writeWav(join(dir, 'tone-35s.wav'), toneInSilence(35, 44100, 25, 26), 44100);
  const track = await scoreWavFile(file, g, 1, energyScorer(g));
  assert.equal(track.totalSamples, 560000); // 35 s · 16000
  assert.equal(track.frames, 438);
  const events = eventsFromTrack(track, file, g, post, [0.5]);
  assert.equal(events.length, 1, JSON.stringify(events));
  // 25 s is frame 312.5: frame 312 is half covered (p ≈ 0.5), so the onset is 24.96 or 25.04; 26 s = frame 325 exactly.
  assert.ok(Math.abs(events[0].onsetSec - 25) <= 0.04 + 1e-9, `onset ${events[0].onsetSec}`);
  assert.ok(Math.abs(events[0].offsetSec - 26) <= 0.08 + 1e-9, `offset ${events[0].offsetSec}`);
  assert.equal(events[0].file, file);
});

test("a 3 s file's events end by 3 s, at the file's end exactly when the sound runs to it", async () => {
  const g = windowGeometry(FEATURES, 4);
  const file = writeWav(join(dir, 'tone-3s.wav'), toneInSilence(3, 16000, 2.5, 3), 16000);
  const track = await scoreWavFile(file, g, 1, energyScorer(g));
  assert.equal(track.frames, 38); // ceil(48000 / 1280) = 37.5 → 38, the last frame half inside the file
  const events = eventsFromTrack(track, file, g, post, [0.25]);
  assert.deepEqual(
    events.map((e) => [e.onsetSec, e.offsetSec]),
    [[2.48, 3]], // frame 31 (2.48 s) is 3/4 covered, the event would run to frame 38 = 3.04 s, cut at 3 s
  );
});

test('runPredict with a real CRNN: whole-file events at threshold 0 end at the file end; stitched probabilities equal hand-cut windows averaged', async () => {
  const run = await makeRandomRun(join(dir, 'run'));
  const long = writeWav(join(dir, 'noise-35s.wav'), noise(35 * 16000, 5), 16000);
  const short = writeWav(join(dir, 'noise-3s.wav'), noise(3 * 16000, 6), 16000);
  const probDir = join(dir, 'prob');
  // threshold 0: every frame of every class is active (sigmoid > 0), so each class is one event over the whole file.
  const overrides = [{ keyPath: 'postprocess.threshold', value: 0, source: '--threshold' }];
  const result = await runPredict(run, [long, short], silentLogger, { overrides, probabilitiesDir: probDir, backend: 'wasm' });
  assert.deepEqual(result.failed, []);
  const span = (f: string) => result.events.filter((e) => e.file === f).map((e) => [e.label, e.onsetSec, e.offsetSec]);
  assert.deepEqual(span(long), RUN_CLASSES.map((c) => [c, 0, 35]));
  assert.deepEqual(span(short), RUN_CLASSES.map((c) => [c, 0, 3]));
  assert.equal(result.windows, 7 + 1);

  // Reference: cut the 7 windows by hand (starts 0, 62, …, 310, 313 frames of 1280 samples), zero-pad, log-mel,
  // normalise, predict one by one, and average in float64.
  const config = loadConfig(join(run, 'config.yaml'));
  const stats = JSON.parse(readFileSync(join(run, 'feature_stats.json'), 'utf8'));
  const extractor = new LogMelExtractor(config.features);
  await selectBackend('wasm');
  const model = await loadModel(join(run, 'best'));
  const signal = noise(35 * 16000, 5);
  const C = RUN_CLASSES.length;
  const sum = new Float64Array(438 * C);
  const count = new Float64Array(438);
  for (const start of [0, 62, 124, 186, 248, 310, 313]) {
    const w = new Float32Array(160000);
    w.set(signal.subarray(start * 1280, start * 1280 + 160000));
    const { data } = extractor.compute(quantised(w));
    const x = new Float32Array(500 * 64);
    for (let i = 0; i < x.length; i++) x[i] = (data[i] - stats.mean[i % 64]) / stats.std[i % 64];
    const p = tf.tidy(() => (model.predict(tf.tensor3d(x, [1, 500, 64])) as tf.Tensor[])[0].dataSync());
    for (let k = 0; k < 125 && start + k < 438; k++) {
      count[start + k]++;
      for (let c = 0; c < C; c++) sum[(start + k) * C + c] += p[k * C + c];
    }
  }
  model.dispose();
  // (a plain Uint8Array: decodeNpy's bytes.slice() is a view, not a copy, on a Node Buffer)
  const npy = decodeNpy(new Uint8Array(readFileSync(probabilitiesPath(probDir, long))), 'prob');
  assert.deepEqual(npy.shape, [438, C]);
  let worst = 0;
  for (let i = 0; i < sum.length; i++) worst = Math.max(worst, Math.abs(npy.data[i] - sum[i] / count[Math.floor(i / C)]));
  assert.ok(worst < 1e-5, `largest difference ${worst}`); // float32 normalisation (·1/std vs /std) and sums
});

test('sed predict CLI: paths as given, JSON fields as the TSV columns, a too-short file and an empty data chunk fail alone (exit 1)', async () => {
  const run = await makeRandomRun(join(dir, 'run-cli'));
  mkdirSync(join(dir, 'a'), { recursive: true });
  mkdirSync(join(dir, 'b'), { recursive: true });
  const a = writeWav(join(dir, 'a', 'x.wav'), noise(16000 * 4, 7), 16000);
  const b = writeWav(join(dir, 'b', 'x.wav'), noise(16000 * 2, 8), 16000);
  const tiny = writeWav(join(dir, 'tiny.wav'), noise(1000, 9), 16000); // < 1280 samples: no output frame
  const empty = writeWav(join(dir, 'empty.wav'), new Float32Array(0), 16000);
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t) };
  const code = await main(['node', 'sed', '-q', 'predict', '--run', run, '--threshold', '0', '--backend', 'wasm', '--json', a, tiny, empty, b], io);
  assert.equal(code, 1, err);
  const rows = JSON.parse(out) as Record<string, unknown>[];
  assert.deepEqual(Object.keys(rows[0]), ['filename', 'onset', 'offset', 'event_label']);
  assert.deepEqual(
    rows.map((r) => [r.filename, r.offset]),
    [...RUN_CLASSES.map(() => [a, 4]), ...RUN_CLASSES.map(() => [b, 2])],
  );
  assert.match(err, new RegExp(`${tiny}: too short: 1000 samples`));
  assert.match(err, new RegExp(`${empty}: empty data chunk`));

  out = '';
  const tsvCode = await main(['node', 'sed', '-q', 'predict', '--run', run, '--backend', 'wasm', '--threshold', '0', a], io);
  assert.equal(tsvCode, 0);
  assert.equal(out.split('\n')[0], 'filename\tonset\toffset\tevent_label');
  assert.equal(out.split('\n')[1], `${a}\t0\t4\talarm`);

  const usage = await main(['node', 'sed', 'predict', '--run', run, '--window-hop', '11s', a], io);
  assert.equal(usage, 2);
  assert.match(err, /--window-hop: must be between one output frame \(0\.08 s\) and one window \(10 s\); 11 s given/);
});

test('--probabilities: paths as given map to distinct .npy files', () => {
  assert.equal(probabilitiesPath('p', 'a/x.wav'), join('p', 'a/x.npy'));
  assert.equal(probabilitiesPath('p', '/abs/b/x.WAV'), join('p', 'abs/b/x.npy'));
  assert.equal(probabilitiesPath('p', '../up/x.wav'), join('p', '__/up/x.npy'));
});

/** Seeded noise, quantised to 16 bits so it reads back from the WAV exactly. */
function noise(n: number, seed: number): Float32Array {
  let s = seed;
  return quantised(
    Float32Array.from({ length: n }, () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return (s / 2147483648 - 0.5) * 0.2;
    }),
  );
}

function quantised(x: Float32Array): Float32Array {
  return x.map((v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768))) / 32768);
}
