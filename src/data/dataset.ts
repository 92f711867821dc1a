/**
 * The normalized dataset index both DCASE layouts produce, and `readDataset`, the one entry point.
 *
 * Policy (same for both layouts):
 * - Problems are collected, never thrown; only a missing metadata file that the layout requires throws DataError.
 * - A malformed row (wrong column count, empty file name, a time that is not a number ≥ 0, onset > offset) is
 *   reported with file and line and skipped; the clip stays if other rows name it.
 * - An unknown label is reported with file and line and dropped; the row's other labels (weak) and the clip
 *   itself are kept, so one typo does not remove a clip from training.
 * - A repeated label inside one weak row is deduplicated silently (real weak.tsv has `Running_water,Running_water`);
 *   a repeated row (same clip twice in a weak/unlabeled list, or an identical strong event) is reported as
 *   `duplicate` and merged/dropped.
 * - Zero-length strong rows (onset = offset, e.g. DCASE 2017's `0 0` rows: the sound was absent) add no event
 *   but keep the clip.
 * - With checkAudio (default true), every listed clip whose audio file is absent is reported as `missing_audio`
 *   with `file` = the audio path; the clip stays in the index so the caller decides what to skip.
 */
import { stat } from 'node:fs/promises';
import type { Layout } from '../config/types.ts';
import type { SoundEvent } from './events.ts';
import { resolveClasses } from './classes.ts';
import { readDcase2017 } from './dcase2017.ts';
import { readDcase2019 } from './dcase2019.ts';

export interface ClipEntry {
  /** File name as in the metadata (DCASE 2017: with the `Y` prefix added), e.g. `Yabc_10.000_20.000.wav`. */
  name: string;
  audioPath: string;
  subset: string;
  /** Clip-level labels, deduplicated, in first-appearance order; null = not labelled. */
  weakLabels: string[] | null;
  /** Strong labels; [] = labelled with no event; null = no strong labels. */
  events: SoundEvent[] | null;
}

export type SubsetRole = 'train_weak' | 'train_strong' | 'train_unlabeled' | 'validation' | 'test';

export interface SubsetIndex {
  name: string;
  role: SubsetRole;
  clips: ClipEntry[];
}

export interface DataProblem {
  file: string;
  line?: number;
  message: string;
  kind: 'missing_audio' | 'unknown_label' | 'malformed_row' | 'duplicate';
}

export interface DatasetIndex {
  layout: Layout;
  root: string;
  classes: string[];
  subsets: SubsetIndex[];
  problems: DataProblem[];
}

export interface ReadDatasetOptions {
  /** Overrides classes.json and the official list. */
  classes?: string[];
  /** Stat every audio file and report the missing ones (default true). */
  checkAudio?: boolean;
}

/** What a layout reader returns; readDataset adds the audio check. */
export interface LayoutReadResult {
  subsets: SubsetIndex[];
  problems: DataProblem[];
}

export async function readDataset(layout: Layout, root: string, opts: ReadDatasetOptions = {}): Promise<DatasetIndex> {
  const classes = await resolveClasses(layout, root, opts.classes);
  const read = layout === 'dcase2019' ? readDcase2019 : readDcase2017;
  const { subsets, problems } = await read(root, classes);
  if (opts.checkAudio ?? true) problems.push(...(await missingAudioProblems(subsets)));
  return { layout, root, classes, subsets, problems };
}

/** Stats audio files a few dozen at a time (a DCASE 2017 training list has ~51k clips). */
async function missingAudioProblems(subsets: SubsetIndex[]): Promise<DataProblem[]> {
  const clips = subsets.flatMap((s) => s.clips);
  const missing: boolean[] = new Array(clips.length).fill(false);
  const concurrency = 64;
  let next = 0;
  const worker = async () => {
    while (next < clips.length) {
      const i = next++;
      try {
        const s = await stat(clips[i].audioPath);
        missing[i] = !s.isFile();
      } catch {
        missing[i] = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, clips.length) }, worker));
  return clips
    .filter((_, i) => missing[i])
    .map((c) => ({ file: c.audioPath, message: `audio file missing for clip ${c.name} (subset ${c.subset})`, kind: 'missing_audio' as const }));
}
