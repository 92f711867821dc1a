/**
 * Per-class median filter over time, as DESED applies scipy.ndimage.median_filter(x, (window, 1)):
 * odd window centred on each frame, edges extended by scipy's default mode 'reflect' (… c b a | a b c … x y z | z y x …,
 * the edge sample repeated). For odd windows a median commutes with any threshold (p > t is monotone), so filtering
 * probabilities and then thresholding gives the same decisions as DESED's threshold-then-filter; a sweep over many
 * thresholds can then filter once.
 */
import { ConfigError, ShapeError } from '../errors.ts';
import { frameFromSec, type FrameGrid } from '../data/time-grid.ts';

/**
 * Window in frames from seconds: nearest whole number of frames (in whole samples, data/time-grid.ts), raised to the
 * next odd number, at least 1.
 */
export function medianWindowFrames(windowSec: number, grid: FrameGrid): number {
  if (!(windowSec >= 0) || !Number.isFinite(windowSec)) throw new ConfigError('postprocess.median_window', `must be ≥ 0 seconds (${windowSec} given)`);
  const frames = Math.max(1, frameFromSec(windowSec, grid, 'round'));
  return frames % 2 === 1 ? frames : frames + 1;
}

/** scipy 'reflect' index for any integer i and length n ≥ 1 (period 2n). */
function reflectIndex(i: number, n: number): number {
  const period = 2 * n;
  const k = ((i % period) + period) % period;
  return k < n ? k : period - 1 - k;
}

/**
 * Median-filters each class column of [frames, classes] (row-major) with its own odd window (1 = unchanged).
 * Returns a new array; values are input values (a median picks one), so nothing is rounded.
 */
export function medianFilterPerClass(prob: Float32Array, nClasses: number, windowsFrames: ArrayLike<number>): Float32Array {
  if (windowsFrames.length !== nClasses) throw new ShapeError('median windows', `[${nClasses}]`, `[${windowsFrames.length}]`);
  if (prob.length % nClasses !== 0) throw new ShapeError('frame probabilities', `[frames, ${nClasses}]`, `length ${prob.length}`);
  const nFrames = prob.length / nClasses;
  const out = new Float32Array(prob);
  for (let c = 0; c < nClasses; c++) {
    const w = windowsFrames[c];
    if (!Number.isInteger(w) || w < 1 || w % 2 === 0) {
      throw new ConfigError('postprocess.median_window', `must be an odd whole number of frames ≥ 1 (${w} given for class ${c})`);
    }
    if (w === 1 || nFrames === 0) continue;
    const half = (w - 1) / 2;
    const window = new Float32Array(w);
    for (let t = 0; t < nFrames; t++) {
      for (let k = 0; k < w; k++) window[k] = prob[reflectIndex(t - half + k, nFrames) * nClasses + c];
      window.sort();
      out[t * nClasses + c] = window[half];
    }
  }
  return out;
}
