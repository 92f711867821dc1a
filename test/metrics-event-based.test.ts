/**
 * Event-based metrics (sed_eval 0.2.1 as the DCASE task 4 baselines call it: t_collar 0.2, percentage_of_length 0.2,
 * zero_score). Every count below is worked by hand in the comment above it; the same cases were also run through
 * sed_eval 0.2.1 (git tag v0.2.1, numpy 2.4.6, Python 3.11, a stand-in for dcase_util's MetaDataContainer) and gave
 * the same counts and the same doubles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventTable, SoundEvent } from '../src/data/events.ts';
import { eventBasedCounts, eventBasedMetrics } from '../src/metrics/event-based.ts';
import { EPS } from '../src/metrics/formulas.ts';
import { bipartiteMatch } from '../src/metrics/bipartite-match.ts';

const ev = (file: string, onsetSec: number, offsetSec: number, label: string): SoundEvent => ({ file, onsetSec, offsetSec, label });
const table = (events: SoundEvent[], files?: string[]): EventTable => ({ files: files ?? [...new Set(events.map((e) => e.file))], events });

test('collar edges compare in plain doubles', () => {
  // 1.2 − 1.0 = 0.19999999999999996 ≤ 0.2: hit.  2.5 − 2.3 = 0.20000000000000018 > 0.2: miss.
  assert.ok(1.2 - 1.0 <= 0.2 && !(2.5 - 2.3 <= 0.2));
  const ref = table([ev('f', 1.0, 3.0, 'a'), ev('g', 2.3, 5.0, 'a')]);
  const est = table([ev('f', 1.2, 3.0, 'a'), ev('g', 2.5, 5.0, 'a')]);
  // TP 1 (file f); g: no hit and no substitution (onset fails for any label) → D 1, I 1.
  assert.deepEqual(eventBasedCounts(ref, est).overall, { nRef: 2, nSys: 2, nTp: 1, nSubs: 0, nDel: 1, nIns: 1 });
  const m = eventBasedMetrics(ref, est);
  // P = R = 1/2, F = 2·.5·.5/(.5+.5) = 0.5; ER = 0/2 + 1/2 + 1/2 = 1 (2 + eps rounds to 2).
  assert.equal(m.f1_micro, 0.5);
  assert.equal(m.error_rate_micro, 1);
  // Alone, g's pair gives ER = 1/(1+eps) + 1/(1+eps) = 2·0.9999999999999998 = 1.9999999999999996.
  const g = eventBasedMetrics(table([ref.events[1]]), table([est.events[1]]));
  assert.equal(g.error_rate_micro, 1.9999999999999996);
  assert.equal(g.f1_micro, 0);
});

test('offset tolerance is max(collar, 20 % of the reference length)', () => {
  // f: [0,5] vs offset 5.9 → |Δ| 0.9000000000000004 ≤ max(0.2, 1.0): hit; [6,6.5] vs 6.65 → 0.15 ≤ max(0.2, 0.1): hit.
  // g: [0,5] vs 6.1 → 1.0999999999999996 > 1.0: miss; [6,6.5] vs 6.75 → 0.25 > 0.2: miss.
  const ref = table([ev('f', 0, 5, 'a'), ev('f', 6, 6.5, 'a'), ev('g', 0, 5, 'a'), ev('g', 6, 6.5, 'a')]);
  const est = table([ev('f', 0, 5.9, 'a'), ev('f', 6, 6.65, 'a'), ev('g', 0, 6.1, 'a'), ev('g', 6, 6.75, 'a')]);
  assert.deepEqual(eventBasedCounts(ref, est).overall, { nRef: 4, nSys: 4, nTp: 2, nSubs: 0, nDel: 2, nIns: 2 });
});

test('overlapping events of one class: maximum matching, not greedy', () => {
  // r0 [0,2] is hit by e0 [0.1,2.1] and e1 [0,1.65] (|2−1.65| = 0.35 ≤ 0.4); r1 [0.1,2.1] only by e0
  // (|2.1−1.65| = 0.45 > 0.4). Greedy in table order gives r0–e0 and leaves r1: 1 TP. Max matching: r0–e1, r1–e0: 2.
  const ref = table([ev('f', 0, 2, 'a'), ev('f', 0.1, 2.1, 'a')]);
  const est = table([ev('f', 0.1, 2.1, 'a'), ev('f', 0, 1.65, 'a')]);
  const c = eventBasedCounts(ref, est);
  assert.equal(c.overall.nTp, 2);
  assert.deepEqual(c.classWise.get('a'), { nRef: 2, nSys: 2, nTp: 2, nFp: 0, nFn: 0 });
  assert.equal(eventBasedMetrics(ref, est).class_wise.a.f1, 1);
});

test('substitutions: leftover references in table order take the first leftover estimate meeting both times', () => {
  // dog [0,1] is met by cat [0.1,1.1] only; bird [0.15,1.15] by both cat [0.1,1.1] and cat [0.3,1.3]
  // (0.3−0.15 = 0.15, 1.3−1.15 = 0.15). dog first: dog–cat₁, bird–cat₂ → S 2. bird first: bird–cat₁, dog finds none → S 1.
  const est = table([ev('f', 0.1, 1.1, 'cat'), ev('f', 0.3, 1.3, 'cat')]);
  const dogFirst = table([ev('f', 0, 1.0, 'dog'), ev('f', 0.15, 1.15, 'bird')]);
  const birdFirst = table([ev('f', 0.15, 1.15, 'bird'), ev('f', 0, 1.0, 'dog')]);
  assert.deepEqual(eventBasedCounts(dogFirst, est).overall, { nRef: 2, nSys: 2, nTp: 0, nSubs: 2, nDel: 0, nIns: 0 });
  assert.deepEqual(eventBasedCounts(birdFirst, est).overall, { nRef: 2, nSys: 2, nTp: 0, nSubs: 1, nDel: 1, nIns: 1 });
  // S 2 of Nref 2: ER = 2/2 = 1; class-wise has no substitutions: dog D 1 → ER 1/(1+eps) = 0.9999999999999998.
  const m = eventBasedMetrics(dogFirst, est);
  assert.equal(m.error_rate_micro, 1);
  assert.equal(m.class_wise.dog.error_rate, 0.9999999999999998);
});

test('which reference the matching leaves over decides the substitution count (sed_eval vertex order)', () => {
  // a-refs r0 [0,1], r1 [0.1,1.1]; one a-estimate [0.05,1.05] hits both, b-estimate [0.3,1.3] meets only r1
  // (0.3−0.1 = 0.19999999999999998, 1.3−1.1 = 0.19999999999999996; r0: onset 0.3 > 0.2). sed_eval's greedy start
  // gives r0 the a-estimate, so r1 is left and substituted: TP 1, S 1, D 0, I 0 (matching r1 instead would give S 0).
  const ref = table([ev('f', 0, 1, 'a'), ev('f', 0.1, 1.1, 'a')]);
  const est = table([ev('f', 0.05, 1.05, 'a'), ev('f', 0.3, 1.3, 'b')]);
  assert.deepEqual(eventBasedCounts(ref, est).overall, { nRef: 2, nSys: 2, nTp: 1, nSubs: 1, nDel: 0, nIns: 0 });
});

test('never-predicted class, reference clip without events, estimate-only class, clip missing from the estimate', () => {
  const ref = table([ev('f1', 0, 2, 'dog'), ev('f1', 3, 4, 'cat'), ev('f3', 1, 2, 'dog')], ['f1', 'f2', 'f3']);
  const est = table([
    ev('f1', 0.1, 2.1, 'dog'), // TP
    ev('f1', 5, 6, 'bird'), // estimate-only class: insertion
    ev('f2', 1, 2, 'dog'), // f2 has no reference event: insertion
    ev('f9', 0, 1, 'dog'), // f9 is not a reference file: ignored (its label still joins the class list)
  ]);
  const c = eventBasedCounts(ref, est);
  // Nref 3 (f1 dog, f1 cat, f3 dog), Nsys 3 (f1 ×2, f2), TP 1, no substitution (bird [5,6] meets no time) → D 2, I 2.
  assert.deepEqual(c.overall, { nRef: 3, nSys: 3, nTp: 1, nSubs: 0, nDel: 2, nIns: 2 });
  assert.deepEqual([...c.classWise.keys()], ['bird', 'cat', 'dog']);
  const m = eventBasedMetrics(ref, est);
  // micro: P = R = F = 1/3; ER = 2/3 + 2/3 = 1.3333333333333333.
  assert.equal(m.f1_micro, 1 / 3);
  assert.equal(m.error_rate_micro, 1.3333333333333333);
  // cat never predicted, zero_score: P 0, R 0 → F 0; ER = 1/(1+eps) = 0.9999999999999998.
  assert.deepEqual(m.class_wise.cat, { f1: 0, precision: 0, recall: 0, error_rate: 0.9999999999999998 });
  // bird only in the estimate: P 0/1 = 0, R 0/0 = NaN, F NaN; ER = 1/eps = 4503599627370496 (finite).
  assert.equal(m.class_wise.bird.precision, 0);
  assert.ok(Number.isNaN(m.class_wise.bird.recall) && Number.isNaN(m.class_wise.bird.f1));
  assert.equal(m.class_wise.bird.error_rate, 1 / EPS);
  assert.equal(m.class_wise.bird.error_rate, 4503599627370496);
  // dog: Nref 2, Nsys 2, TP 1 → P = R = F = 0.5, ER = 0.5 + 0.5 = 1.
  assert.deepEqual(m.class_wise.dog, { f1: 0.5, precision: 0.5, recall: 0.5, error_rate: 1 });
  // macro: F = mean(0, 0.5) = 0.25 (bird's NaN skipped); P = (0 + 0 + 0.5)/3 = 0.16666666666666666;
  // ER = (4503599627370496 + 0.9999999999999998 + 1)/3 = 1501199875790166 (bird's huge ER enters the mean).
  assert.equal(m.f1_macro, 0.25);
  assert.equal(m.precision_macro, 0.16666666666666666);
  assert.equal(m.recall_macro, 0.25);
  assert.equal(m.error_rate_macro, 1501199875790166);
});

test('empty estimate: zero score (P 0, F 0) rather than NaN', () => {
  const m = eventBasedMetrics(table([ev('f', 0, 1, 'a')]), table([]));
  assert.equal(m.precision_micro, 0);
  assert.equal(m.f1_micro, 0);
  assert.equal(m.recall_micro, 0);
});

test('bipartiteMatch finds a maximum matching on a chain that greedy gets wrong', () => {
  // left 0 → {0, 1}, left 1 → {0}: greedy gives 0–0 and leaves 1 unmatched; augmenting gives {0: 1, 1: 0}.
  const m = bipartiteMatch(new Map([[0, [0, 1]], [1, [0]]]));
  assert.deepEqual([...m].sort(), [[0, 1], [1, 0]]);
});
