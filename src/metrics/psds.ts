/**
 * Polyphonic Sound Detection Score from operating points (one detection table per threshold), following
 * psds_eval 0.5.x (`PSDSEval.add_operating_point` + `psds`, staircase ROC, duration unit = hour).
 *
 * Counting at one operating point (intersections are strict: a.onset < b.offset and b.onset < a.offset):
 * - DTC: a detection passes when the summed fraction of it covered by same-class ground truths is ≥ dtc;
 * - GTC: a ground truth is a TP when the summed fraction of it covered by DTC-passing same-class detections is ≥ gtc;
 * - FP: a detection that fails DTC and overlaps its clip [0, duration) (psds_eval's "world" event);
 * - CT(i→j): a detection of class i failing DTC whose summed coverage by class-j ground truths is ≥ cttc.
 * TPR_c = TP_c / n_c; FPR_c = FP_c·3600 / total duration; CTR_cj = CT_cj·3600 / (summed length of class-j truths);
 * eFPR_c = FPR_c + α_ct · mean_j CTR_cj. Per class, the ROC is a staircase (best TPR reached at eFPR ≤ x, plus a
 * (0, 0) point); eTPR = mean_c − α_st·std_c (population std, clipped at 0); PSDS = area up to max_efpr / max_efpr.
 *
 * Like psds_eval: classes are the reference's (detections of other classes are ignored), zero-length events are
 * dropped, and same-class overlapping events in the reference or in a detection table are rejected (identical
 * duplicates are allowed). Stricter than psds_eval: every reference file must have a duration.
 */
import type { EventTable, OperatingPointTable, SoundEvent } from '../data/events.ts';
import { DataError } from '../errors.ts';
import { eventsByFile } from './event-lists.ts';
import { nanMean } from './formulas.ts';

export interface PsdsParams {
  dtc: number;
  gtc: number;
  cttc: number;
  alphaCt: number;
  alphaSt: number;
  maxEfpr: number; // per hour
}

/** PSDS1 of DCASE 2021+ (scenario 1). */
export const PSDS1: PsdsParams = { dtc: 0.7, gtc: 0.7, cttc: 0.3, alphaCt: 0, alphaSt: 1, maxEfpr: 100 };

/** Per-class rates at one operating point, classes in `PsdsResult.classes` order. */
export interface OperatingPointRates {
  threshold: number;
  tpr: number[];
  fprPerHour: number[];
  efprPerHour: number[];
}

export interface PsdsResult {
  value: number;
  classes: string[];
  /** The PSD-ROC: eFPR points (per hour, ascending, from 0) and eTPR at each. */
  efprPerHour: number[];
  etpr: number[];
  operatingPoints: OperatingPointRates[];
}

const SECONDS_PER_HOUR = 3600;

const intersectSec = (a: SoundEvent, b: SoundEvent) => Math.min(a.offsetSec, b.offsetSec) - Math.max(a.onsetSec, b.onsetSec);
const overlaps = (a: SoundEvent, b: SoundEvent) => a.onsetSec < b.offsetSec && b.onsetSec < a.offsetSec;

/** psds_eval rejects tables where two different events of one class overlap in one file. */
export function checkNoSameClassOverlap(table: EventTable, tableName: string): void {
  for (const [file, events] of eventsByFile(table)) {
    const byLabel = new Map<string, SoundEvent[]>();
    for (const e of events) {
      const list = byLabel.get(e.label);
      if (list) list.push(e);
      else byLabel.set(e.label, [e]);
    }
    for (const [label, list] of byLabel) {
      const sorted = [...list].sort((a, b) => a.onsetSec - b.onsetSec || a.offsetSec - b.offsetSec);
      let widest: SoundEvent | undefined; // the earlier event reaching furthest
      for (let k = 0; k < sorted.length; k++) {
        const e = sorted[k];
        const prev = sorted[k - 1];
        const identical = prev !== undefined && prev.onsetSec === e.onsetSec && prev.offsetSec === e.offsetSec;
        if (!identical && widest !== undefined && e.onsetSec < widest.offsetSec) {
          throw new DataError(
            tableName,
            `${file}: two "${label}" events overlap ([${widest.onsetSec}, ${widest.offsetSec}) and [${e.onsetSec}, ${e.offsetSec})); PSDS (psds_eval) rejects same-class overlaps`,
          );
        }
        if (widest === undefined || e.offsetSec > widest.offsetSec) widest = e;
      }
    }
  }
}

