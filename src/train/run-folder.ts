/**
 * How `sed train` starts in its --out folder. A folder with a checkpoint holds a run: continue it with --resume, or
 * refuse (exit 2). A folder without one (an interrupted first epoch leaves config.yaml, feature_stats.json and an
 * empty metrics.jsonl) is a fresh start, with or without --resume, and the log says so; its leftovers are cleared so
 * the new run's metrics.jsonl starts empty.
 */
import { existsSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';
import type { Logger } from '../util/log.ts';
import { findCheckpoint, readState } from '../checkpoint/checkpoint.ts';
import { lastCheckpointDir } from '../checkpoint/best-and-last.ts';

/** What an earlier, unfinished start may leave behind without a checkpoint: cleared before a fresh start. */
const LEFTOVERS = ['metrics.jsonl', 'n_c.json', 'summary.json', 'best.next'];

/** Temporary siblings of atomic writes (`x.<pid>.<hex>.tmp`, `last.<hex>.tmp`) left by a process killed mid-write. */
const TEMPORARY = /\.(\d+\.)?[0-9a-f]{8}\.tmp$/;

export { lastCheckpointDir };

/**
 * Prepares `out` for training and returns the checkpoint folder to resume from, or null for a fresh start.
 * Throws UsageError (exit 2) when `out` holds a checkpoint and `resume` is false, or holds a model (best/) but no
 * checkpoint to continue from. Removes stale temporary files of interrupted writes either way.
 */
export async function prepareRunFolder(out: string, resume: boolean, log: Logger): Promise<string | null> {
  await removeTemporaries(out);
  const checkpoint = findCheckpoint(lastCheckpointDir(out));
  if (checkpoint) {
    if (resume) return checkpoint;
    const { epoch, batch_in_epoch: batch } = readState(checkpoint);
    throw new UsageError(
      `--out ${out} already holds a run (checkpoint after ${batch ? `step ${batch} of epoch ${epoch + 1}` : `epoch ${epoch}`}): pass --resume to continue it, or choose another --out`,
    );
  }
  if (existsSync(join(out, 'best', 'model.json')))
    throw new UsageError(`--out ${out} holds a trained model (best/) but no checkpoints/last to continue from: choose another --out`);
  const leftovers = existsSync(out) ? readdirSync(out).filter((name) => name !== 'checkpoints') : [];
  if (leftovers.length) log.info(`${out} has no checkpoint (${leftovers.join(', ')} from an unfinished start): starting a fresh run there`);
  else if (resume) log.info(`nothing to resume in ${out} (no checkpoint): starting a fresh run`);
  for (const name of LEFTOVERS) await rm(join(out, name), { force: true, recursive: true });
  return null;
}

async function removeTemporaries(out: string) {
  for (const dir of [out, join(out, 'checkpoints')]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) if (TEMPORARY.test(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
}
