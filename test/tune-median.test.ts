/** Class-wise median windows chosen on held-out clips (postprocess/tune-median.ts), on hand-worked clips. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseMedianWindows } from '../src/postprocess/tune-median.ts';
import { medianCandidateFrames } from '../src/postprocess/from-config.ts';
import { resolveConfig } from '../src/config/load.ts';
import { frameGrid } from '../src/data/time-grid.ts';
import { ConfigError } from '../src/errors.ts';
import type { EventTable } from '../src/data/events.ts';
import type { ClipRef } from '../src/data/feature-source.ts';
import { validationMetrics } from '../src/train/validate.ts';

const grid = frameGrid(16000, 1600); // 0.1 s frames
const classes = ['click', 'engine', 'absent'];
const scoring = { tCollarSec: 0.2, percentageOfLength: 0.2 };

/**
 * One 2 s clip (20 frames). click: one active frame (5) = its reference [0.5, 0.6); any window ≥ 3 erases it.
 * engine: frames 2–17 active = its reference [0.2, 1.8) but for a one-frame dip at frame 9; window 1 splits it into
 * [0.2, 0.9) (offset 0.9 s off by more than max(0.2, 0.2·1.6 s)) and [1.0, 1.8) (onset 0.8 s late): F1 0; windows 3
 * and 5 close the dip (scipy 'reflect' edges keep frames 2 and 17): F1 1. absent: never active, no reference.
 */
function clip() {
  const prob = new Float32Array(20 * 3).fill(0.1);
  prob[5 * 3 + 0] = 0.9;
  for (let t = 2; t <= 17; t++) if (t !== 9) prob[t * 3 + 1] = 0.9;
  const reference: EventTable = {
    files: ['a.wav'],
    events: [
      { file: 'a.wav', onsetSec: 0.5, offsetSec: 0.6, label: 'click' },
      { file: 'a.wav', onsetSec: 0.2, offsetSec: 1.8, label: 'engine' },
    ],
  };
  return { clips: [{ file: 'a.wav', prob, clipDurationSec: 2 }], reference };
}

test('per class, the window with the best event F1 on the held-out clips; ties keep the default, else the smallest', () => {
  const { clips, reference } = clip();
  const o = { classes, grid };
  const withDefault5 = chooseMedianWindows(clips, reference, o, [0.5, 0.5, 0.5], [1, 3, 5], 5, scoring);
  assert.deepEqual(withDefault5.f1.click, [1, 0, 0]);
  assert.deepEqual(withDefault5.f1.engine, [0, 1, 1]);
  assert.deepEqual(withDefault5.f1.absent, [null, null, null]);
  assert.deepEqual(withDefault5.windowsFrames, [1, 5, 5]);
  const withDefault1 = chooseMedianWindows(clips, reference, o, [0.5, 0.5, 0.5], [1, 3, 5], 1, scoring);
  assert.deepEqual(withDefault1.windowsFrames, [1, 3, 1]);
  // a default outside the candidates: the smallest of the tied ones
  assert.deepEqual(chooseMedianWindows(clips, reference, o, [0.5, 0.5, 0.5], [3, 5], 7, scoring).windowsFrames, [3, 3, 3]);
});

test('candidates must be odd whole frames, at least one', () => {
  const { clips, reference } = clip();
  assert.throws(() => chooseMedianWindows(clips, reference, { classes, grid }, [0.5, 0.5, 0.5], [], 5, scoring), (e: unknown) => e instanceof ConfigError && /median_candidates/.test(e.message));
  assert.throws(() => chooseMedianWindows(clips, reference, { classes, grid }, [0.5, 0.5, 0.5], [1, 4], 5, scoring), /odd whole number.*4 given/);
});

test('postprocess.median_candidates in frames (made odd) or seconds (nearest odd frame count), deduplicated', () => {
  const frames = resolveConfig({ postprocess: { median_candidates: [1, 4, 5, 3] } }).postprocess;
  assert.deepEqual(medianCandidateFrames(frames, grid), [1, 3, 5]);
  const seconds = resolveConfig({ postprocess: { median_unit: 'seconds', median_candidates: [0.1, 0.3, 0.45] } }).postprocess;
  assert.deepEqual(medianCandidateFrames(seconds, grid), [1, 3, 5]); // 0.45 s ≈ 4.5 frames → 4 or 5 → odd: 5
  assert.deepEqual(medianCandidateFrames(resolveConfig({}).postprocess, grid), []);
});

test('validation: event_f1_macro_tuned scores each class at its best candidate window; without candidates it is event_f1_macro', () => {
  const { clips } = clip(); // frame probabilities [20, 3]: keep the click and engine columns
  const prob = Float32Array.from({ length: 40 }, (_, k) => clips[0].prob[Math.floor(k / 2) * 3 + (k % 2)]);
  const ref: ClipRef = {
    subset: 'validation',
    clip: { name: 'a.wav', npy: 'a.npy', frames: 20, duration_sec: 2, source: 'a.wav', weak_labels: null, events: [{ onset: 0.5, offset: 0.6, label: 'click' }, { onset: 0.2, offset: 1.8, label: 'engine' }] },
    hasWeak: true,
    hasStrong: true,
  };
  const pred = { clips: [ref], frameProb: [prob], clipProb: [Float32Array.from([0.9, 0.9])] };
  // window 5 for both: the click is erased (F1 0), the engine found (F1 1) → 0.5; tuned: click at 1, engine at 3/5 → 1
  const tuned = validationMetrics(pred, ['click', 'engine'], resolveConfig({ postprocess: { median_window: 5, median_candidates: [1, 3, 5] } }), grid);
  assert.equal(tuned.event_f1_macro, 0.5);
  assert.equal(tuned.event_f1_macro_tuned, 1);
  const plain = validationMetrics(pred, ['click', 'engine'], resolveConfig({ postprocess: { median_window: 5 } }), grid);
  assert.equal(plain.event_f1_macro_tuned, 0.5);
});
