/**
 * JSON files we wrote and read back (features.json, stats.json, state.json, feature_stats.json, manifests), checked
 * against a zod schema on read so a damaged or foreign file fails with one line naming it, e.g.
 * `runs/a/feature_stats.json: std[3]: expected a number, got null`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { z } from 'zod';
import { describeIssue } from '../config/zod-errors.ts';
import { DataError } from '../errors.ts';

/**
 * Checks an already parsed JSON value against `schema`; returns the value itself (key order and any extra keys kept,
 * so a file read and written back stays byte-identical). Throws DataError(file, `key.path: message`).
 */
export function checkJson<S extends z.ZodType>(value: unknown, schema: S, file: string, what: string): z.output<S> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    const { keyPath, message } = describeIssue(schema, parsed.error.issues);
    throw new DataError(file, `not a valid ${what}: ${keyPath || '(top level)'}: ${message}`);
  }
  return value as z.output<S>;
}

/**
 * Reads `file` as JSON and checks it (checkJson). Throws DataError naming the file when it is missing (`missingHint`
 * says what makes it), unreadable, not JSON, or does not match the schema.
 */
export function readJsonFile<S extends z.ZodType>(file: string, schema: S, what: string, missingHint?: string): z.output<S> {
  if (missingHint !== undefined && !existsSync(file)) throw new DataError(file, `no ${what} here${missingHint ? `: ${missingHint}` : ''}`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DataError(file, `unreadable ${what}: ${(err as Error).message}`);
  }
  return checkJson(value, schema, file, what);
}
