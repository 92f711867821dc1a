/**
 * PSDS (psds_eval 0.5.x definition) on cases small enough to do by hand. Rates are per hour: FPR = FP·3600 / total
 * duration. Curves are staircases; PSDS = area under eTPR up to max_efpr, divided by max_efpr.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventTable, SoundEvent } from '../src/data/events.ts';
import { psdsFromOperatingPoints, PSDS1, staircaseArea } from '../src/metrics/psds.ts';
import { DataError } from '../src/errors.ts';

const ev = (file: string, onsetSec: number, offsetSec: number, label: string): SoundEvent => ({ file, onsetSec, offsetSec, label });
const table = (events: SoundEvent[]): EventTable => ({ files: [...new Set(events.map((e) => e.file))], events });
const ref = table([ev('f1', 0, 2, 'a'), ev('f1', 3, 5, 'b'), ev('f2', 1, 4, 'a')]);
const durations = new Map([['f1', 60], ['f2', 60]]); // 120 s in all: one FP = 3600/120 = 30 per hour

test('a perfect system scores 1', () => {
  // TPR 1 for both classes at eFPR 0 → eTPR 1 on [0, 100] → area 100 / 100.
  const r = psdsFromOperatingPoints(ref, durations, [{ threshold: 0.5, table: ref }], PSDS1);
  assert.equal(r.value, 1);
  assert.deepEqual(r.efprPerHour, [0]);
});

test('half-detected class with a false positive at the low threshold', () => {
  // threshold 0.7: a found in f1 only (TPR_a 1/2), b found (TPR_b 1), no FP.
  // threshold 0.3: adds a in f2 (TPR_a 1) and an a-detection [6,8] in f1 touching no truth: FP → FPR_a 30 /h.
  const high = table([ev('f1', 0, 2, 'a'), ev('f1', 3, 5, 'b')]);
  const low = table([ev('f1', 0, 2, 'a'), ev('f1', 6, 8, 'a'), ev('f1', 3, 5, 'b'), ev('f2', 1, 4, 'a')]);
  const ops = [{ threshold: 0.3, table: low }, { threshold: 0.7, table: high }];
  const r = psdsFromOperatingPoints(ref, durations, ops, PSDS1);
  assert.deepEqual(r.operatingPoints[0], { threshold: 0.3, tpr: [1, 1], fprPerHour: [30, 0], efprPerHour: [30, 0] });
  assert.deepEqual(r.operatingPoints[1], { threshold: 0.7, tpr: [0.5, 1], fprPerHour: [0, 0], efprPerHour: [0, 0] });
  // x = {0, 30}: a = [0.5, 1], b = [1, 1] → mean [0.75, 1], std [0.25, 0] → eTPR (α_st 1) [0.5, 1].
  assert.deepEqual(r.etpr, [0.5, 1]);
  // area to 100: 30·0.5 + 70·1 = 85 → 0.85.
  assert.equal(r.value, 0.85);
  // α_st 0: 30·0.75 + 70·1 = 92.5 → 0.925.
  assert.equal(psdsFromOperatingPoints(ref, durations, ops, { ...PSDS1, alphaSt: 0 }).value, 0.925);
  // max_efpr 20 < 30: only the first step counts: 20·0.5 / 20 = 0.5.
  assert.equal(psdsFromOperatingPoints(ref, durations, ops, { ...PSDS1, maxEfpr: 20 }).value, 0.5);
});

test('DTC and GTC: partial coverage, summed coverage, a detection half off its truth', () => {
  const gt = table([ev('c', 0, 10, 'a'), ev('d', 0, 10, 'a')]);
  const dur = new Map([['c', 20], ['d', 20]]); // 40 s: one FP = 90 per hour
  // c: [0,6] lies on the truth (DTC 1) but covers 0.6 < 0.7 of it: not TP, not FP either.
  // d: [0,6] + [6,8] both pass DTC and cover 0.8 together: TP.
  const one = psdsFromOperatingPoints(gt, dur, [{ threshold: 0.5, table: table([ev('c', 0, 6, 'a'), ev('d', 0, 6, 'a'), ev('d', 6, 8, 'a')]) }]);
  assert.deepEqual(one.operatingPoints[0].tpr, [0.5]);
  assert.deepEqual(one.operatingPoints[0].fprPerHour, [0]);
  // c: [5,15] is half on the truth (0.5 < DTC 0.7): an FP, and the truth stays undetected.
  const two = psdsFromOperatingPoints(gt, dur, [{ threshold: 0.5, table: table([ev('c', 5, 15, 'a')]) }]);
  assert.deepEqual(two.operatingPoints[0].tpr, [0]);
  assert.deepEqual(two.operatingPoints[0].fprPerHour, [90]);
});

test('cross-triggers feed eFPR only when alpha_ct > 0; estimate-only classes are ignored', () => {
  // b-detection exactly on a's truth in f1: fails DTC (no b truth there) → FP for b (30 /h) and a cross-trigger b→a
  // (coverage 1 ≥ 0.3): CTR_ba = 1·3600 / (summed a-truth length 2 + 3 = 5 s) = 720 /h. eFPR_b = 30 + 0.5·720 = 390.
  const dets = table([ev('f1', 0, 2, 'b'), ev('f1', 7, 9, 'zebra')]);
  const r0 = psdsFromOperatingPoints(ref, durations, [{ threshold: 0.5, table: dets }], PSDS1);
  assert.deepEqual(r0.operatingPoints[0].fprPerHour, [0, 30]); // zebra's detection counts nowhere
  assert.deepEqual(r0.operatingPoints[0].efprPerHour, [0, 30]);
  const r1 = psdsFromOperatingPoints(ref, durations, [{ threshold: 0.5, table: dets }], { ...PSDS1, alphaCt: 0.5 });
  assert.deepEqual(r1.operatingPoints[0].efprPerHour, [0, 390]);
});

test('same-class overlaps are rejected as psds_eval does; identical duplicates and other-class overlaps are not', () => {
  const bad = table([ev('f1', 0, 2, 'a'), ev('f1', 1.5, 3, 'a')]);
  assert.throws(() => psdsFromOperatingPoints(bad, durations, []), (e: unknown) => e instanceof DataError && /f1: two "a" events overlap/.test(e.message));
  assert.throws(
    () => psdsFromOperatingPoints(ref, durations, [{ threshold: 0.4, table: bad }]),
    (e: unknown) => e instanceof DataError && e.file === 'detections at threshold 0.4',
  );
  const fine = table([ev('f1', 0, 2, 'a'), ev('f1', 0, 2, 'a'), ev('f1', 2, 3, 'a'), ev('f1', 1, 2.5, 'b')]);
  assert.doesNotThrow(() => psdsFromOperatingPoints(ref, durations, [{ threshold: 0.4, table: fine }]));
});

test('a single-class reference: we return the area psds_eval means; psds_eval 0.5.3 returns 0.0', () => {
  // psds_eval 0.5.3 computes eFPR = FPR + α_ct · nanmean(CTR) and with one class every CTR entry is NaN (no other
  // class), so eFPR is 0 · NaN = NaN at every operating point and its PSDS comes out 0.0. With α_ct = 0 the
  // definition says eFPR = FPR, which we use. By hand: class a, truths f1 [0,2) and f2 [1,4), 120 s of audio.
  // threshold 0.7: f1 found → TPR 1/2, FPR 0; threshold 0.3: both found + an FP [6,8) in f1 → TPR 1, FPR 30 /h.
  // One class: std 0, eTPR = TPR staircase = 0.5 on [0, 30), 1 on [30, 100] → (30 · 0.5 + 70 · 1) / 100 = 0.85.
  const single = table([ev('f1', 0, 2, 'a'), ev('f2', 1, 4, 'a')]);
  const high = table([ev('f1', 0, 2, 'a')]);
  const low = table([ev('f1', 0, 2, 'a'), ev('f1', 6, 8, 'a'), ev('f2', 1, 4, 'a')]);
  const r = psdsFromOperatingPoints(single, durations, [{ threshold: 0.3, table: low }, { threshold: 0.7, table: high }], PSDS1);
  assert.deepEqual(r.efprPerHour, [0, 30]);
  assert.deepEqual(r.etpr, [0.5, 1]);
  assert.equal(r.value, 0.85);
});

test('every reference clip needs a duration', () => {
  assert.throws(() => psdsFromOperatingPoints(ref, new Map([['f1', 60]]), []), (e: unknown) => e instanceof DataError && /f2: no duration/.test(e.message));
});

test('staircaseArea inserts max_x with the value of the step it falls in', () => {
  // steps: [0,1) at 0.2, [1,3) at 0.6, from 3 on at 1 → area to 2 = 0.2 + 0.6 = 0.8; to 5 = 0.2 + 1.2 + 2 = 3.4.
  assert.equal(staircaseArea([0, 1, 3], [0.2, 0.6, 1], 2), 0.8);
  assert.ok(Math.abs(staircaseArea([0, 1, 3], [0.2, 0.6, 1], 5) - 3.4) < 1e-15);
});
