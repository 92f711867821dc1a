/**
 * Class lists: the official DCASE 2019 / 2017 Task 4 strings, and `classes.json` written by `sed synth`,
 * which overrides the official list when present at a dataset root.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Layout } from '../config/types.ts';
import { DataError } from '../errors.ts';

/** DCASE 2019 Task 4 (DESED), in the alphabetical order of the baseline. */
export const DCASE2019_CLASSES: readonly string[] = Object.freeze([
  'Alarm_bell_ringing',
  'Blender',
  'Cat',
  'Dishes',
  'Dog',
  'Electric_shaver_toothbrush',
  'Frying',
  'Running_water',
  'Speech',
  'Vacuum_cleaner',
]);

/** DCASE 2017 Task 4, in the order of sound_event_list_17_classes.txt. Some names contain commas. */
export const DCASE2017_CLASSES: readonly string[] = Object.freeze([
  'Train horn',
  'Air horn, truck horn',
  'Car alarm',
  'Reversing beeps',
  'Bicycle',
  'Skateboard',
  'Ambulance (siren)',
  'Fire engine, fire truck (siren)',
  'Civil defense siren',
  'Police car (siren)',
  'Screaming',
  'Car',
  'Car passing by',
  'Bus',
  'Truck',
  'Motorcycle',
  'Train',
]);

export const CLASSES_JSON = 'classes.json';

/** One entry of classes.json, as `sed synth` writes it. */
export interface ClassInfo {
  name: string;
  mean_duration_sec: number;
  description: string;
}

/** A copy of the layout's official class list (DCASE 2019 Task 4: 10 classes; DCASE 2017 Task 4: 17), in their order. */
export function officialClasses(layout: Layout): string[] {
  return [...(layout === 'dcase2019' ? DCASE2019_CLASSES : DCASE2017_CLASSES)];
}

/** Reads `<root>/classes.json`; null when the file does not exist. A malformed file throws DataError. */
export async function readClassesJson(root: string): Promise<ClassInfo[] | null> {
  const path = join(root, CLASSES_JSON);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataError(path, `cannot read (${(err as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new DataError(path, `not valid JSON (${(err as Error).message})`);
  }
  const list = (parsed as { classes?: unknown })?.classes;
  if (!Array.isArray(list) || list.length === 0) throw new DataError(path, 'expected {"classes": [{"name", "mean_duration_sec", "description"}, ...]} with at least one class');
  const seen = new Set<string>();
  return list.map((item, i) => {
    const c = item as Partial<ClassInfo>;
    if (typeof c?.name !== 'string' || c.name === '') throw new DataError(path, `classes[${i}].name must be a non-empty string`);
    if (seen.has(c.name)) throw new DataError(path, `classes[${i}].name '${c.name}' is listed twice`);
    seen.add(c.name);
    const mean = c.mean_duration_sec;
    if (mean !== undefined && (typeof mean !== 'number' || !(mean > 0))) throw new DataError(path, `classes[${i}].mean_duration_sec must be a positive number (${JSON.stringify(mean)} given)`);
    return { name: c.name, mean_duration_sec: mean ?? NaN, description: typeof c.description === 'string' ? c.description : '' };
  });
}

/**
 * The class list a dataset uses: an explicit list wins, then classes.json at the root, then the layout's
 * official list.
 */
export async function resolveClasses(layout: Layout, root: string, explicit?: string[]): Promise<string[]> {
  if (explicit && explicit.length) return [...explicit];
  const fromJson = await readClassesJson(root);
  return fromJson ? fromJson.map((c) => c.name) : officialClasses(layout);
}
