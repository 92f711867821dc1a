/**
 * The per-epoch pair of checkpoints, best/ and checkpoints/last/, kept consistent: last/state.json names the best
 * epoch, and best/ holds exactly that epoch, whenever the run stops (crash, kill, full disk).
 *
 * Why an order alone cannot do it: writing last/ first leaves state.json naming a best epoch that best/ does not hold
 * yet (the fault this fixes); writing best/ first leaves best/ holding an epoch that the resumed run will redo. So an
 * improved epoch is written in three steps, last/state.json being the commit point:
 *   1. the new best into best.next/ (not yet the best);
 *   2. last/ (its state.json now names that epoch as best);
 *   3. best.next/ renamed to best/.
 * `bestCheckpointDir` reads the pair as last/state.json says at any of these instants (best/, or best.next/ after a
 * stop between 2 and 3); `reconcileBest` (on --resume) finishes step 3 or drops an uncommitted best.next/.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { findCheckpoint, readState, replaceDir, writeCheckpoint, type CheckpointContent } from './checkpoint.ts';

/** A run's latest checkpoint folder: <run>/checkpoints/last. */
export const lastCheckpointDir = (run: string) => join(run, 'checkpoints', 'last');
const bestDir = (run: string) => join(run, 'best');
const pendingBestDir = (run: string) => join(run, 'best.next');

type WriteCheckpoint = (dir: string, content: CheckpointContent) => Promise<void>;

/**
 * Writes the checkpoints of a finished epoch: last/ always, best/ too when `improved` (content.state.best then names
 * this epoch), in the order above. `write` is writeCheckpoint; tests pass one that fails at a chosen step.
 */
export async function writeEpochCheckpoints(run: string, content: CheckpointContent, improved: boolean, write: WriteCheckpoint = writeCheckpoint): Promise<void> {
  if (improved) await write(pendingBestDir(run), content);
  await write(lastCheckpointDir(run), content);
  if (improved) await replaceDir(pendingBestDir(run), bestDir(run));
}

/** The epoch a checkpoint folder holds (its state.json), or null when it has none. */
function epochIn(dir: string): number | null {
  return existsSync(join(dir, 'state.json')) ? readState(dir).epoch : null;
}

/** The best epoch that last/state.json names, or null (no last checkpoint, or no best yet). */
function committedBestEpoch(run: string): number | null {
  const last = findCheckpoint(lastCheckpointDir(run));
  return last ? (readState(last).best?.epoch ?? null) : null;
}

/**
 * The folder holding the run's best checkpoint as last/state.json names it: best/, or best.next/ or best.old/ when a
 * run stopped between two steps. Falls back to best/ for runs without a last checkpoint; null when there is none.
 */
export function bestCheckpointDir(run: string): string | null {
  const epoch = committedBestEpoch(run);
  const candidates = [bestDir(run), pendingBestDir(run), `${bestDir(run)}.old`];
  if (epoch !== null) {
    const match = candidates.find((dir) => epochIn(dir) === epoch);
    if (match) return match;
  }
  return existsSync(join(bestDir(run), 'model.json')) ? bestDir(run) : null;
}

/** Brings the folders in line with last/state.json after a stop: promotes a committed best.next/, drops any other. */
export async function reconcileBest(run: string): Promise<void> {
  const pending = pendingBestDir(run);
  if (!existsSync(pending)) return;
  const epoch = committedBestEpoch(run);
  if (epoch !== null && epochIn(pending) === epoch) await replaceDir(pending, bestDir(run));
  else await rm(pending, { recursive: true, force: true });
}
