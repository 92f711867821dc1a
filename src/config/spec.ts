/**
 * A tiny schema language: each leaf knows its default and how to check a value; objects reject unknown keys.
 * `resolveSpec` walks user input against a spec and reports the first problem with its dotted key path.
 */
import { ConfigError } from '../errors.ts';

export type Spec =
  | { kind: 'number'; default: number | null; min?: number; max?: number; int?: boolean; nullable?: boolean; exclusiveMin?: boolean }
  | { kind: 'bool'; default: boolean }
  | { kind: 'string'; default: string }
  | { kind: 'enum'; values: readonly (string | number)[]; default: string | number }
  | { kind: 'list'; of: Spec; default: unknown[]; minLength?: number }
  | { kind: 'pair'; of: Spec; default: [unknown, unknown] }
  | { kind: 'object'; fields: Record<string, Spec> }
  | { kind: 'custom'; default: unknown; check: (value: unknown, path: string) => unknown; describe: string };

export const num = (def: number | null, opts: Omit<Extract<Spec, { kind: 'number' }>, 'kind' | 'default'> = {}): Spec => ({
  kind: 'number',
  default: def,
  ...opts,
});
export const int = (def: number, min = 0, max?: number): Spec => ({ kind: 'number', default: def, int: true, min, max });
export const bool = (def: boolean): Spec => ({ kind: 'bool', default: def });
export const str = (def: string): Spec => ({ kind: 'string', default: def });
export const oneOf = <T extends string | number>(values: readonly T[], def: T): Spec => ({ kind: 'enum', values, default: def });
export const obj = (fields: Record<string, Spec>): Spec => ({ kind: 'object', fields });
export const list = (of: Spec, def: unknown[], minLength?: number): Spec => ({ kind: 'list', of, default: def, minLength });
export const pair = (of: Spec, def: [unknown, unknown]): Spec => ({ kind: 'pair', of, default: def });

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`);

/** The default value of a spec (objects: all fields' defaults). */
export function defaultOf(spec: Spec): unknown {
  if (spec.kind === 'object') return Object.fromEntries(Object.entries(spec.fields).map(([k, s]) => [k, defaultOf(s)]));
  if (spec.kind === 'list' || spec.kind === 'pair') return structuredClone(spec.default);
  return spec.kind === 'custom' ? structuredClone(spec.default) : spec.default;
}

/**
 * Checks `value` against `spec`, filling defaults where `value` is undefined. Throws ConfigError(path, …) on the first
 * problem. `file` is only used in messages.
 */
export function resolveSpec(spec: Spec, value: unknown, path: string, file?: string): unknown {
  const fail = (detail: string): never => {
    throw new ConfigError(path || '(top level)', detail, file);
  };
  if (value === undefined) return defaultOf(spec);
  switch (spec.kind) {
    case 'number': {
      if (value === null) return spec.nullable ? null : fail('expected a number, got null');
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`expected a number, got ${typeName(value)}`);
      if (spec.int && !Number.isInteger(value)) fail(`expected an integer, got ${value}`);
      if (spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min))
        fail(`must be ${spec.exclusiveMin ? '>' : '>='} ${spec.min} (${value} given)`);
      if (spec.max !== undefined && value > spec.max) fail(`must be <= ${spec.max} (${value} given)`);
      return value;
    }
    case 'bool':
      return typeof value === 'boolean' ? value : fail(`expected true or false, got ${typeName(value)}`);
    case 'string':
      return typeof value === 'string' ? value : fail(`expected a string, got ${typeName(value)}`);
    case 'enum':
      return spec.values.includes(value as string) ? value : fail(`expected one of ${spec.values.join(', ')}, got ${typeName(value)}`);
    case 'list': {
      if (!Array.isArray(value)) return fail(`expected a list, got ${typeName(value)}`);
      if (spec.minLength !== undefined && value.length < spec.minLength) fail(`needs at least ${spec.minLength} item(s)`);
      return value.map((item, i) => resolveSpec(spec.of, item, `${path}[${i}]`, file));
    }
    case 'pair': {
      if (!Array.isArray(value) || value.length !== 2) return fail(`expected a list of two values, got ${typeName(value)}`);
      return value.map((item, i) => resolveSpec(spec.of, item, `${path}[${i}]`, file));
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(`expected a mapping, got ${typeName(value)}`);
      const input = value as Record<string, unknown>;
      for (const key of Object.keys(input)) {
        if (!(key in spec.fields)) {
          const known = Object.keys(spec.fields);
          const near = known.find((k) => editDistance(k, key) <= 2);
          throw new ConfigError(path ? `${path}.${key}` : key, `unknown key${near ? ` (did you mean '${near}'?)` : `; known keys: ${known.join(', ')}`}`, file);
        }
      }
      return Object.fromEntries(
        Object.entries(spec.fields).map(([k, s]) => [k, resolveSpec(s, input[k], path ? `${path}.${k}` : k, file)]),
      );
    }
    case 'custom':
      return spec.check(value, path);
  }
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}
