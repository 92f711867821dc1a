/** computeMetrics: the exact JSON shape `sed metrics --json` prints, NaN → null, and the text tables. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMetrics, metricsOptionsFromConfig, metricsToJson } from '../src/metrics/compute-metrics.ts';
import { formatMetricsTables } from '../src/metrics/format-tables.ts';
import type { SoundEvent } from '../src/data/events.ts';

const ev = (file: string, onsetSec: number, offsetSec: number, label: string): SoundEvent => ({ file, onsetSec, offsetSec, label });
const ref = { files: ['f1', 'f2'], events: [ev('f1', 0, 2, 'Dog'), ev('f2', 1, 3, 'Cat')] };
const est = { files: ['f1'], events: [ev('f1', 0.1, 2.05, 'Dog'), ev('f1', 5, 6, 'Bird')] };

test('report has exactly the four keys and M has exactly the nine keys', () => {
  const r = computeMetrics(ref, est);
  assert.deepEqual(Object.keys(r), ['event_based', 'segment_based', 'tagging', 'psds1']);
  const mKeys = ['f1_micro', 'precision_micro', 'recall_micro', 'error_rate_micro', 'f1_macro', 'precision_macro', 'recall_macro', 'error_rate_macro', 'class_wise'];
  for (const fam of [r.event_based, r.segment_based, r.tagging]) {
    assert.deepEqual(Object.keys(fam), mKeys);
    assert.deepEqual(Object.keys(fam.class_wise), ['Bird', 'Cat', 'Dog']);
    for (const s of Object.values(fam.class_wise)) assert.deepEqual(Object.keys(s), ['f1', 'precision', 'recall', 'error_rate']);
  }
  assert.equal(r.psds1, null);
});

test('metricsToJson writes null for NaN; psds1 is a number when durations are given', () => {
  const durations = new Map([['f1', 10], ['f2', 10]]);
  const r = computeMetrics(ref, est, { tCollarSec: 0.2, percentageOfLength: 0.2, segmentSec: 1, psds: { durationsSec: durations, operatingPoints: [{ threshold: 0.5, table: est }] } });
  const parsed = JSON.parse(metricsToJson(r));
  // Bird exists only in the estimate: event-based F1 = NaN → null; Dog matched (Δonset 0.1, Δoffset 0.05) → F1 1.
  assert.equal(parsed.event_based.class_wise.Bird.f1, null);
  assert.equal(parsed.event_based.class_wise.Dog.f1, 1);
  assert.equal(typeof parsed.psds1, 'number');
  // PSDS by hand: Dog TPR 1 (det [0.1,2.05] ∩ truth [0,2] = 1.9 s: 1.9/1.95 of the det, 1.9/2 of the truth, both ≥ 0.7), Cat 0;
  // Bird is not a reference class (ignored). No FP → one ROC point at eFPR 0: mean 0.5, std 0.5, eTPR = 0 → PSDS 0.
  assert.equal(parsed.psds1, 0);
});

test('options from the eval config section', () => {
  const { options, psdsParams } = metricsOptionsFromConfig({
    t_collar: 0.2, percentage_of_length: 0.2, segment_seconds: 1,
    psds: { dtc: 0.7, gtc: 0.7, cttc: 0.3, alpha_ct: 0, alpha_st: 1, max_efpr: 100, n_thresholds: 50 },
  });
  assert.deepEqual(options, { tCollarSec: 0.2, percentageOfLength: 0.2, segmentSec: 1 });
  assert.deepEqual(psdsParams, { dtc: 0.7, gtc: 0.7, cttc: 0.3, alphaCt: 0, alphaSt: 1, maxEfpr: 100 });
});

test('text tables: one overall and one per-class table per family, NaN as "-"', () => {
  const text = formatMetricsTables(computeMetrics(ref, est));
  assert.match(text, /Event-based/);
  assert.match(text, /Segment-based/);
  assert.match(text, /Clip-level tagging/);
  assert.match(text, /\nDog\s+100\.0\s+100\.0\s+100\.0\s+0\.000\n/); // event-based Dog row
  assert.match(text, /\nBird\s+-\s+0\.0\s+-\s+4\.50e\+15\n/); // estimate-only class
  assert.match(text, /PSDS1: - \(no durations given\)/);
});
