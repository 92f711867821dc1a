/**
 * DCASE label tables as tab-separated text.
 *
 * - strong: header `filename onset offset event_label` (any column order, extra columns ignored); a clip with no
 *   event is a row with empty onset/offset/label (a row holding only the file name is read the same way, as pandas
 *   reads it in the DCASE baselines);
 * - weak: header `filename event_labels`, labels comma-joined, repeats dropped, empty = no label;
 * - durations: header `filename duration` (seconds), what PSDS needs per clip.
 *
 * Rows are split by data/tsv.ts `rowsFromText`, the reader the dataset readers use: CRLF, a missing final newline,
 * blank lines and a UTF-8 BOM are accepted, a lone CR is not. Times are data/tsv.ts `secondsFromCell` numbers (no
 * sign but '+', no nan/inf). Anything else malformed throws DataError(file, detail, line) with the 1-based physical
 * line, header = line 1.
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.ts';
import type { EventTable, SoundEvent } from '../data/events.ts';
import { rowsFromText, secondsFromCell, type TableRow } from '../data/tsv.ts';
import { msRounded } from '../data/time-grid.ts';

/** Per-clip label sets (weak labels or clip tags). `files` keeps first-appearance order. */
export interface FileTags {
  files: string[];
  labels: Map<string, string[]>; // file → distinct labels, first-appearance order
}

export type LabelTable = { kind: 'strong'; table: EventTable } | { kind: 'weak'; tags: FileTags };

const STRONG_COLUMNS = ['filename', 'onset', 'offset', 'event_label'] as const;
const WEAK_COLUMNS = ['filename', 'event_labels'] as const;
const DURATION_COLUMNS = ['filename', 'duration'] as const;

/** The header row and the data rows (data/tsv.ts `rowsFromText`: BOM, LF/CRLF, blank lines, lone CR rejected). */
function splitRows(text: string, file: string): { header: TableRow; rows: TableRow[] } | null {
  const rows = rowsFromText(text, file);
  const header = rows.shift();
  return header ? { header, rows } : null;
}

/** Column index of each required name, or a DataError naming what the header lacks. */
function columnIndex<K extends string>(header: TableRow, required: readonly K[], file: string, what: string): Record<K, number> {
  const names = header.cells;
  const index = {} as Record<K, number>;
  for (const name of required) {
    const at = names.indexOf(name);
    if (at < 0) {
      throw new DataError(file, `${what} header must name the columns ${required.join(', ')} (tab-separated); got "${header.cells.join('\\t')}"`, header.line);
    }
    index[name] = at;
  }
  return index;
}

function parseSeconds(value: string, column: string, file: string, line: number): number {
  const sec = secondsFromCell(value);
  if (sec !== null) return sec;
  if (value.startsWith('-') && secondsFromCell(value.slice(1)) !== null) throw new DataError(file, `${column} must not be negative, got ${value}`, line);
  throw new DataError(file, `${column} must be a number of seconds, got "${value}"`, line);
}

function headerKind(text: string, file: string): 'strong' | 'weak' | 'unknown' {
  const parsed = splitRows(text, file);
  if (!parsed) return 'unknown';
  const names = parsed.header.cells;
  if (STRONG_COLUMNS.every((c) => names.includes(c))) return 'strong';
  if (WEAK_COLUMNS.every((c) => names.includes(c))) return 'weak';
  return 'unknown';
}

/** Strong labels or detections → EventTable. `file` is only used in error messages. */
export function parseEventTsv(text: string, file: string): EventTable {
  const parsed = splitRows(text, file);
  if (!parsed) throw new DataError(file, 'empty file: expected a header "filename\\tonset\\toffset\\tevent_label"', 1);
  const col = columnIndex(parsed.header, STRONG_COLUMNS, file, 'event table');
  const width = parsed.header.cells.length;
  const files: string[] = [];
  const seen = new Set<string>();
  const events: SoundEvent[] = [];
  for (const { line, cells: fields } of parsed.rows) {
    if (fields.length !== width && !(fields.length === 1 && col.filename === 0)) {
      throw new DataError(file, `expected ${width} tab-separated columns, got ${fields.length}`, line);
    }
    const name = fields[col.filename] ?? '';
    if (name === '') throw new DataError(file, 'empty filename', line);
    if (!seen.has(name)) {
      seen.add(name);
      files.push(name);
    }
    const onset = fields[col.onset] ?? '';
    const offset = fields[col.offset] ?? '';
    const label = fields[col.event_label] ?? '';
    if (onset === '' && offset === '' && label === '') continue; // a clip with no event
    if (onset === '' || offset === '' || label === '') {
      throw new DataError(file, 'onset, offset and event_label must be all given or all empty', line);
    }
    const onsetSec = parseSeconds(onset, 'onset', file, line);
    const offsetSec = parseSeconds(offset, 'offset', file, line);
    if (offsetSec < onsetSec) throw new DataError(file, `offset ${offset} is before onset ${onset}`, line);
    events.push({ file: name, onsetSec, offsetSec, label });
  }
  return { files, events };
}

