/** How the DCASE baselines slice two tables for sed_eval: by reference file, over the union of labels. */
import type { EventTable, SoundEvent } from '../data/events.ts';

/** Events per file, table order kept. */
export function eventsByFile(table: EventTable): Map<string, SoundEvent[]> {
  const out = new Map<string, SoundEvent[]>();
  for (const e of table.events) {
    const list = out.get(e.file);
    if (list) list.push(e);
    else out.set(e.file, [e]);
  }
  return out;
}

/** Union of the labels of both whole tables (also labels seen only in files the reference lacks), sorted. */
export function unionLabels(...tables: EventTable[]): string[] {
  const set = new Set<string>();
  for (const t of tables) for (const e of t.events) set.add(e.label);
  return [...set].sort();
}
