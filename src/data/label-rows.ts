/**
 * Row-level parsing shared by the DCASE readers: strong-label rows (`file onset offset label`), label checks
 * against the class list, and the problem list. The policy is documented in dataset.ts.
 */
import type { DataProblem } from './types.ts';
import type { SoundEvent } from './events.ts';
import { secondsFromCell, type TableRow } from './tsv.ts';

/** Collects problems and checks labels against the class list. */
export class ProblemLog {
  readonly problems: DataProblem[] = [];
  private readonly known: Set<string>;

  constructor(classes: string[]) {
    this.known = new Set(classes);
  }

  add(kind: DataProblem['kind'], file: string, line: number | undefined, message: string): void {
    this.problems.push(line === undefined ? { file, message, kind } : { file, line, message, kind });
  }

  /** True when the label is a known class; otherwise reports it (file + line) and returns false. */
  checkLabel(label: string, file: string, line: number, clip: string): boolean {
    if (this.known.has(label)) return true;
    this.add('unknown_label', file, line, `unknown label '${label}' for clip ${clip} (dropped; the clip is kept)`);
    return false;
  }
}

export interface StrongTableOptions {
  /** The file skips its first row when that row's first cell equals this (DCASE 2019 `filename`). */
  headerFirstCell?: string;
  /** Clip name from the first cell (DCASE 2017 prepends `Y`). */
  nameFromCell?: (cell: string) => string;
}

/**
 * Parses a strong-label table into clip name → events, clips in first-appearance order. A clip whose only rows
 * are empty (`name<TAB><TAB><TAB>`, or `name` alone when an editor stripped trailing tabs) or zero-length maps
 * to []. Rows of one clip need not be adjacent.
 */
export function strongClipsFromRows(rows: TableRow[], file: string, log: ProblemLog, opts: StrongTableOptions = {}): Map<string, SoundEvent[]> {
  const clips = new Map<string, SoundEvent[]>();
  const seen = new Set<string>();
  const nameFromCell = opts.nameFromCell ?? ((c: string) => c);
  rows.forEach((row, i) => {
    const { cells, line } = row;
    if (i === 0 && opts.headerFirstCell !== undefined && cells[0] === opts.headerFirstCell) return;
    if (cells.length !== 4 && cells.length !== 1) {
      log.add('malformed_row', file, line, `expected 4 tab-separated columns (file, onset, offset, label), got ${cells.length}`);
      return;
    }
    if (cells[0] === '') {
      log.add('malformed_row', file, line, 'empty file name');
      return;
    }
    const name = nameFromCell(cells[0]);
    const [onsetCell = '', offsetCell = '', label = ''] = cells.slice(1);
    if (onsetCell === '' && offsetCell === '' && label === '') {
      if (!clips.has(name)) clips.set(name, []);
      return;
    }
    if (onsetCell === '' || offsetCell === '' || label === '') {
      log.add('malformed_row', file, line, 'onset, offset and label must all be given or all be empty');
      return;
    }
    const onsetSec = secondsFromCell(onsetCell);
    const offsetSec = secondsFromCell(offsetCell);
    if (onsetSec === null || offsetSec === null) {
      log.add('malformed_row', file, line, `onset and offset must be numbers ≥ 0 (got '${onsetCell}', '${offsetCell}')`);
      return;
    }
    if (onsetSec > offsetSec) {
      log.add('malformed_row', file, line, `onset ${onsetSec} is after offset ${offsetSec}`);
      return;
    }
    if (!clips.has(name)) clips.set(name, []);
    if (!log.checkLabel(label, file, line, name)) return;
    const key = `${name}\t${onsetSec}\t${offsetSec}\t${label}`;
    if (seen.has(key)) {
      log.add('duplicate', file, line, `event repeated for clip ${name}: ${onsetSec}–${offsetSec} ${label} (dropped)`);
      return;
    }
    seen.add(key);
    // onset = offset: the labelled sound is absent (DCASE 2017 `0 0` rows); no event, the clip stays
    if (offsetSec > onsetSec) clips.get(name)!.push({ file: name, onsetSec, offsetSec, label });
  });
  return clips;
}

/** Labels of a clip's events, deduplicated in first-appearance order. */
export function weakLabelsFromEvents(events: SoundEvent[]): string[] {
  return [...new Set(events.map((e) => e.label))];
}
