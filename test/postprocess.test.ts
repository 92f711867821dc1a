/** Post-processing: thresholds, DESED/scipy median filter, frames → events, and the PSDS threshold sweep. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binarize, thresholdsPerClass } from '../src/postprocess/threshold.ts';
import { medianFilterPerClass, medianWindowFrames } from '../src/postprocess/median-filter.ts';
import { clipTags, eventsFromBinary } from '../src/postprocess/frames-to-events.ts';
import { detectEvents, operatingPoints, psdsThresholds } from '../src/postprocess/sweep.ts';
import { ConfigError } from '../src/errors.ts';
import { frameGrid } from '../src/data/time-grid.ts';

const HOP_64_MS = frameGrid(16000, 1024, 1); // 1024 / 16000 = 0.064 s
const HOP_HALF_SEC = frameGrid(16000, 2000, 4); // 8000 / 16000 = 0.5 s

test('thresholds: global or per class name; unknown, missing and out-of-range entries name the key', () => {
  assert.deepEqual([...thresholdsPerClass(0.5, ['a', 'b'])], [0.5, 0.5]);
  assert.deepEqual([...thresholdsPerClass({ b: 0.3, a: 0.6 }, ['a', 'b'])], [0.6, 0.3]);
  const keyIs = (k: string) => (e: unknown) => e instanceof ConfigError && e.keyPath === k;
  assert.throws(() => thresholdsPerClass({ a: 0.5, c: 0.5 }, ['a', 'b']), keyIs('postprocess.threshold.c'));
  assert.throws(() => thresholdsPerClass({ a: 0.5 }, ['a', 'b']), keyIs('postprocess.threshold.b'));
  assert.throws(() => thresholdsPerClass(1.5, ['a']), keyIs('postprocess.threshold'));
});

test('binarize: p > t compared in float32, as numpy/torch compare a float32 array with a Python float', () => {
  // float32(0.3) = 0.30000001192092896 > 0.3 in doubles, but equal to float32(0.3): not active.
  const prob = new Float32Array([0.3, 0.31, 0.2, 0.9]); // [2 frames, 2 classes]
  assert.deepEqual([...binarize(prob, 2, [0.3, 0.3])], [0, 1, 0, 1]);
});

test('median filter matches scipy.ndimage.median_filter (mode reflect) per class', () => {
  // scipy 1.17.1: median_filter([.9,.1,.8,.2,.3,.7,.6], size=3) = [.9,.8,.2,.3,.3,.6,.6]; size=5 → [.8,.8,.3,.3,.6,.6,.6];
  // median_filter([.9,.1], size=5) = [.1,.9]: the window is longer than the signal, reflect repeats with period 2n.
  const x = [0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.6];
  const two = new Float32Array(x.flatMap((v) => [v, v])); // class 0 window 3, class 1 window 5
  const out = medianFilterPerClass(two, 2, [3, 5]);
  const col = (c: number) => [...out].filter((_, k) => k % 2 === c);
  assert.deepEqual(col(0), [0.9, 0.8, 0.2, 0.3, 0.3, 0.6, 0.6].map(Math.fround));
  assert.deepEqual(col(1), [0.8, 0.8, 0.3, 0.3, 0.6, 0.6, 0.6].map(Math.fround));
  assert.deepEqual([...medianFilterPerClass(new Float32Array([0.9, 0.1]), 1, [5])], [0.1, 0.9].map(Math.fround));
  assert.throws(() => medianFilterPerClass(two, 2, [4, 1]), ConfigError);
});

test('median then threshold = threshold then median (DESED order) for odd windows, on random data', () => {
  let s = 7;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  for (let trial = 0; trial < 20; trial++) {
    const prob = Float32Array.from({ length: 40 * 3 }, rnd);
    const w = [1, 3, 7];
    const t = [0.4, 0.5, 0.6];
    const a = binarize(medianFilterPerClass(prob, 3, w), 3, t);
    const b = medianFilterPerClass(Float32Array.from(binarize(prob, 3, t)), 3, w);
    assert.deepEqual([...a], [...b]);
  }
});

test('window in seconds → nearest odd number of frames', () => {
  // 0.45 s = 7200 samples / 1024 = 7.03 → 7; 0.5 s = 8000 / 1024 = 7.8 → 8 → 9; 0 → 1.
  assert.equal(medianWindowFrames(0.45, HOP_64_MS), 7);
  assert.equal(medianWindowFrames(0.5, HOP_64_MS), 9);
  assert.equal(medianWindowFrames(0, HOP_64_MS), 1);
});

test('frames → events: [start·hop, end·hop), end exclusive, class by class; clipped to the clip', () => {
  // class a active frames 1-2 and 4 (last); class b frame 0. hop 0.5 s.
  const active = new Uint8Array([0, 1, 1, 0, 1, 0, 0, 0, 1, 0]); // [5 frames, 2 classes]
  const events = eventsFromBinary(active, ['a', 'b'], 'x.wav', { grid: HOP_HALF_SEC });
  assert.deepEqual(events, [
    { file: 'x.wav', onsetSec: 0.5, offsetSec: 1.5, label: 'a' },
    { file: 'x.wav', onsetSec: 2, offsetSec: 2.5, label: 'a' },
    { file: 'x.wav', onsetSec: 0, offsetSec: 0.5, label: 'b' },
  ]);
  const clipped = eventsFromBinary(active, ['a', 'b'], 'x.wav', { grid: HOP_HALF_SEC, clipDurationSec: 2.2 });
  assert.equal(clipped[1].offsetSec, 2.2);
  assert.deepEqual(clipTags(new Float32Array([0.7, 0.2]), ['a', 'b'], [0.5, 0.5]), ['a']);
});

test('sweep: one table per threshold, all clips listed; DESED grid np.arange(1/(2n), 1, 1/n)', () => {
  // numpy 2.4.6: np.arange(1/100, 1, 1/50)[:3] = [0.01, 0.03, 0.049999999999999996], last 0.9899999999999999.
  const grid = psdsThresholds(50);
  assert.equal(grid.length, 50);
  assert.deepEqual(grid.slice(0, 3), [0.01, 0.03, 0.049999999999999996]);
  assert.equal(grid[49], 0.9899999999999999);
  const clips = [
    { file: 'p.wav', prob: new Float32Array([0.2, 0.9, 0.6, 0.9, 0.1, 0.1]) }, // [3 frames, 2 classes]
    { file: 'q.wav', prob: new Float32Array([0.1, 0.1]) },
  ];
  const o = { classes: ['a', 'b'], grid: frameGrid(16000, 4000, 4), medianWindowsFrames: [1, 1] }; // 1 s frames
  const ops = operatingPoints(clips, o, [0.15, 0.5, 0.95]);
  assert.deepEqual(ops.map((op) => op.table.files), [['p.wav', 'q.wav'], ['p.wav', 'q.wav'], ['p.wav', 'q.wav']]);
  // 0.15: a frames 0-1 → [0,2); b frames 0-1 → [0,2). 0.5: a frame 1 → [1,2); b [0,2). 0.95: nothing.
  assert.deepEqual(ops.map((op) => op.table.events.map((e) => `${e.label}[${e.onsetSec},${e.offsetSec})`)), [['a[0,2)', 'b[0,2)'], ['a[1,2)', 'b[0,2)'], []]);
  assert.deepEqual(detectEvents(clips, o, [0.5, 0.5]), ops[1].table);
});
