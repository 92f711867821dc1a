/**
 * DCASE 2019 Task 4 (DESED) layout, as in turpaultn/DCASE2019_task4:
 *
 *   metadata/train/weak.tsv               filename<TAB>event_labels (comma-joined)      audio/train/weak/
 *   metadata/train/synthetic.tsv          filename<TAB>onset<TAB>offset<TAB>event_label audio/train/synthetic/
 *   metadata/train/unlabel_in_domain.tsv  filename                                      audio/train/unlabel_in_domain/
 *   metadata/validation/validation.tsv    filename<TAB>onset<TAB>offset<TAB>event_label audio/validation/
 *   metadata/eval/public.tsv (optional)   same columns as validation                    audio/eval/public/
 *
 * All files have a header row. Audio file names are used as written in the metadata (public.tsv's names lack
 * the `Y` prefix, and so do its audio files).
 */
import { join } from 'node:path';
import type { ClipEntry, LayoutReadResult, SubsetIndex, SubsetRole } from './types.ts';
import { ProblemLog, strongClipsFromRows, weakLabelsFromEvents } from './label-rows.ts';
import { readTable, type TableRow } from './tsv.ts';

interface SubsetSpec2019 {
  name: string;
  role: SubsetRole;
  metadata: string; // relative to root
  audioDir: string; // relative to root
  kind: 'weak' | 'strong' | 'unlabeled';
  required: boolean;
}

export const DCASE2019_SUBSETS: readonly SubsetSpec2019[] = [
  { name: 'weak', role: 'train_weak', metadata: 'metadata/train/weak.tsv', audioDir: 'audio/train/weak', kind: 'weak', required: true },
  { name: 'synthetic', role: 'train_strong', metadata: 'metadata/train/synthetic.tsv', audioDir: 'audio/train/synthetic', kind: 'strong', required: true },
  {
    name: 'unlabel_in_domain',
    role: 'train_unlabeled',
    metadata: 'metadata/train/unlabel_in_domain.tsv',
    audioDir: 'audio/train/unlabel_in_domain',
    kind: 'unlabeled',
    required: true,
  },
  { name: 'validation', role: 'validation', metadata: 'metadata/validation/validation.tsv', audioDir: 'audio/validation', kind: 'strong', required: true },
  { name: 'eval_public', role: 'test', metadata: 'metadata/eval/public.tsv', audioDir: 'audio/eval/public', kind: 'strong', required: false },
];

/**
 * Reads a DCASE 2019 Task 4 folder (metadata/*.tsv, audio/*; see the file header) into subsets; problems are
 * collected under dataset.ts's policy. Throws DataError when a required metadata file is missing or unreadable.
 */
export async function readDcase2019(root: string, classes: string[]): Promise<LayoutReadResult> {
  const log = new ProblemLog(classes);
  const subsets: SubsetIndex[] = [];
  for (const spec of DCASE2019_SUBSETS) {
    const file = join(root, spec.metadata);
    const rows = await readTable(file, spec.required);
    if (!rows) continue;
    const audioDir = join(root, spec.audioDir);
    const clip = (name: string, weakLabels: string[] | null, events: ClipEntry['events']): ClipEntry => ({
      name,
      audioPath: join(audioDir, name),
      subset: spec.name,
      weakLabels,
      events,
    });
    let clips: ClipEntry[];
    if (spec.kind === 'strong') {
      const byClip = strongClipsFromRows(rows, file, log, { headerFirstCell: 'filename' });
      clips = [...byClip].map(([name, events]) => clip(name, weakLabelsFromEvents(events), events));
    } else {
      const byClip = spec.kind === 'weak' ? weakClipsFromRows(rows, file, log) : unlabeledClipsFromRows(rows, file, log);
      clips = [...byClip].map(([name, labels]) => clip(name, labels, null));
    }
    subsets.push({ name: spec.name, role: spec.role, clips });
  }
  return { subsets, problems: log.problems };
}

/** weak.tsv rows → clip name → labels. Repeated labels in a row are merged silently; a repeated clip is reported. */
function weakClipsFromRows(rows: TableRow[], file: string, log: ProblemLog): Map<string, string[]> {
  const clips = new Map<string, string[]>();
  rows.forEach(({ cells, line }, i) => {
    if (i === 0 && cells[0] === 'filename') return;
    if (cells.length !== 2 || cells[0] === '' || cells[1] === '') {
      log.add('malformed_row', file, line, `expected 2 tab-separated columns (filename, event_labels), got ${cells.length === 2 ? 'an empty cell' : cells.length}`);
      return;
    }
    const [name, labelCell] = cells;
    let labels = clips.get(name);
    if (labels) log.add('duplicate', file, line, `clip ${name} listed again (labels merged)`);
    else clips.set(name, (labels = []));
    for (const raw of labelCell.split(',')) {
      const label = raw.trim();
      if (label === '' || labels.includes(label)) continue;
      if (log.checkLabel(label, file, line, name)) labels.push(label);
    }
  });
  return clips;
}

/** unlabel_in_domain.tsv rows → clip name → null (no labels). */
function unlabeledClipsFromRows(rows: TableRow[], file: string, log: ProblemLog): Map<string, null> {
  const clips = new Map<string, null>();
  rows.forEach(({ cells, line }, i) => {
    if (i === 0 && cells[0] === 'filename') return;
    if (cells.length !== 1 || cells[0] === '') {
      log.add('malformed_row', file, line, `expected 1 column (filename), got ${cells.length}`);
      return;
    }
    if (clips.has(cells[0])) log.add('duplicate', file, line, `clip ${cells[0]} listed again`);
    clips.set(cells[0], null);
  });
  return clips;
}
