/**
 * zod issues → our one-line messages: `key.path: message`, e.g. `train.epoch: unknown key (did you mean 'epochs'?)`,
 * `train.epochs: must be >= 1 (0 given)`, `pooling.head: expected one of max, average, …, got string "maxx"`.
 * Used for the YAML config (ConfigError) and for the JSON files we read back (DataError naming the file).
 */
import type { z } from 'zod';

/** A zod schema's internal definition, as far as we walk it (zod 4 `_zod.def`). */
interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  items?: z.ZodType[];
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strips default/prefault/nullable/optional/pipe wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const d = defOf(s);
    if (d.innerType && ['default', 'prefault', 'nullable', 'optional', 'readonly', 'catch', 'nonoptional'].includes(d.type)) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

/**
 * The schema at `path` below `root`, or null. At a union (features.log), `input` (the mapping at `path`) picks the
 * option whose literal fields (the discriminator) it matches.
 */
function schemaAt(root: z.ZodType, path: PropertyKey[], input?: unknown): z.ZodType | null {
  let s: z.ZodType | null = unwrap(root);
  for (const seg of path) {
    if (!s) return null;
    const d = defOf(s);
    if (d.type === 'object') s = d.shape?.[String(seg)] ?? null;
    else if (d.type === 'array') s = d.element ?? null;
    else if (d.type === 'tuple') s = d.items?.[Number(seg)] ?? null;
    else if (d.type === 'union') s = (d.options ?? []).map(unwrap).find((o) => defOf(o).shape?.[String(seg)]) ?? null;
    else return null;
    if (s) s = unwrap(s);
  }
  if (s && defOf(s).type === 'union' && input !== null && typeof input === 'object') {
    const values = input as Record<string, unknown>;
    const matches = (o: z.ZodType) =>
      Object.entries(defOf(o).shape ?? {}).every(([k, field]) => {
        const literal = (defOf(unwrap(field)) as { values?: unknown[] }).values;
        return defOf(unwrap(field)).type !== 'literal' || (literal ?? []).includes(values[k]);
      });
    return (defOf(s).options ?? []).map(unwrap).find(matches) ?? null;
  }
  return s;
}

/** 'a list of two values' for a 2-tuple schema, null for anything else. */
function tupleWords(schema: z.ZodType | null): string | null {
  if (!schema || defOf(schema).type !== 'tuple') return null;
  const n = defOf(schema).items?.length ?? 0;
  return `a list of ${['no', 'one', 'two', 'three', 'four'][n] ?? n} values`;
}

/** `a.b[0].c` from a zod path. */
export function keyPathOf(path: PropertyKey[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out;
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`);

/** The first issue to report: unknown keys first (as a reader scans a mapping), then zod's order. */
function firstIssue(issues: z.core.$ZodIssue[]): z.core.$ZodIssue {
  return issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
}

/**
 * The key path and message of the first problem in a failed parse of `schema`. Call `safeParse(value,
 * { reportInput: true })` so messages can show the value given.
 */
export function describeIssue(schema: z.ZodType, issues: z.core.$ZodIssue[]): { keyPath: string; message: string } {
  const issue = firstIssue(issues);
  const input = (issue as { input?: unknown }).input;
  const here = () => schemaAt(schema, issue.path);
  const got = () => {
    const received = (issue as { received?: string }).received;
    return received === 'Infinity' || received === 'NaN' ? `number ${received}` : typeName(input);
  };
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0];
      const owner = schemaAt(schema, issue.path, input);
      const known = Object.keys((owner && defOf(owner).shape) ?? {});
      const near = known.find((k) => k !== key && editDistance(k, key) <= 2);
      return { keyPath: keyPathOf([...issue.path, key]), message: `unknown key${near ? ` (did you mean '${near}'?)` : known.length ? `; known keys: ${known.join(', ')}` : ''}` };
    }
    case 'invalid_type': {
      const tuple = tupleWords(here());
      const expected: Record<string, string> = {
        number: 'a number',
        int: 'an integer',
        boolean: 'true or false',
        string: 'a string',
        array: tuple ?? 'a list',
        tuple: tuple ?? 'a list',
        object: 'a mapping',
        record: 'a mapping',
      };
      if (issue.expected === 'int' && typeof input === 'number') return { keyPath: keyPathOf(issue.path), message: `expected an integer, got ${input}` };
      if (input === undefined) return { keyPath: keyPathOf(issue.path), message: `missing (expected ${expected[issue.expected] ?? issue.expected})` };
      return { keyPath: keyPathOf(issue.path), message: `expected ${expected[issue.expected] ?? issue.expected}, got ${got()}` };
    }
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small';
      const bound = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
      if (issue.origin === 'array') {
        const tuple = tupleWords(here());
        if (tuple) return { keyPath: keyPathOf(issue.path), message: `expected ${tuple}, got ${typeName(input)} of ${(input as unknown[]).length}` };
        return { keyPath: keyPathOf(issue.path), message: small ? `needs at least ${bound} item(s)` : `takes at most ${bound} item(s)` };
      }
      const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      return { keyPath: keyPathOf(issue.path), message: `must be ${op} ${bound} (${JSON.stringify(input)} given)` };
    }
    case 'invalid_value':
      return { keyPath: keyPathOf(issue.path), message: `expected one of ${issue.values.map(String).join(', ')}, got ${typeName(input)}` };
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options) return { keyPath: keyPathOf(issue.path), message: `expected one of ${options.map(String).join(', ')}, got ${typeName((input as Record<string, unknown>)?.[String(issue.path.at(-1))] ?? input)}` };
      return { keyPath: keyPathOf(issue.path), message: issue.message };
    }
    default:
      return { keyPath: keyPathOf(issue.path), message: issue.message };
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