interface GroundTruth {
  classes: string[];
  byFile: Map<string, SoundEvent[]>; // non-zero-length reference events
  nPerClass: number[];
  secPerClass: number[];
  totalSec: number;
  durationsSec: Map<string, number>;
}

function prepareGroundTruth(reference: EventTable, durationsSec: Map<string, number>, name: string): GroundTruth {
  checkNoSameClassOverlap(reference, name);
  for (const file of new Set([...reference.files, ...reference.events.map((e) => e.file)])) {
    if (!durationsSec.has(file)) throw new DataError(name, `${file}: no duration given for this clip (PSDS needs every clip's duration)`);
  }
  const kept = reference.events.filter((e) => e.offsetSec > e.onsetSec);
  const classes = [...new Set(kept.map((e) => e.label))].sort();
  const nPerClass = classes.map(() => 0);
  const secPerClass = classes.map(() => 0);
  for (const e of kept) {
    const c = classes.indexOf(e.label);
    nPerClass[c] += 1;
    secPerClass[c] += e.offsetSec - e.onsetSec;
  }
  let totalSec = 0;
  for (const d of durationsSec.values()) totalSec += d;
  return { classes, byFile: eventsByFile({ files: reference.files, events: kept }), nPerClass, secPerClass, totalSec, durationsSec };
}

/** TP/FP/CT counts of one detection table → per-class rates. */
function operatingPointRates(gt: GroundTruth, op: OperatingPointTable, p: PsdsParams): OperatingPointRates {
  checkNoSameClassOverlap(op.table, op.name ?? `detections at threshold ${op.threshold}`);
  const nC = gt.classes.length;
  const tp = new Array<number>(nC).fill(0);
  const fp = new Array<number>(nC).fill(0);
  const ct = Array.from({ length: nC }, () => new Array<number>(nC).fill(0));
  const dets = op.table.events.filter((e) => e.offsetSec > e.onsetSec);

  for (const [file, fileDets] of eventsByFile({ files: [], events: dets })) {
    const truths = gt.byFile.get(file) ?? [];
    const coverage = new Array<number>(truths.length).fill(0); // by DTC-passing same-class detections
    const covered = new Array<boolean>(truths.length).fill(false);
    const durationSec = gt.durationsSec.get(file);
    for (const d of fileDets) {
      const c = gt.classes.indexOf(d.label);
      if (c < 0) continue; // a class the reference lacks: psds_eval ignores it
      const lengthSec = d.offsetSec - d.onsetSec;
      let precisionSum = 0;
      let hits = 0;
      const otherSum = new Array<number>(nC).fill(0);
      truths.forEach((g) => {
        if (!overlaps(d, g)) return;
        if (g.label === d.label) {
          precisionSum += intersectSec(d, g) / lengthSec;
          hits += 1;
        } else {
          otherSum[gt.classes.indexOf(g.label)] += intersectSec(d, g) / lengthSec;
        }
      });
      if (hits > 0 && precisionSum >= p.dtc) {
        truths.forEach((g, k) => {
          if (g.label !== d.label || !overlaps(d, g)) return;
          coverage[k] += intersectSec(d, g) / (g.offsetSec - g.onsetSec);
          covered[k] = true;
        });
        continue; // passes DTC: neither FP nor cross-trigger, whatever GTC decides
      }
      if (durationSec !== undefined && d.onsetSec < durationSec && 0 < d.offsetSec) fp[c] += 1;
      for (let j = 0; j < nC; j++) if (j !== c && otherSum[j] > 0 && otherSum[j] >= p.cttc) ct[c][j] += 1;
    }
    truths.forEach((g, k) => {
      if (covered[k] && coverage[k] >= p.gtc) tp[gt.classes.indexOf(g.label)] += 1;
    });
  }

  const tpr = tp.map((n, c) => n / gt.nPerClass[c]);
  const fprPerHour = fp.map((n) => (n * SECONDS_PER_HOUR) / gt.totalSec);
  const efprPerHour = fprPerHour.map((f, c) => {
    if (p.alphaCt === 0) return f; // psds_eval adds 0·mean(CTR), NaN with a single class; 0 is meant
    const ctr = ct[c].map((n, j) => (j === c ? NaN : (n * SECONDS_PER_HOUR) / gt.secPerClass[j]));
    return f + p.alphaCt * nanMean(ctr);
  });
  return { threshold: op.threshold, tpr, fprPerHour, efprPerHour };
}

