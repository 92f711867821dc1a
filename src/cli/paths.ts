/**
 * Up-front checks of the paths a command was given, so that a wrong path is a usage error (exit 2) naming the flag,
 * before any backend is loaded or any output is written.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.ts';

const kindOf = (path: string) => (existsSync(path) ? (statSync(path).isDirectory() ? 'folder' : 'file') : null);

/** Throws UsageError(`<flag> <dir>: no such folder …`) unless `dir` is a folder; `hint` says how to make one. */
export function requireDir(dir: string, flag: string, hint?: string): void {
  const kind = kindOf(dir);
  if (kind === 'folder') return;
  throw new UsageError(`${flag} ${dir}: ${kind ? 'is a file, expected a folder' : 'no such folder'}${hint ? ` (${hint})` : ''}`);
}

/** Throws UsageError(`<flag> <file>: no such file`) unless `file` is a readable file. */
export function requireFile(file: string, flag: string): void {
  const kind = kindOf(file);
  if (kind === 'file') return;
  throw new UsageError(`${flag} ${file}: ${kind ? 'is a folder, expected a file' : 'no such file'}`);
}

/** A feature store made by `sed features`: the folder and its features.json. */
export function requireFeatureStore(dir: string, flag = '--features'): void {
  requireDir(dir, flag, `make it with \`npx sed features --out ${dir}\``);
  if (!existsSync(join(dir, 'features.json'))) throw new UsageError(`${flag} ${dir}: not a feature store (no features.json; \`npx sed features --out ${dir}\` makes one)`);
}

/** A run folder made by `sed train`: the folder and its config.yaml. */
export function requireRunFolder(dir: string, flag = '--run'): void {
  requireDir(dir, flag, `train one with \`npx sed train --out ${dir}\``);
  if (!existsSync(join(dir, 'config.yaml'))) throw new UsageError(`${flag} ${dir}: not a run folder (no config.yaml; \`npx sed train --out ${dir}\` makes one)`);
}
