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

/** Splits text into rows of cells. Blank (whitespace-only) lines are skipped; cells are not trimmed of inner spaces. */
export function rowsFromText(text: string, separator = '\t'): TableRow[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: TableRow[] = [];
  // \r\n, lone \n and lone \r all end a line, so line numbers match what an editor shows
  const lines = body.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    rows.push({ line: i + 1, cells: line.split(separator).map((c) => c.trim()) });
  }
  return rows;
}

/**
 * Reads a metadata table. A missing required file throws DataError naming it; a missing optional file gives null.
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
  return rowsFromText(text, separator);
}

/** Parses a time cell ("2.5", "10", "0.000"): a finite number ≥ 0, or null when it is not one. */
export function secondsFromCell(cell: string): number | null {
  if (cell === '' || !/^[+]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(cell)) return null;
  const value = Number(cell);
  return Number.isFinite(value) ? value : null;
}
