/**
 * All metric families at once, in the shape `sed metrics --json` prints:
 * `{"event_based": M, "segment_based": M, "tagging": M, "psds1": number|null}`.
 */
import type { EvalConfig } from '../config/types.ts';
import type { EventTable } from '../data/events.ts';
import { tagsFromEventTable } from '../io/event-tsv.ts';
import { eventBasedMetrics } from './event-based.ts';
import type { FamilyMetrics } from './family.ts';
import type { OperatingPointTable } from '../data/events.ts';
import { psdsFromOperatingPoints, PSDS1, type PsdsParams } from './psds.ts';
import { segmentBasedMetrics } from './segment-based.ts';
import { taggingMetrics } from './tagging.ts';

export interface MetricsReport {
  event_based: FamilyMetrics;
  segment_based: FamilyMetrics;
  tagging: FamilyMetrics;
  psds1: number | null;
}

export interface MetricsOptions {
  tCollarSec: number;
  percentageOfLength: number;
  segmentSec: number;
  /** Given: PSDS is computed from these operating points; absent: psds1 is null. */
  psds?: { durationsSec: Map<string, number>; operatingPoints: OperatingPointTable[]; params?: PsdsParams };
}

export const DCASE_METRICS: MetricsOptions = { tCollarSec: 0.2, percentageOfLength: 0.2, segmentSec: 1.0 };

/** Options from the `eval:` config section (snake_case keys as users write them). */
export function metricsOptionsFromConfig(cfg: EvalConfig): { options: MetricsOptions; psdsParams: PsdsParams } {
  const { dtc, gtc, cttc, alpha_ct, alpha_st, max_efpr } = cfg.psds;
  return {
    options: { tCollarSec: cfg.t_collar, percentageOfLength: cfg.percentage_of_length, segmentSec: cfg.segment_seconds },
    psdsParams: { dtc, gtc, cttc, alphaCt: alpha_ct, alphaSt: alpha_st, maxEfpr: max_efpr },
  };
}

/**
 * Every metric family for one detection table against the reference: event-based (t_collar, percentage of length)
 * and segment-based (segmentSec) as sed_eval 0.2.1 computes them, clip-level tagging as DESED does, and PSDS1 from
 * `opts.psds` operating points (psds_eval 0.5; null when not given). Times in seconds. Throws DataError from PSDS
 * when a reference file has no duration or a table has same-class overlaps.
 */
export function computeMetrics(reference: EventTable, estimate: EventTable, opts: MetricsOptions = DCASE_METRICS): MetricsReport {
  return {
    event_based: eventBasedMetrics(reference, estimate, { tCollarSec: opts.tCollarSec, percentageOfLength: opts.percentageOfLength }),
    segment_based: segmentBasedMetrics(reference, estimate, opts.segmentSec),
    tagging: taggingMetrics(tagsFromEventTable(reference), tagsFromEventTable(estimate)),
    psds1: opts.psds
      ? psdsFromOperatingPoints(reference, opts.psds.durationsSec, opts.psds.operatingPoints, opts.psds.params ?? PSDS1).value
      : null,
  };
}

/** JSON text of a report; NaN and ±Infinity become null. */
export function metricsToJson(report: MetricsReport, indent = 2): string {
  return JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), indent);
}
