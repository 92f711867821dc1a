/**
 * The normalized dataset index both DCASE layouts produce, and `readDataset`, the one entry point.
 *
 * Policy (same for both layouts):
 * - Problems are collected, never thrown; only a missing metadata file that the layout requires, or an unreadable one
 *   (including one with a lone CR line ending, see tsv.ts `rowsFromText`), throws DataError.
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
import type { DataProblem, DatasetIndex, ReadDatasetOptions, SubsetIndex } from './types.ts';
import { resolveClasses } from './classes.ts';
import { readDcase2017 } from './dcase2017.ts';
import { readDcase2019 } from './dcase2019.ts';

export type { ClipEntry, DataProblem, DatasetIndex, LayoutReadResult, ReadDatasetOptions, SubsetIndex, SubsetRole } from './types.ts';

/**
 * Reads a DCASE dataset folder into the normalized index: resolves the class list (opts.classes, else
 * <root>/classes.json, else the layout's official list), reads the layout's metadata tables, and with
 * opts.checkAudio (default true) reports every clip whose audio file is absent. Problems are collected under the
 * policy above; throws DataError only when a required metadata file or the class list is missing or unreadable.
 */
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
