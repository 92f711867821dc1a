/**
 * One metric family's result in the shape `sed metrics --json` prints, built from counts:
 * micro = the family's overall counts, macro = NaN-skipping mean of the class-wise values (sed_eval
 * `results_class_wise_average_metrics`).
 */
import { classScores, nanMean, overallScores, type ClassCounts, type OverallCounts, type Scores } from './formulas.ts';

export interface FamilyCounts {
  overall: OverallCounts;
  classWise: Map<string, ClassCounts>; // classes sorted by name
}

export interface FamilyMetrics {
  f1_micro: number;
  precision_micro: number;
  recall_micro: number;
  error_rate_micro: number;
  f1_macro: number;
  precision_macro: number;
  recall_macro: number;
  error_rate_macro: number;
  class_wise: Record<string, Scores>;
}

/** Zeroed per-class counts. */
export function emptyClassCounts(): ClassCounts {
  return { nRef: 0, nSys: 0, nTp: 0, nFp: 0, nFn: 0 };
}

/** Zeroed overall counts. */
export function emptyOverallCounts(): OverallCounts {
  return { nRef: 0, nSys: 0, nTp: 0, nSubs: 0, nDel: 0, nIns: 0 };
}

/** `zeroScore`: precision 0 instead of NaN where a class (or the whole system) output nothing. */
export function familyMetrics(counts: FamilyCounts, zeroScore: boolean): FamilyMetrics {
  const micro = overallScores(counts.overall, zeroScore);
  const classWise: Record<string, Scores> = {};
  for (const [label, c] of counts.classWise) classWise[label] = classScores(c, zeroScore);
  const all = Object.values(classWise);
  return {
    f1_micro: micro.f1,
    precision_micro: micro.precision,
    recall_micro: micro.recall,
    error_rate_micro: micro.error_rate,
    f1_macro: nanMean(all.map((s) => s.f1)),
    precision_macro: nanMean(all.map((s) => s.precision)),
    recall_macro: nanMean(all.map((s) => s.recall)),
    error_rate_macro: nanMean(all.map((s) => s.error_rate)),
    class_wise: classWise,
  };
}
