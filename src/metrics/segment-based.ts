/**
 * Segment-based counts as sed_eval 0.2.1 `SegmentBasedMetrics` makes them when the DCASE baselines drive it
 * (same file and class rules as event-based).
 *
 * Per file: an event is active in segments floor(onset/r) … ceil(offset/r) − 1; the file is
 * ceil(max(last reference offset, last estimated offset) / r) segments long (0 when neither side has an event).
 * Per segment k: TP = classes active on both sides, Nref, Nsys, S = min(Nref, Nsys) − TP, D = max(0, Nref − Nsys),
 * I = max(0, Nsys − Nref). Class-wise: TP/FP/FN segments. 0.2.1 has no zero-score option here, so precision is NaN
 * for a class the system never outputs.
 */
import type { EventTable, SoundEvent } from '../data/events.ts';
import { eventsByFile, unionLabels } from './event-lists.ts';
import { emptyClassCounts, emptyOverallCounts, familyMetrics, type FamilyCounts, type FamilyMetrics } from './family.ts';

/** Binary activity [segments, classes] (row-major); sed_eval `event_list_to_event_roll`. */
function activity(events: SoundEvent[], labels: string[], nSegments: number, segmentSec: number): Uint8Array {
  const roll = new Uint8Array(nSegments * labels.length);
  for (const e of events) {
    const c = labels.indexOf(e.label);
    // sed_eval computes `t * 1 / float(r)`; written the same way so the doubles agree.
    const first = Math.floor((e.onsetSec * 1) / segmentSec);
    const end = Math.min(Math.ceil((e.offsetSec * 1) / segmentSec), nSegments);
    for (let k = first; k < end; k++) roll[k * labels.length + c] = 1;
  }
  return roll;
}

const maxOffset = (events: SoundEvent[]) => events.reduce((m, e) => (e.offsetSec > m ? e.offsetSec : m), 0);

/** Segment-based counts (the rules in the file header) over every file of either table; segmentSec = r above. */
export function segmentBasedCounts(reference: EventTable, estimate: EventTable, segmentSec = 1.0): FamilyCounts {
  const labels = unionLabels(reference, estimate);
  const refByFile = eventsByFile(reference);
  const estByFile = eventsByFile(estimate);
  const overall = emptyOverallCounts();
  const classWise = labels.map(() => emptyClassCounts());
  const nC = labels.length;

  for (const file of new Set(reference.files)) {
    const refs = refByFile.get(file) ?? [];
    const ests = estByFile.get(file) ?? [];
    const lengthSec = Math.max(maxOffset(refs), maxOffset(ests));
    const nSegments = Math.ceil((lengthSec * 1) / segmentSec);
    const ref = activity(refs, labels, nSegments, segmentSec);
    const sys = activity(ests, labels, nSegments, segmentSec);
    for (let k = 0; k < nSegments; k++) {
      let nRef = 0;
      let nSys = 0;
      let nTp = 0;
      for (let c = 0; c < nC; c++) {
        const r = ref[k * nC + c];
        const s = sys[k * nC + c];
        nRef += r;
        nSys += s;
        nTp += r & s;
        const cw = classWise[c];
        cw.nRef += r;
        cw.nSys += s;
        if (r && s) cw.nTp += 1;
        else if (s) cw.nFp += 1;
        else if (r) cw.nFn += 1;
      }
      overall.nRef += nRef;
      overall.nSys += nSys;
      overall.nTp += nTp;
      overall.nSubs += Math.min(nRef, nSys) - nTp;
      overall.nDel += Math.max(0, nRef - nSys);
      overall.nIns += Math.max(0, nSys - nRef);
    }
  }
  return { overall, classWise: new Map(labels.map((l, i) => [l, classWise[i]])) };
}

/** Segment-based F, P, R, ER (micro, macro, class-wise) from segmentBasedCounts, as sed_eval 0.2.1 reports them. */
export function segmentBasedMetrics(reference: EventTable, estimate: EventTable, segmentSec = 1.0): FamilyMetrics {
  return familyMetrics(segmentBasedCounts(reference, estimate, segmentSec), false);
}
