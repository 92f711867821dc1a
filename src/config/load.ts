/** Loading YAML configs, applying command-line overrides, cross-key checks, and writing the resolved config. */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parse, parseDocument, stringify } from 'yaml';
import { ConfigError } from '../errors.ts';
import { SCHEMA } from './schema.ts';
import { describeIssue } from './zod-errors.ts';
import type { FeatureSettings, SedConfig } from './types.ts';

/** An override from the command line: a dotted key path and a value (already typed, or a string to parse as YAML). */
export interface ConfigOverride {
  keyPath: string;
  value: unknown;
  /** Where the override came from, for messages, e.g. `--epochs`. */
  source: string;
}

/** Reads and validates a YAML config file (or only defaults when `file` is undefined), then applies overrides. */
export function loadConfig(file: string | undefined, overrides: ConfigOverride[] = []): SedConfig {
  let raw: unknown = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError('(file)', `cannot read config: ${(err as NodeJS.ErrnoException).code ?? err}`, file);
    }
    const doc = parseDocument(text, { prettyErrors: false });
    if (doc.errors.length) {
      const e = doc.errors[0];
      const line = e.linePos?.[0]?.line;
      throw new ConfigError(`(YAML${line ? ` line ${line}` : ''})`, e.message.split('\n')[0], file);
    }
    raw = doc.toJS() ?? {};
  }
  return resolveConfig(raw, overrides, file);
}

/**
 * Validates a plain object as a config (schema.ts), after applying `overrides`, and fills every default; used by
 * loadConfig and by tests and `reproduce` directly. Throws ConfigError(key path, one-line message, file) on the
 * first problem, including the cross-key checks (win_length <= n_fft, f_max <= sample_rate/2, …).
 */
export function resolveConfig(raw: unknown, overrides: ConfigOverride[] = [], file?: string): SedConfig {
  const merged = structuredClone(raw ?? {}) as Record<string, unknown>;
  for (const o of overrides) setPath(merged, o.keyPath, typeof o.value === 'string' ? parseScalar(o.value) : o.value);
  const parsed = SCHEMA.safeParse(merged, { reportInput: true });
  if (!parsed.success) {
    const { keyPath, message } = describeIssue(SCHEMA, parsed.error.issues);
    // a bad value that came from the command line names its flag (--epochs, --set …), not the config file
    const blamed = [...overrides].reverse().find((o) => keyPath === o.keyPath || keyPath.startsWith(`${o.keyPath}.`) || keyPath.startsWith(`${o.keyPath}[`));
    throw new ConfigError(keyPath || '(top level)', message, blamed?.source ?? file);
  }
  const config: SedConfig = parsed.data;
  checkCrossKeys(config, file);
  return config;
}

function parseScalar(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return text;
  }
}

function setPath(target: Record<string, unknown>, keyPath: string, value: unknown) {
  const keys = keyPath.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === undefined || node[key] === null) node[key] = {};
    if (typeof node[key] !== 'object') throw new ConfigError(keyPath, `cannot set: ${key} is not a mapping`);
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function checkCrossKeys(c: SedConfig, file?: string) {
  const f = c.features;
  if (f.win_length > f.n_fft) throw new ConfigError('features.win_length', `must be <= n_fft (${f.win_length} > ${f.n_fft})`, file);
  if (f.f_max > f.sample_rate / 2) throw new ConfigError('features.f_max', `must be <= sample_rate/2 = ${f.sample_rate / 2} (${f.f_max} given)`, file);
  if (f.f_min >= f.f_max) throw new ConfigError('features.f_min', `must be < f_max (${f.f_min} >= ${f.f_max})`, file);
  if ((f.n_fft & (f.n_fft - 1)) !== 0) throw new ConfigError('features.n_fft', `must be a power of two (${f.n_fft} given)`, file);
  // features.n_mels against the net's frequency pooling is checked where a network is built (model/crnn.ts), not
  // here: `sed features` must accept any n_mels whatever the (unused) net section says.
}

/** YAML text of a resolved config, written into every output folder. */
export function configToYaml(config: SedConfig): string {
  return `# Resolved configuration written by sed (defaults filled in, overrides applied)\n${stringify(config)}`;
}

/** Hash of everything that changes feature values, so the feature store can tell stale files. */
export function featureSettingsHash(settings: FeatureSettings): string {
  return createHash('sha256').update(`features-v1 ${canonicalJson(settings)}`).digest('hex').slice(0, 16);
}

/** JSON with object keys sorted at every depth, so equal settings always hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
