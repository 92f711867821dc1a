/**
 * Sharded extraction for clusters (`sed features --shard K/N`): which clips shard K of N extracts, and the name of
 * its journal. A clip belongs to shard FNV-1a-32("<subset>/<clip name>") mod N: it depends only on the clip's own
 * name, so it is the same on every machine and every run, and adding clips to a corpus moves no other clip.
 * Shards write their .npy files into the same store layout and each appends to its own journal
 * (`<subset>/.journal.shard-K-of-N.jsonl`), so that concurrent shards on a shared filesystem never write one file;
 * the next plain run (or `--merge`) reads every journal and writes manifests and statistics.
 */
import { UsageError } from '../errors.ts';

export interface Shard {
  /** 0-based: 0 ≤ index < count (Slurm's $SLURM_ARRAY_TASK_ID with --array=0-(N-1), Kubernetes' $JOB_COMPLETION_INDEX). */
  index: number;
  count: number;
}

/** Parses `K/N` (0 ≤ K < N); throws UsageError naming `--shard` otherwise. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) {
    throw new UsageError(`--shard expects K/N with 0 <= K < N, e.g. 0/4 … 3/4 (got '${text}')`);
  }
  return { index, count };
}

/** 32-bit FNV-1a of the UTF-8 bytes of `text` (the published offset basis 2166136261 and prime 16777619). */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The shard (0 … count − 1) that extracts `clip` of `subset`. */
export function shardOfClip(subset: string, clip: string, count: number): number {
  return fnv1a32(`${subset}/${clip}`) % count;
}

/** Journal file name of a shard run, inside the subset folder. */
export const shardJournalName = (shard: Shard) => `.journal.shard-${shard.index}-of-${shard.count}.jsonl`;
