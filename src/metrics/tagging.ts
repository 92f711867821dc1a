/**
 * Clip-level tagging: each file's set of labels, compared as DESED's `audio_tagging_results` does (DCASE2019_task4
 * and DESED_task `evaluation_measures.py`):
 * - files = union of reference and estimate files (pandas outer merge); a file missing on one side has no labels
 *   there, so tags on clips the reference does not list count as false positives;
 * - classes = union of labels on both sides;
 * - F1 per class = 2TP / (2TP + FP + FN), 0 when the denominator is 0 (DESED `macro_f_measure`); macro = plain
 *   mean over classes (never NaN); micro = the same formula on summed counts.
 * DESED reports only F1. Our choices for the rest, in sed_eval's spirit: precision TP/Nsys with zero score
 * (0 when nothing was output), recall TP/Nref (NaN for a class with no reference clip), class-wise
 * ER = (FN + FP)/(Nref + eps), micro ER from per-clip S/D/I exactly as segment-based with one segment per clip;
 * macro P/R/ER = NaN-skipping means.
 */
import type { FileTags } from '../io/event-tsv.ts';
import { emptyClassCounts, emptyOverallCounts, type FamilyCounts, type FamilyMetrics } from './family.ts';
import { errorRate, nanMean, precision, recall, type ClassCounts, type Scores } from './formulas.ts';

/** Clip-level counts per class and overall (S/D/I per clip) between two per-file label sets, as described above. */
export function taggingCounts(reference: FileTags, estimate: FileTags): FamilyCounts {
  const labelSet = new Set<string>();
  for (const tags of [reference, estimate]) for (const ls of tags.labels.values()) for (const l of ls) labelSet.add(l);
  const labels = [...labelSet].sort();
  const files = [...new Set([...reference.files, ...estimate.files])];
  const overall = emptyOverallCounts();
  const classWise = new Map(labels.map((l) => [l, emptyClassCounts()]));
  for (const file of files) {
    const ref = new Set(reference.labels.get(file) ?? []);
    const sys = new Set(estimate.labels.get(file) ?? []);
    let nTp = 0;
    for (const [label, c] of classWise) {
      const r = ref.has(label);
      const s = sys.has(label);
      if (r) c.nRef += 1;
      if (s) c.nSys += 1;
      if (r && s) c.nTp += 1;
      else if (s) c.nFp += 1;
      else if (r) c.nFn += 1;
      if (r && s) nTp += 1;
    }
    overall.nRef += ref.size;
    overall.nSys += sys.size;
    overall.nTp += nTp;
    overall.nSubs += Math.min(ref.size, sys.size) - nTp;
    overall.nDel += Math.max(0, ref.size - sys.size);
    overall.nIns += Math.max(0, sys.size - ref.size);
  }
  return { overall, classWise };
}

/** DESED's clip-level F: 2TP / (2TP + FP + FN), 0 when nothing is on either side. */
export function taggingF1(nTp: number, nFp: number, nFn: number): number {
  const den = 2 * nTp + nFp + nFn;
  return den === 0 ? 0 : (2 * nTp) / den;
}

/**
 * Clip F1 per class (taggingF1 of each class's counts) from [tp, fp, fn], each indexed by class. The one clip-F1 of
 * the code base: training's validation clip_f1_macro and the pooling.unfreeze_f1 gate use it too.
 */
export function clipF1PerClass([tp, fp, fn]: [number[], number[], number[]]): number[] {
  return tp.map((t, c) => taggingF1(t, fp[c], fn[c]));
}

function classTaggingScores(c: ClassCounts): Scores {
  return {
    f1: taggingF1(c.nTp, c.nFp, c.nFn),
    precision: precision(c.nTp, c.nSys, true),
    recall: recall(c.nTp, c.nRef),
    error_rate: errorRate(c.nRef, 0, c.nFn, c.nFp),
  };
}

/** Tagging F1 (DESED), P, R, ER per class, micro and macro from taggingCounts. */
export function taggingMetricsFromCounts(counts: FamilyCounts): FamilyMetrics {
  const o = counts.overall;
  const classWise: Record<string, Scores> = {};
  for (const [label, c] of counts.classWise) classWise[label] = classTaggingScores(c);
  const all = Object.values(classWise);
  return {
    f1_micro: taggingF1(o.nTp, o.nSys - o.nTp, o.nRef - o.nTp),
    precision_micro: precision(o.nTp, o.nSys, true),
    recall_micro: recall(o.nTp, o.nRef),
    error_rate_micro: errorRate(o.nRef, o.nSubs, o.nDel, o.nIns),
    f1_macro: nanMean(all.map((s) => s.f1)),
    precision_macro: nanMean(all.map((s) => s.precision)),
    recall_macro: nanMean(all.map((s) => s.recall)),
    error_rate_macro: nanMean(all.map((s) => s.error_rate)),
    class_wise: classWise,
  };
}

/** taggingMetricsFromCounts(taggingCounts(reference, estimate)). */
export function taggingMetrics(reference: FileTags, estimate: FileTags): FamilyMetrics {
  return taggingMetricsFromCounts(taggingCounts(reference, estimate));
}
