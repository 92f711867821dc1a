/**
 * Per-class gating of the pooling parameters (pooling.unfreeze_f1): clip-level decisions on the training clips of an
 * epoch are counted per class, and a class's parameters become free once its clip F1 reaches the threshold.
 */
import type { Batch } from '../data/batch.ts';
import { clipF1PerClass } from '../metrics/tagging.ts';

/** Zeroed [tp, fp, fn] per class. */
export const zeroCounts = (nClasses: number): [number[], number[], number[]] => [new Array(nClasses).fill(0), new Array(nClasses).fill(0), new Array(nClasses).fill(0)];

/** Adds a batch's clip-level decisions (threshold 0.5) on weakly labelled clips to tp, fp, fn per class. */
export function countClipDecisions(clipProb: Float32Array, batch: Batch, [tp, fp, fn]: [number[], number[], number[]]) {
  const nClasses = tp.length;
  for (let b = 0; b < batch.size; b++) {
    if (!batch.weakMask[b]) continue;
    for (let c = 0; c < nClasses; c++) {
      const detected = clipProb[b * nClasses + c] >= 0.5;
      const present = batch.yWeak[b * nClasses + c] > 0;
      if (detected && present) tp[c]++;
      else if (detected) fp[c]++;
      else if (present) fn[c]++;
    }
  }
}

/**
 * Which classes' pooling parameters are free for the next epoch: with pooling.unfreeze_f1 set, a class becomes free
 * (for good) once an epoch's training clip F1 reaches it, counted from the last warm-up epoch on. Early in training a
 * class that is not yet detected gets only false-positive pressure on its n_c, which drives n_c to 0 (average
 * pooling) before the class is learned (shared/SCIENCE.md); this keeps n_c at its initial value until then.
 */
export function updateUnfrozen(current: boolean[] | null, counts: [number[], number[], number[]], threshold: number | null, afterWarmup: boolean): boolean[] | null {
  if (threshold === null) return null;
  const f1 = clipF1PerClass(counts);
  return f1.map((v, c) => (current?.[c] ?? false) || (afterWarmup && v >= threshold));
}
