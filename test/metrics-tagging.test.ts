/** Clip-level tagging F1 as DESED's audio_tagging_results computes it, plus our documented choices for P/R/ER. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { taggingCounts, taggingMetrics } from '../src/metrics/tagging.ts';
import type { FileTags } from '../src/io/event-tsv.ts';

const tags = (entries: [string, string[]][]): FileTags => ({ files: entries.map(([f]) => f), labels: new Map(entries) });

test('per-class and micro F1 = 2TP/(2TP+FP+FN) over the union of files; macro = mean over classes', () => {
  const ref = tags([['c1', ['Dog', 'Cat']], ['c2', ['Dog']], ['c3', []]]);
  // c4 exists only in the estimate: DESED's outer merge makes its Speech a false positive.
  const est = tags([['c1', ['Dog']], ['c2', ['Cat']], ['c4', ['Speech']]]);
  const c = taggingCounts(ref, est);
  // Dog: c1 TP, c2 FN → TP 1 FN 1. Cat: c1 FN, c2 FP. Speech: c4 FP.
  assert.deepEqual(c.classWise.get('Dog'), { nRef: 2, nSys: 1, nTp: 1, nFp: 0, nFn: 1 });
  assert.deepEqual(c.classWise.get('Cat'), { nRef: 1, nSys: 1, nTp: 0, nFp: 1, nFn: 1 });
  assert.deepEqual(c.classWise.get('Speech'), { nRef: 0, nSys: 1, nTp: 0, nFp: 1, nFn: 0 });
  // Per clip (S/D/I like one segment): c1 ref 2 sys 1 TP 1 → D 1; c2 ref 1 sys 1 TP 0 → S 1; c4 sys 1 → I 1.
  assert.deepEqual(c.overall, { nRef: 3, nSys: 3, nTp: 1, nSubs: 1, nDel: 1, nIns: 1 });
  const m = taggingMetrics(ref, est);
  // Dog F = 2/(2+0+1) = 2/3; Cat 0/(0+1+1) = 0; Speech 0/(0+1+0) = 0 (DESED: 0, not NaN) → macro = (2/3)/3.
  assert.equal(m.class_wise.Dog.f1, 2 / 3);
  assert.equal(m.class_wise.Speech.f1, 0);
  assert.equal(m.f1_macro, (2 / 3 + 0 + 0) / 3);
  // micro: TP 1, FP 2, FN 2 → 2/(2+2+2) = 1/3; P = 1/3, R = 1/3; ER = (1 + 1 + 1)/3 = 1.
  assert.equal(m.f1_micro, 2 / 6);
  assert.equal(m.precision_micro, 1 / 3);
  assert.equal(m.error_rate_micro, 1);
  // Speech: recall NaN (no reference clip), ER = 1/eps; precision 0.
  assert.ok(Number.isNaN(m.class_wise.Speech.recall));
  assert.equal(m.class_wise.Speech.error_rate, 4503599627370496);
});

test('empty estimate: every class F 0 (DESED returns zeros), precision 0', () => {
  const m = taggingMetrics(tags([['c1', ['Dog']]]), tags([]));
  assert.deepEqual(m.class_wise.Dog, { f1: 0, precision: 0, recall: 0, error_rate: 0.9999999999999998 });
  assert.equal(m.f1_micro, 0);
});
