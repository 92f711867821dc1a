/**
 * Decision thresholds: one for all classes or one per class name, and binarisation of frame or clip probabilities.
 * A probability is active when p > threshold, with the threshold rounded to float32 first: DESED compares its
 * float32 arrays against a Python float, and numpy/torch do that comparison in float32 (ties at e.g. 0.3 then agree).
 */
import { ConfigError, ShapeError } from '../errors.ts';

/** Threshold per class, in `classes` order. Per-class maps must name every class and no other. */
export function thresholdsPerClass(threshold: number | Record<string, number>, classes: string[], keyPath = 'postprocess.threshold'): Float64Array {
  const check = (value: number, path: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw new ConfigError(path, `must be a number between 0 and 1 (${String(value)} given)`);
    }
    return value;
  };
  if (typeof threshold === 'number') return Float64Array.from(classes, () => check(threshold, keyPath));
  for (const name of Object.keys(threshold)) {
    if (!classes.includes(name)) throw new ConfigError(`${keyPath}.${name}`, `unknown class; the classes are ${classes.join(', ')}`);
  }
  return Float64Array.from(classes, (c) => {
    if (!(c in threshold)) throw new ConfigError(`${keyPath}.${c}`, 'missing: a per-class threshold map must give every class');
    return check(threshold[c], `${keyPath}.${c}`);
  });
}

/** Frame probabilities [frames, classes] (row-major) → 0/1 of the same shape. */
export function binarize(prob: Float32Array, nClasses: number, thresholds: ArrayLike<number>): Uint8Array {
  if (thresholds.length !== nClasses) throw new ShapeError('thresholds', `[${nClasses}]`, `[${thresholds.length}]`);
  if (prob.length % nClasses !== 0) throw new ShapeError('frame probabilities', `[frames, ${nClasses}]`, `length ${prob.length}`);
  const t32 = Float32Array.from(thresholds); // float32 comparison, see module comment
  const out = new Uint8Array(prob.length);
  for (let k = 0; k < prob.length; k++) out[k] = prob[k] > t32[k % nClasses] ? 1 : 0;
  return out;
}
