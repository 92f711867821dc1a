/**
 * All metric families at once, in the shape `sed metrics --json` prints:
 * `{"event_based": M, "segment_based": M, "tagging": M, "psds1": number|null}`.
 */
import type { EvalConfig } from '../config/types.ts';
import type { EventTable } from '../data/events.ts';
import { DataError } from '../errors.ts';
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
  psds?: { durationsSec: Map<string, number>; operatingPoints: OperatingPointTable[]; params?: PsdsParams; referenceName?: string };
  /**
   * Receives one line per problem that leaves a metric unset or meaningless without being an error: PSDS that
   * cannot be computed from these tables (psds1 is then null), or no estimate file name matching a reference one.
   * Without it such problems are silent (psds1 still null).
   */
  warn?: (message: string) => void;
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
 * `opts.psds` operating points (psds_eval 0.5; null when not given). Times in seconds. When the tables do not allow
 * PSDS (same-class overlaps, a reference without events, a clip without duration: psds_eval's refusals, each a
 * DataError) psds1 is null and the reason goes to `opts.warn`, so that the other families are still reported; any
 * other error propagates. A warning also goes there when no estimate file name matches a reference file name.
 */
export function computeMetrics(reference: EventTable, estimate: EventTable, opts: MetricsOptions = DCASE_METRICS): MetricsReport {
  const mismatch = fileNameMismatch(reference, estimate);
  if (mismatch) opts.warn?.(mismatch);
  return {
    event_based: eventBasedMetrics(reference, estimate, { tCollarSec: opts.tCollarSec, percentageOfLength: opts.percentageOfLength }),
    segment_based: segmentBasedMetrics(reference, estimate, opts.segmentSec),
    tagging: taggingMetrics(tagsFromEventTable(reference), tagsFromEventTable(estimate)),
    psds1: opts.psds ? psdsOrNull(reference, opts.psds, opts.warn) : null,
  };
}

function psdsOrNull(reference: EventTable, psds: NonNullable<MetricsOptions['psds']>, warn?: (message: string) => void): number | null {
  try {
    return psdsFromOperatingPoints(reference, psds.durationsSec, psds.operatingPoints, psds.params ?? PSDS1, psds.referenceName).value;
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    warn?.(`PSDS1 not computed (psds1: null): ${err.message}`);
    return null;
  }
}

/**
 * A warning when the estimate names files but none of them is a reference file (e.g. paths against bare names, or
 * another data set): every reference event then counts as missed and F is 0, which looks like a result but is not.
 */
export function fileNameMismatch(reference: EventTable, estimate: EventTable): string | null {
  const refFiles = new Set([...reference.files, ...reference.events.map((e) => e.file)]);
  const estFiles = [...new Set([...estimate.files, ...estimate.events.map((e) => e.file)])];
  if (refFiles.size === 0 || estFiles.length === 0 || estFiles.some((f) => refFiles.has(f))) return null;
  return `no file name of the estimate matches a reference file name (estimate e.g. "${estFiles[0]}", reference e.g. "${[...refFiles][0]}"): every reference event counts as missed`;
}

/** JSON text of a report (plus `estimate`, the file `sed metrics` scored); NaN and ±Infinity become null. */
export function metricsToJson(report: MetricsReport & { estimate?: unknown }, indent = 2): string {
  return JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), indent);
}
