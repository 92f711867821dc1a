/**
 * Event-based counts as sed_eval 0.2.1 `EventBasedMetrics` (event_matching_type 'optimal', onset and offset
 * evaluated) makes them when the DCASE task 4 baselines drive it: every reference file is evaluated, a file the
 * estimate lacks has no estimated events, classes are the union of labels of both tables.
 *
 * A reference event j and an estimated event i hit when their labels are equal and
 *   |onset_j − onset_i| ≤ t_collar  and  |offset_j − offset_i| ≤ max(t_collar, percentage_of_length × length_j)
 * in plain double arithmetic (|2.5 − 2.3| = 0.20000000000000018 misses a 0.2 s collar).
 * TP = maximum bipartite matching per file; substitutions: leftover references in table order each take the first
 * uncounted leftover estimate (table order, any label) meeting both time conditions.
 */
import type { EventTable, SoundEvent } from '../data/events.ts';
import { bipartiteMatch } from './bipartite-match.ts';
import { eventsByFile, unionLabels } from './event-lists.ts';
import { emptyClassCounts, emptyOverallCounts, familyMetrics, type FamilyCounts, type FamilyMetrics } from './family.ts';

export interface EventBasedOptions {
  tCollarSec: number; // DCASE: 0.2
  percentageOfLength: number; // DCASE: 0.2
}

export const DCASE_EVENT_BASED: EventBasedOptions = { tCollarSec: 0.2, percentageOfLength: 0.2 };

/** sed_eval's onset condition: |ref onset − est onset| ≤ t_collar (seconds). */
export function onsetHit(ref: SoundEvent, est: SoundEvent, tCollarSec: number): boolean {
  return Math.abs(ref.onsetSec - est.onsetSec) <= tCollarSec;
}

/** sed_eval's offset condition: |ref offset − est offset| ≤ max(t_collar, percentage_of_length · ref length). */
export function offsetHit(ref: SoundEvent, est: SoundEvent, tCollarSec: number, percentageOfLength: number): boolean {
  const lengthSec = ref.offsetSec - ref.onsetSec;
  return Math.abs(ref.offsetSec - est.offsetSec) <= Math.max(tCollarSec, percentageOfLength * lengthSec);
}

/** TP pairs of one file: maximum matching over same-label hits, built in sed_eval's vertex order. */
function matchFile(refs: SoundEvent[], ests: SoundEvent[], o: EventBasedOptions): Map<number, number> {
  const graph = new Map<number, number[]>(); // estimate index → reference indices
  for (let j = 0; j < refs.length; j++) {
    for (let i = 0; i < ests.length; i++) {
      const hit =
        refs[j].label === ests[i].label &&
        onsetHit(refs[j], ests[i], o.tCollarSec) &&
        offsetHit(refs[j], ests[i], o.tCollarSec, o.percentageOfLength);
      if (!hit) continue;
      const list = graph.get(i);
      if (list) list.push(j);
      else graph.set(i, [j]);
    }
  }
  return bipartiteMatch(graph); // reference index → estimate index
}

/** Counts over the reference's files (see module comment). */
export function eventBasedCounts(reference: EventTable, estimate: EventTable, opts: EventBasedOptions = DCASE_EVENT_BASED): FamilyCounts {
  const labels = unionLabels(reference, estimate);
  const refByFile = eventsByFile(reference);
  const estByFile = eventsByFile(estimate);
  const overall = emptyOverallCounts();
  const classWise = new Map(labels.map((l) => [l, emptyClassCounts()]));

  for (const file of new Set(reference.files)) {
    const refs = refByFile.get(file) ?? [];
    const ests = estByFile.get(file) ?? [];

    const matching = matchFile(refs, ests, opts);
    const refMatched = new Array<boolean>(refs.length).fill(false);
    const estMatched = new Array<boolean>(ests.length).fill(false);
    for (const [j, i] of matching) {
      refMatched[j] = true;
      estMatched[i] = true;
    }
    let nSubs = 0;
    const estCounted = new Array<boolean>(ests.length).fill(false);
    for (let j = 0; j < refs.length; j++) {
      if (refMatched[j]) continue;
      for (let i = 0; i < ests.length; i++) {
        if (estMatched[i] || estCounted[i]) continue;
        if (onsetHit(refs[j], ests[i], opts.tCollarSec) && offsetHit(refs[j], ests[i], opts.tCollarSec, opts.percentageOfLength)) {
          estCounted[i] = true;
          nSubs += 1;
          break;
        }
      }
    }
    const nTp = matching.size;
    overall.nRef += refs.length;
    overall.nSys += ests.length;
    overall.nTp += nTp;
    overall.nSubs += nSubs;
    overall.nDel += refs.length - nTp - nSubs;
    overall.nIns += ests.length - nTp - nSubs;

    // Class-wise: matching within the class only; no substitutions.
    for (const [label, c] of classWise) {
      const classRefs = refs.filter((e) => e.label === label);
      const classEsts = ests.filter((e) => e.label === label);
      const tp = classRefs.length && classEsts.length ? matchFile(classRefs, classEsts, opts).size : 0;
      c.nRef += classRefs.length;
      c.nSys += classEsts.length;
      c.nTp += tp;
      c.nFp += classEsts.length - tp;
      c.nFn += classRefs.length - tp;
    }
  }
  return { overall, classWise };
}

/** Event-based metrics with `empty_system_output_handling='zero_score'`, as the DCASE baselines ask. */
export function eventBasedMetrics(reference: EventTable, estimate: EventTable, opts: EventBasedOptions = DCASE_EVENT_BASED): FamilyMetrics {
  return familyMetrics(eventBasedCounts(reference, estimate, opts), true);
}