/** Weak labels (`filename event_labels`) → per-file label sets. */
export function parseWeakTsv(text: string, file: string): FileTags {
  const parsed = splitRows(text, file);
  if (!parsed) throw new DataError(file, 'empty file: expected a header "filename\\tevent_labels"', 1);
  const col = columnIndex(parsed.header, WEAK_COLUMNS, file, 'weak label table');
  const width = parsed.header.cells.length;
  const files: string[] = [];
  const labels = new Map<string, string[]>();
  for (const { line, cells: fields } of parsed.rows) {
    if (fields.length !== width && !(fields.length === 1 && col.filename === 0)) {
      throw new DataError(file, `expected ${width} tab-separated columns, got ${fields.length}`, line);
    }
    const name = fields[col.filename] ?? '';
    if (name === '') throw new DataError(file, 'empty filename', line);
    let set = labels.get(name);
    if (!set) {
      set = [];
      labels.set(name, set);
      files.push(name);
    }
    for (const raw of (fields[col.event_labels] ?? '').split(',')) {
      const label = raw.trim();
      if (label !== '' && !set.includes(label)) set.push(label); // real files repeat labels: "Running_water,Running_water"
    }
  }
  return { files, labels };
}

/** Either kind, chosen by the header. */
export function parseLabelTsv(text: string, file: string): LabelTable {
  const kind = headerKind(text, file);
  if (kind === 'weak') return { kind, tags: parseWeakTsv(text, file) };
  return { kind: 'strong', table: parseEventTsv(text, file) }; // 'unknown' gets the strong header error
}

/** `filename duration` → seconds per clip (for PSDS). Repeated names must agree. */
export function parseDurationsTsv(text: string, file: string): Map<string, number> {
  const parsed = splitRows(text, file);
  if (!parsed) throw new DataError(file, 'empty file: expected a header "filename\\tduration"', 1);
  const col = columnIndex(parsed.header, DURATION_COLUMNS, file, 'durations table');
  const width = parsed.header.cells.length;
  const out = new Map<string, number>();
  for (const { line, cells: fields } of parsed.rows) {
    if (fields.length !== width) throw new DataError(file, `expected ${width} tab-separated columns, got ${fields.length}`, line);
    const name = fields[col.filename];
    if (name === '') throw new DataError(file, 'empty filename', line);
    const sec = parseSeconds(fields[col.duration], 'duration', file, line);
    if (sec === 0) throw new DataError(file, 'duration must be positive, got 0', line);
    const before = out.get(name);
    if (before !== undefined && before !== sec) {
      throw new DataError(file, `duration of ${name} given twice and different (${before} and ${sec})`, line);
    }
    out.set(name, sec);
  }
  return out;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new DataError(path, `cannot read: ${(err as Error).message}`);
  }
}

/** Reads a strong-label or detection TSV (parseEventTsv); DataError naming the file (and line) on any problem. */
export const readEventTsv = (path: string): EventTable => parseEventTsv(readText(path), path);
/** Reads a weak-label TSV (parseWeakTsv); DataError naming the file (and line) on any problem. */
export const readWeakTsv = (path: string): FileTags => parseWeakTsv(readText(path), path);
/** Reads a strong or weak TSV, chosen by its header (parseLabelTsv). */
export const readLabelTsv = (path: string): LabelTable => parseLabelTsv(readText(path), path);
/** Reads a `filename duration` TSV (parseDurationsTsv): seconds per clip. */
export const readDurationsTsv = (path: string): Map<string, number> => parseDurationsTsv(readText(path), path);

export interface FormatEventTsvOptions {
  /** Write times with exactly this many decimals (after rounding to the millisecond); default: as few as needed. */
  decimals?: number;
}

/**
 * Events → TSV with the strong header, every time rounded to the millisecond (`7.6`, never `7.6000000000000005`).
 * Given an EventTable, rows are grouped by file in `files` order and a file without events gets an empty row, so
 * parseEventTsv(formatEventTsv(t)) gives t back (events grouped by file) for times on the millisecond grid.
 */
export function formatEventTsv(events: SoundEvent[] | EventTable, opts: FormatEventTsvOptions = {}): string {
  const fmt = (x: number) => (opts.decimals === undefined ? String(msRounded(x)) : msRounded(x).toFixed(opts.decimals));
  const row = (e: SoundEvent) => `${e.file}\t${fmt(e.onsetSec)}\t${fmt(e.offsetSec)}\t${e.label}`;
  const lines = [STRONG_COLUMNS.join('\t')];
  if (Array.isArray(events)) {
    for (const e of events) lines.push(row(e));
  } else {
    const byFile = new Map<string, SoundEvent[]>(events.files.map((f) => [f, []]));
    for (const e of events.events) {
      if (!byFile.has(e.file)) byFile.set(e.file, []);
      byFile.get(e.file)!.push(e);
    }
    for (const [file, list] of byFile) {
      if (list.length === 0) lines.push(`${file}\t\t\t`);
      for (const e of list) lines.push(row(e));
    }
  }
  return lines.join('\n') + '\n';
}

/** Per-file label sets of an event table; files without events get an empty set. */
export function tagsFromEventTable(table: EventTable): FileTags {
  const labels = new Map<string, string[]>(table.files.map((f) => [f, []]));
  const files = [...table.files];
  for (const e of table.events) {
    let set = labels.get(e.file);
    if (!set) {
      set = [];
      labels.set(e.file, set);
      files.push(e.file);
    }
    if (!set.includes(e.label)) set.push(e.label);
  }
  return { files, labels };
}
