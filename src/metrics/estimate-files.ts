/**
 * Which detection file `sed metrics` scores: one file is one operating point (its threshold is not needed); several
 * files are a threshold sweep (PSDS), each name carrying its threshold (`thr_0.50.tsv`), ordered by threshold, and the
 * event/segment/tagging families score the file at the configured decision threshold, or the nearest one.
 */
import { basename } from 'node:path';
import { UsageError } from '../errors.ts';

export interface EstimateFile {
  path: string;
  /** From the file name; null for a single file whose name carries none. */
  threshold: number | null;
}

export interface EstimateChoice {
  /** In ascending threshold order (a single file as given). */
  files: EstimateFile[];
  /** The file the threshold-dependent families score. */
  scored: EstimateFile;
}

/** The last decimal number in a file's base name (`thr_0.50.tsv` → 0.5, `det-0.3-v2.tsv` → 0.3), or null. */
export function thresholdFromName(path: string): number | null {
  const matches = [...basename(path).matchAll(/\d*\.\d+|\d+/g)].filter((m) => m[0].includes('.') || /^[01]$/.test(m[0]));
  const last = matches.at(-1);
  if (!last) return null;
  const value = Number(last[0]);
  return value >= 0 && value <= 1 ? value : null;
}

/**
 * Orders the estimate files and picks the one scored at `threshold` (the nearest threshold; the lower one on a tie).
 * Throws UsageError when several files are given and one of them has no threshold in its name, or two share one.
 */
export function chooseEstimate(paths: string[], threshold: number): EstimateChoice {
  if (paths.length === 0) throw new UsageError('--estimate needs at least one file');
  if (paths.length === 1) {
    const only = { path: paths[0], threshold: thresholdFromName(paths[0]) };
    return { files: [only], scored: only };
  }
  const files = paths.map((path) => {
    const t = thresholdFromName(path);
    if (t === null) throw new UsageError(`--estimate ${path}: with several estimate files each name must carry its threshold in [0, 1] (e.g. thr_0.50.tsv)`);
    return { path, threshold: t };
  });
  files.sort((a, b) => a.threshold - b.threshold);
  for (let k = 1; k < files.length; k++) {
    if (files[k].threshold === files[k - 1].threshold) throw new UsageError(`--estimate: ${files[k - 1].path} and ${files[k].path} both carry threshold ${files[k].threshold}`);
  }
  let scored = files[0];
  for (const f of files) if (Math.abs(f.threshold - threshold) < Math.abs(scored.threshold! - threshold)) scored = f;
  return { files, scored };
}