/** Staircase ROC of one class at the points `xs`: best TPR among its operating points with eFPR ≤ x. */
function stepCurve(xs: number[], efpr: number[], tpr: number[]): number[] {
  const order = efpr.map((_, k) => k).sort((a, b) => efpr[a] - efpr[b]);
  const out: number[] = [];
  let k = 0;
  let best = 0;
  for (const x of xs) {
    while (k < order.length && efpr[order[k]] <= x) {
      best = Math.max(best, tpr[order[k]]);
      k += 1;
    }
    out.push(best);
  }
  return out;
}

/** Area under the staircase (x ascending) up to maxX, each step taking its left value (psds_eval `_auc`). */
export function staircaseArea(xs: number[], ys: number[], maxX: number): number {
  const x = [...xs];
  const y = [...ys];
  if (!x.includes(maxX)) {
    let at = x.findIndex((v) => v > maxX);
    if (at < 0) at = x.length;
    x.splice(at, 0, maxX);
    y.splice(at, 0, y[at - 1]);
  }
  let area = 0;
  for (let k = 0; k + 1 < x.length && x[k + 1] <= maxX; k++) area += (x[k + 1] - x[k]) * y[k];
  return area;
}

/**
 * PSDS over operating points. `durationsSec`: every clip's duration (all of them count towards the FP rate's
 * denominator, as psds_eval's metadata table does).
 */
export function psdsFromOperatingPoints(
  reference: EventTable,
  durationsSec: Map<string, number>,
  opTables: OperatingPointTable[],
  params: PsdsParams = PSDS1,
  referenceName = 'reference',
): PsdsResult {
  const gt = prepareGroundTruth(reference, durationsSec, referenceName);
  if (gt.classes.length === 0) throw new DataError(referenceName, 'PSDS needs at least one reference event');
  const ops = opTables.map((op) => operatingPointRates(gt, op, params));
  const nC = gt.classes.length;
  // psds_eval pads every class with a (eFPR 0, TPR 0) point.
  const efprByClass = gt.classes.map((_, c) => [...ops.map((o) => o.efprPerHour[c]), 0]);
  const tprByClass = gt.classes.map((_, c) => [...ops.map((o) => o.tpr[c]), 0]);
  const xs = [...new Set(efprByClass.flat())].sort((a, b) => a - b);
  const curves = gt.classes.map((_, c) => stepCurve(xs, efprByClass[c], tprByClass[c]));
  const etpr = xs.map((_, k) => {
    const ys = curves.map((curve) => curve[k]);
    const mean = ys.reduce((s, v) => s + v, 0) / nC;
    const std = Math.sqrt(ys.reduce((s, v) => s + (v - mean) * (v - mean), 0) / nC);
    const v = mean - params.alphaSt * std;
    return Number.isNaN(v) || v < 0 ? 0 : v;
  });
  const value = staircaseArea(xs, etpr, params.maxEfpr) / params.maxEfpr;
  return { value, classes: gt.classes, efprPerHour: xs, etpr, operatingPoints: ops };
}
