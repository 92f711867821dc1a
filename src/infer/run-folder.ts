/** Where a run folder (written by `sed train`) keeps its checkpoints. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '../errors.ts';
import { bestCheckpointDir } from '../checkpoint/best-and-last.ts';

/**
 * The folder of a run's checkpoint: 'best' → <run>/best (or where a run stopped mid-write left the best epoch that
 * checkpoints/last/state.json names: checkpoint/best-and-last.ts), 'last' → <run>/checkpoints/last, any other name →
 * <run>/checkpoints/<name> (e.g. epoch-007). Throws DataError when that folder has no model.json.
 */
export function checkpointDir(run: string, checkpoint = 'best'): string {
  const dir = checkpoint === 'best' ? (bestCheckpointDir(run) ?? join(run, 'best')) : checkpoint === 'last' ? join(run, 'checkpoints', 'last') : join(run, 'checkpoints', checkpoint);
  if (!existsSync(join(dir, 'model.json'))) throw new DataError(dir, `no checkpoint '${checkpoint}' in run ${run} (expected model.json here)`);
  return dir;
}
