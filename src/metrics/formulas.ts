/**
 * Metric formulas over counts, written to give the same doubles as sed_eval 0.2.1's `metric.py`
 * (same operations in the same order).
 */

/** numpy.spacing(1): sed_eval's eps in every rate denominator. */
export const EPS = 2.220446049250313e-16;

/** Counts for one class (or for one family overall). */
export interface ClassCounts {
  nRef: number;
  nSys: number;
  nTp: number;
  nFp: number;
  nFn: number;
}

/** Overall counts: substitutions, deletions and insertions as the family defines them. */
export interface OverallCounts {
  nRef: number;
  nSys: number;
  nTp: number;
  nSubs: number;
  nDel: number;
  nIns: number;
}

/** P, R, F and ER for one class or overall; NaN where sed_eval gives NaN. */
export interface Scores {
  f1: number;
  precision: number;
  recall: number;
  error_rate: number;
}

/** Ntp / Nsys; NaN when Nsys = 0 unless `zeroScore` (sed_eval's empty_system_output_handling='zero_score'). */
export function precision(nTp: number, nSys: number, zeroScore: boolean): number {
  if (nSys === 0) return zeroScore ? 0 : NaN;
  return nTp / nSys;
}

/** sed_eval recall TP / Nref; NaN when there is no reference. */
export function recall(nTp: number, nRef: number): number {
  return nRef === 0 ? NaN : nTp / nRef;
}

/** F1 from P and R: 0 when both are 0, NaN when either is NaN (sed_eval `f_measure`, beta = 1). */
export function fMeasure(p: number, r: number): number {
  if (p === 0 && r === 0) return 0;
  return (2 * p * r) / (1 * p + r);
}

/** ER = S/(Nref+eps) + D/(Nref+eps) + I/(Nref+eps), summed in that order. */
export function errorRate(nRef: number, nSubs: number, nDel: number, nIns: number): number {
  const den = nRef + EPS;
  return nSubs / den + nDel / den + nIns / den;
}

/** Class-wise scores: deletions = FN, insertions = FP, no substitutions (sed_eval class_wise_error_rate). */
export function classScores(c: ClassCounts, zeroScore: boolean): Scores {
  const p = precision(c.nTp, c.nSys, zeroScore);
  const r = recall(c.nTp, c.nRef);
  return { f1: fMeasure(p, r), precision: p, recall: r, error_rate: errorRate(c.nRef, 0, c.nFn, c.nFp) };
}

/** Micro (overall) F, P, R and ER from summed counts (sed_eval). */
export function overallScores(c: OverallCounts, zeroScore: boolean): Scores {
  const p = precision(c.nTp, c.nSys, zeroScore);
  const r = recall(c.nTp, c.nRef);
  return { f1: fMeasure(p, r), precision: p, recall: r, error_rate: errorRate(c.nRef, c.nSubs, c.nDel, c.nIns) };
}

/**
 * numpy.nanmean: NaN entries are left out of both sum and count; all NaN (or empty) → NaN.
 * Summed left to right; numpy sums 8+ values pairwise, which can differ in the last bit only.
 */
export function nanMean(values: number[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    sum += v;
    n += 1;
  }
  return n === 0 ? NaN : sum / n;
}
