/** report.md says what it measured (issue 14, item 9): the settings lines, n_c beside durations, the reading notes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { durationLines, READING_NOTES, settingsLines } from '../src/infer/report-sections.ts';

test('settings lines: threshold, median window given and applied, collars, segments, checkpoint epoch', () => {
  const lines = settingsLines({
    threshold: 0.5,
    median: { window: 0.45, unit: 'seconds', frames: 5, frameHopSec: 0.08 },
    tCollarSec: 0.2,
    percentageOfLength: 0.2,
    segmentSec: 1,
    checkpoint: { epoch: 7, batchInEpoch: 0, epochs: 12 },
  });
  assert.deepEqual(lines, [
    '- checkpoint written after epoch 7 of 12',
    '- decision threshold: 0.5 for every class',
    // 5 frames × 80 ms = 400 ms
    '- median filter: 0.45 s (postprocess.median_window) → 5 output frames of 0.08 s = 0.4 s',
    '- event-based: onset collar 0.2 s, offset collar max(0.2 s, 0.2 × reference length)',
    '- segment-based: 1 s segments',
  ]);
  const other = settingsLines({
    threshold: { click: 0.3, fan: 0.6 },
    median: { window: 1, unit: 'frames', frames: 1, frameHopSec: 0.02 },
    tCollarSec: 0.2,
    percentageOfLength: 0.2,
    segmentSec: 1,
    checkpoint: { epoch: 2, batchInEpoch: 4, epochs: 12 },
  });
  assert.equal(other[0], '- checkpoint written during epoch 3 of 12, interrupted after step 4');
  assert.equal(other[1], '- decision threshold: per class: click 0.3, fan 0.6');
  assert.equal(other[2], '- median filter: 1 frame (postprocess.median_window) → no filtering');
});

test('n_c beside mean event durations, shortest first, with Spearman ρ over the learned classes', () => {
  const classes = ['fan', 'click', 'bell', 'beep'];
  const durations = new Map([['click', 0.2], ['beep', 0.5], ['bell', 1], ['fan', 8]]);
  const perClass = { name: 'n_c', values: [0.5, 1.8, 1.3, 1.2] };
  const lines = durationLines(classes, perClass, durations);
  // ranks in duration order (click, beep, bell, fan): n_c 1.8, 1.2, 1.3, 0.5 → 4, 2, 3, 1 against 1, 2, 3, 4:
  // Σd² = 9 + 0 + 0 + 9 = 18, ρ = 1 − 6·18 / (4·(16 − 1)) = −0.8
  assert.deepEqual(lines, [
    '| class | mean event duration (s) | n_c |',
    '|---|---:|---:|',
    '| click | 0.20 | 1.800 |',
    '| beep | 0.50 | 1.200 |',
    '| bell | 1.00 | 1.300 |',
    '| fan | 8.00 | 0.500 |',
    '',
    "Spearman ρ(n_c, mean event duration) = -0.800 over 4 classes (mean durations from the data set's classes.json).",
  ]);
  // a frozen class is shown but left out of ρ: over click, bell, fan: ranks 3, 2, 1 against 1, 2, 3 → ρ = −1
  const frozen = durationLines(classes, perClass, durations, ['beep']);
  assert.equal(frozen[3], '| beep | 0.50 | 1.200 (frozen) |');
  assert.match(frozen[frozen.length - 1], /= -1\.000 over the 3 learned classes of 4/);
  // nothing without classes.json or without per-class parameters
  assert.deepEqual(durationLines(classes, perClass, null), []);
  assert.deepEqual(durationLines(classes, null, durations), []);
});

test('the reading notes explain "–" and the macro averages', () => {
  const text = READING_NOTES.join(' ');
  assert.match(text, /"–" is a value that is undefined, not zero/);
  assert.match(text, /never predicted/);
  assert.match(text, /Macro averages skip undefined values/);
});
