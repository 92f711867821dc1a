/**
 * `sed train --resume` must continue the same run: every config key is compared with the run's config.yaml (both
 * resolved through the schema, so defaults added since count as equal), and only train.epochs may change, upwards.
 * All differing keys are named at once, so a user fixes them in one go.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load.ts';
import type { SedConfig } from '../config/types.ts';
import { ConfigError } from '../errors.ts';

export interface ConfigDifference {
  keyPath: string; // dotted, e.g. train.lr; list items as conv.0.filters
  saved: unknown;
  given: unknown;
}

/** Every leaf where two JSON-like values differ, in key order (objects by the union of their keys, arrays by index). */
export function configDifferences(saved: unknown, given: unknown, path = ''): ConfigDifference[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (isObj(saved) && isObj(given) && Array.isArray(saved) === Array.isArray(given)) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(given)])];
    return keys.flatMap((k) => configDifferences(saved[k], given[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(saved) === JSON.stringify(given) ? [] : [{ keyPath: path || '(top level)', saved, given }];
}

/**
 * Throws ConfigError (keyPath = the first offending key; the message lists them all, with saved and given values)
 * when `config` differs from the run's saved config anywhere but train.epochs, or lowers train.epochs. A run without
 * config.yaml has nothing to compare with.
 */
export function checkResumeConfig(runDir: string, config: SedConfig): void {
  const file = join(runDir, 'config.yaml');
  if (!existsSync(file)) return;
  const saved = loadConfig(file);
  const diffs = configDifferences(JSON.parse(JSON.stringify(saved)), JSON.parse(JSON.stringify(config)));
  const bad = diffs.filter((d) => !(d.keyPath === 'train.epochs' && typeof d.saved === 'number' && typeof d.given === 'number' && d.given > d.saved));
  if (!bad.length) return;
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  const list = bad.map((d) => `${d.keyPath} (run: ${show(d.saved)}, now: ${show(d.given)})`).join(', ');
  throw new ConfigError(
    bad[0].keyPath,
    `--resume with other settings than ${file}: ${list}; a resumed run keeps its config, only train.epochs may grow`,
  );
}
