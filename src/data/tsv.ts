/**
 * Line and row splitting for DCASE metadata files (TSV, and the 2017 ".csv" files, which are tab-separated too).
 * Real files mix LF and CRLF, may lack a final newline and may start with a UTF-8 BOM; every row keeps its
 * 1-based line number so problems can point at it.
 */
import { readFile } from 'node:fs/promises';
import { DataError } from '../errors.ts';

export interface TableRow {
  /** 1-based line number in the file. */
  line: number;
  cells: string[];
}

/**
 * Splits text into rows of cells: the one DCASE row reader (the dataset readers in data/ and io/event-tsv.ts use it).
 * A leading UTF-8 BOM is dropped; LF and CRLF end a line; blank (whitespace-only) lines are skipped but counted, so
 * `line` is what an editor shows; cells are trimmed at both ends. A lone CR (carriage return not followed by LF, the
 * old Mac line ending) is not taken as a line break: it throws DataError(file, …, line), as the stricter of our two
 * former readers did (it split the line wrongly instead of silently guessing).
 */
export function rowsFromText(text: string, file: string, separator = '\t'): TableRow[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: TableRow[] = [];
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.includes('\r')) throw new DataError(file, 'carriage return without a line feed (old Mac line ending); save the file with LF or CRLF line endings', i + 1);
    if (line.trim() === '') continue;
    rows.push({ line: i + 1, cells: line.split(separator).map((c) => c.trim()) });
  }
  return rows;
}

/**
 * Reads a metadata table (see rowsFromText). A missing required file throws DataError naming it; a missing optional
 * file gives null; an unreadable file or a lone CR throws DataError.
 */
export async function readTable(path: string, required: boolean, separator = '\t'): Promise<TableRow[] | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      if (required) throw new DataError(path, 'required metadata file is missing');
      return null;
    }
    throw new DataError(path, `cannot read metadata file (${(err as Error).message})`);
  }
  return rowsFromText(text, path, separator);
}

/**
 * Parses a time cell ("2.5", "10", "0.000", "+1e-1"): a finite decimal or scientific number ≥ 0 (a leading "+" is
 * allowed, any "-" is not, not even "-0"; no nan/inf), or null when it is not one.
 */
export function secondsFromCell(cell: string): number | null {
  if (cell === '' || !/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell)) return null;
  const value = Number(cell);
  return Number.isFinite(value) ? value : null;
}
