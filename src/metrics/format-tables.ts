/** Plain-text tables of a MetricsReport: one overall table, then one per-class table per family. */
import type { MetricsReport } from './compute-metrics.ts';
import type { FamilyMetrics } from './family.ts';

const FAMILIES = [
  ['event_based', 'Event-based (collar 200 ms, offset 20 % of length)'],
  ['segment_based', 'Segment-based (1 s segments)'],
  ['tagging', 'Clip-level tagging'],
] as const;

/** Percent with one decimal for F/P/R; ER as a plain ratio; NaN as "-". */
const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '-');
const ratio = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 1e6 ? x.toExponential(2) : x.toFixed(3)) : '-');

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function overallRows(m: FamilyMetrics): string[][] {
  return [
    ['micro', pct(m.f1_micro), pct(m.precision_micro), pct(m.recall_micro), ratio(m.error_rate_micro)],
    ['macro', pct(m.f1_macro), pct(m.precision_macro), pct(m.recall_macro), ratio(m.error_rate_macro)],
  ];
}

/**
 * Plain-text tables of a report (F1, P, R in percent, ER), one per family, micro and macro rows, then PSDS1;
 * `psdsNote` says why PSDS1 is missing when it is (default: no durations given).
 */
export function formatMetricsTables(report: MetricsReport, psdsNote = 'no durations given'): string {
  const head = ['', 'F1 %', 'P %', 'R %', 'ER'];
  const parts: string[] = [];
  for (const [key, title] of FAMILIES) {
    const m = report[key];
    const classRows = Object.entries(m.class_wise).map(([label, s]) => [label, pct(s.f1), pct(s.precision), pct(s.recall), ratio(s.error_rate)]);
    parts.push(`${title}\n${table(head, overallRows(m))}\n\n${table(['class', 'F1 %', 'P %', 'R %', 'ER'], classRows)}`);
  }
  parts.push(`PSDS1: ${report.psds1 === null ? `- (${psdsNote})` : report.psds1.toFixed(4)}`);
  return parts.join('\n\n') + '\n';
}
