/**
 * Per-mel-bin normalisation of log-mel features with a store's (or a run's) statistics. Pure (no Node APIs): training
 * batches, `sed predict` and the browser page share it, so all three feed the model the same numbers.
 */

/** Per-mel-bin normalisation: x ↦ (x − mean) · invStd, with invStd = 1 / max(std, 1e-8). */
export interface Normaliser {
  mean: number[];
  invStd: number[];
}

/** The normaliser of a store's (or a run's) statistics. */
export function normaliserFrom(stats: { mean: number[]; std: number[] }): Normaliser {
  return { mean: stats.mean, invStd: stats.std.map((s) => 1 / Math.max(s, 1e-8)) };
}

/**
 * Writes `frames` normalised frames of a row-major [*, nMels] log-mel matrix into `into[offset …]`. Frames at and past
 * `usableFrames` are 0, the normalised mean, like padding with average features.
 */
export function normaliseInto(data: Float32Array, usableFrames: number, frames: number, nMels: number, norm: Normaliser, into: Float32Array, offset: number): void {
  const { mean, invStd } = norm;
  for (let t = 0; t < frames; t++) {
    for (let m = 0; m < nMels; m++) {
      into[offset + t * nMels + m] = t < usableFrames ? (data[t * nMels + m] - mean[m]) * invStd[m] : 0;
    }
  }
}
