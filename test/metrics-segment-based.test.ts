/**
 * Segment-based metrics, 1 s segments (sed_eval 0.2.1 SegmentBasedMetrics as the DCASE baselines call it). Counts
 * worked by hand below; the same cases run through sed_eval 0.2.1 (numpy 2.4.6, a dcase_util stand-in) gave the
 * same doubles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SoundEvent } from '../src/data/events.ts';
import { segmentBasedCounts, segmentBasedMetrics } from '../src/metrics/segment-based.ts';

const ev = (file: string, onsetSec: number, offsetSec: number, label: string): SoundEvent => ({ file, onsetSec, offsetSec, label });

test('events across 1 s boundaries: floor(onset), ceil(offset), per-segment S/D/I', () => {
  // f: ref a [0.5,2.5] → segments 0,1,2; est a [1.2,1.8] → 1; est b [2.0,3.0] → 2; length ceil(3.0) = 3 segments.
  //   seg0: ref{a} sys{} → D 1; seg1: a both → TP 1; seg2: ref{a} sys{b} → S = min(1,1) − 0 = 1.
  // g: ref and est a [1.0,2.0] → segment 1 only (an integer offset ends the previous segment); seg0 empty.
  // h: listed in the reference with no event; the estimate has none: 0 segments.
  const ref = { files: ['f', 'g', 'h'], events: [ev('f', 0.5, 2.5, 'a'), ev('g', 1.0, 2.0, 'a')] };
  const est = { files: [], events: [ev('f', 1.2, 1.8, 'a'), ev('f', 2.0, 3.0, 'b'), ev('g', 1.0, 2.0, 'a')] };
  const c = segmentBasedCounts(ref, est);
  assert.deepEqual(c.overall, { nRef: 4, nSys: 3, nTp: 2, nSubs: 1, nDel: 1, nIns: 0 });
  assert.deepEqual(c.classWise.get('a'), { nRef: 4, nSys: 2, nTp: 2, nFp: 0, nFn: 2 });
  assert.deepEqual(c.classWise.get('b'), { nRef: 0, nSys: 1, nTp: 0, nFp: 1, nFn: 0 });
  const m = segmentBasedMetrics(ref, est);
  // P = 2/3, R = 1/2, F = 2·(2/3)(1/2)/(2/3 + 1/2) = 0.5714285714285715; ER = (1 + 1 + 0)/4 = 0.5.
  assert.equal(m.precision_micro, 2 / 3);
  assert.equal(m.f1_micro, 0.5714285714285715);
  assert.equal(m.error_rate_micro, 0.5);
  // a: P 1, R 0.5, F 2/3, ER 2/4 = 0.5. b (estimate only): P 0, R NaN, F NaN, ER 1/eps = 4503599627370496.
  assert.deepEqual(m.class_wise.a, { f1: 0.6666666666666666, precision: 1, recall: 0.5, error_rate: 0.5 });
  assert.equal(m.class_wise.b.error_rate, 4503599627370496);
  // macro: F = 2/3 (b's NaN skipped), ER = (0.5 + 4503599627370496)/2 = 2251799813685248.
  assert.equal(m.f1_macro, 0.6666666666666666);
  assert.equal(m.error_rate_macro, 2251799813685248);
});

test('no zero-score option in 0.2.1: a class never output has precision NaN, and so has an empty system', () => {
  const ref = { files: ['f'], events: [ev('f', 0.5, 2.5, 'a'), ev('f', 0.5, 1.5, 'b')] };
  const m = segmentBasedMetrics(ref, { files: [], events: [] });
  assert.ok(Number.isNaN(m.class_wise.b.precision) && Number.isNaN(m.class_wise.b.f1));
  assert.equal(m.class_wise.b.recall, 0);
  assert.ok(Number.isNaN(m.precision_micro) && Number.isNaN(m.f1_micro));
  // all class F are NaN → the NaN-skipping mean of nothing is NaN
  assert.ok(Number.isNaN(m.f1_macro));
});

test('the file is as long as the later of the two sides; an estimate beyond the reference counts as insertions', () => {
  // ref a [0,1] → seg 0; est a [0,1] and a [3.5,4.2] → segs 0 and 3,4; length ceil(4.2) = 5.
  const c = segmentBasedCounts({ files: ['f'], events: [ev('f', 0, 1, 'a')] }, { files: [], events: [ev('f', 0, 1, 'a'), ev('f', 3.5, 4.2, 'a')] });
  assert.deepEqual(c.overall, { nRef: 1, nSys: 3, nTp: 1, nSubs: 0, nDel: 0, nIns: 2 });
});
