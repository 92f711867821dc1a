/**
 * DCASE 2017 Task 4 layout. Metadata: the challenge's own ground-truth files
 * (ankitshah009/Task-4-Large-scale-weakly-supervised-sound-event-detection-for-smart-cars), tab-separated despite
 * the .csv name, no header, looked up at the root and then in `groundtruth_release/` (where the challenge
 * repository keeps the evaluation files):
 *
 *   groundtruth_weak_label_training_set.csv     file<TAB>start<TAB>end<TAB>label (YouTube times)  required
 *   groundtruth_strong_label_testing_set.csv    file<TAB>onset<TAB>offset<TAB>label (clip times)  required
 *   groundtruth_weak_label_testing_set.csv      like the training list                             optional
 *   groundtruth_strong_label_evaluation_set.csv like the strong testing list                       optional
 *   groundtruth_weak_label_evaluation_set.csv   like the training list                             optional
 *
 * Audio (our choice; the challenge's download script names each clip `Y<file>`, because names starting with `-`
 * trouble sox/ffmpeg): `audio/training/`, `audio/testing/`, `audio/evaluation/`, each file `Y<file>` — the `Y`
 * is always prepended, so a YouTube id that itself starts with `Y` gives `YY…`. Clip names in the index and
 * in events carry the `Y` too, so they equal the audio file names.
 *
 * Subsets: training (weak, train_weak), testing (strong + weak, validation), evaluation (strong, test). The
 * strong file defines a strong subset's clips; weak labels come from the weak file when present, else from the
 * clip's events. One row per label, rows of one clip need not be adjacent.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../errors.ts';
import type { ClipEntry, LayoutReadResult, SubsetIndex } from './types.ts';
import { ProblemLog, strongClipsFromRows, weakLabelsFromEvents } from './label-rows.ts';
import { readTable, secondsFromCell, type TableRow } from './tsv.ts';

export const DCASE2017_FILES = {
  trainingWeak: 'groundtruth_weak_label_training_set.csv',
  testingStrong: 'groundtruth_strong_label_testing_set.csv',
  testingWeak: 'groundtruth_weak_label_testing_set.csv',
  evaluationStrong: 'groundtruth_strong_label_evaluation_set.csv',
  evaluationWeak: 'groundtruth_weak_label_evaluation_set.csv',
} as const;

const METADATA_DIRS = ['', 'groundtruth_release'];

export const DCASE2017_AUDIO_DIRS = { training: 'audio/training', testing: 'audio/testing', evaluation: 'audio/evaluation' } as const;

/** The audio/index name of a ground-truth file name: always `Y` + the name. */
export function clipNameFrom2017(file: string): string {
  return `Y${file}`;
}

/**
 * Reads a DCASE 2017 Task 4 folder (see the file header for the files) into subsets; problems are collected under
 * dataset.ts's policy. Throws DataError when a required metadata file is missing or unreadable.
 */
export async function readDcase2017(root: string, classes: string[]): Promise<LayoutReadResult> {
  const log = new ProblemLog(classes);
  const subsets: SubsetIndex[] = [];

  const trainingFile = await locate(root, DCASE2017_FILES.trainingWeak, true);
  const training = weakClipsFromRows((await readTable(trainingFile!, true))!, trainingFile!, log);
  const trainingDir = join(root, DCASE2017_AUDIO_DIRS.training);
  subsets.push({
    name: 'training',
    role: 'train_weak',
    clips: [...training].map(([name, labels]) => ({ name, audioPath: join(trainingDir, name), subset: 'training', weakLabels: labels, events: null })),
  });

  const strongSubsets = [
    { name: 'testing', role: 'validation', strong: DCASE2017_FILES.testingStrong, weak: DCASE2017_FILES.testingWeak, required: true },
    { name: 'evaluation', role: 'test', strong: DCASE2017_FILES.evaluationStrong, weak: DCASE2017_FILES.evaluationWeak, required: false },
  ] as const;
  for (const spec of strongSubsets) {
    const strongFile = await locate(root, spec.strong, spec.required);
    if (!strongFile) continue;
    const byClip = strongClipsFromRows((await readTable(strongFile, true))!, strongFile, log, { nameFromCell: clipNameFrom2017 });
    const weakFile = await locate(root, spec.weak, false);
    const weak = weakFile ? weakClipsFromRows((await readTable(weakFile, true))!, weakFile, log) : null;
    const audioDir = join(root, DCASE2017_AUDIO_DIRS[spec.name]);
    const clips: ClipEntry[] = [...byClip].map(([name, events]) => ({
      name,
      audioPath: join(audioDir, name),
      subset: spec.name,
      weakLabels: weak?.get(name) ?? weakLabelsFromEvents(events),
      events,
    }));
    subsets.push({ name: spec.name, role: spec.role, clips });
  }
  return { subsets, problems: log.problems };
}

/** First existing path of a metadata file among the places it may sit; a missing required one throws. */
async function locate(root: string, name: string, required: boolean): Promise<string | null> {
  for (const dir of METADATA_DIRS) {
    const path = join(root, dir, name);
    try {
      await access(path);
      return path;
    } catch {
      // try the next place
    }
  }
  if (required) throw new DataError(join(root, name), `required metadata file is missing (also looked in ${join(root, 'groundtruth_release')})`);
  return null;
}

/** Weak ground-truth rows (`file start end label`, one label per row) → clip name (with `Y`) → labels. */
function weakClipsFromRows(rows: TableRow[], file: string, log: ProblemLog): Map<string, string[]> {
  const clips = new Map<string, string[]>();
  for (const { cells, line } of rows) {
    if (cells.length !== 4) {
      log.add('malformed_row', file, line, `expected 4 tab-separated columns (file, start, end, label), got ${cells.length}`);
      continue;
    }
    const [cell, startCell, endCell, label] = cells;
    if (cell === '' || label === '') {
      log.add('malformed_row', file, line, cell === '' ? 'empty file name' : 'empty label');
      continue;
    }
    const startSec = secondsFromCell(startCell);
    const endSec = secondsFromCell(endCell);
    if (startSec === null || endSec === null || endSec < startSec) {
      log.add('malformed_row', file, line, `start and end must be numbers with start ≤ end (got '${startCell}', '${endCell}')`);
      continue;
    }
    const name = clipNameFrom2017(cell);
    let labels = clips.get(name);
    if (!labels) clips.set(name, (labels = []));
    if (labels.includes(label)) {
      log.add('duplicate', file, line, `label '${label}' repeated for clip ${name}`);
      continue;
    }
    if (log.checkLabel(label, file, line, name)) labels.push(label);
  }
  return clips;
}
