/** The Markdown report of `sed eval`: overall and per-class tables, the learned n_c (or α) beside each class. */
import type { MetricsReport } from '../metrics/compute-metrics.ts';
import { durationLines, READING_NOTES, settingsLines, type EvalSettings } from './report-sections.ts';

const pct = (x: number) => (Number.isFinite(x) ? (100 * x).toFixed(1) : '–');
const num = (x: number) => (Number.isFinite(x) ? (Math.abs(x) >= 1e6 ? x.toExponential(2) : x.toFixed(3)) : '–');

export interface ReportContext {
  run: string;
  checkpoint: string;
  subset: string;
  pooling: string;
  classes: string[];
  perClass: { name: string; values: number[] } | null;
  /** Classes whose n_c never left its initial value (report/n-c-summary.ts frozenClasses): marked, not learned. */
  frozen?: string[];
  /** What was measured with what: threshold, median window, collars, segment length, checkpoint epoch. */
  settings?: EvalSettings;
  /** Mean event duration per class (the data set's classes.json), for n_c beside it and Spearman ρ. */
  durations?: Map<string, number> | null;
}

/** The Markdown text of report.md (see above) for a metrics report and the run it came from. */
export function formatEvalReport(report: MetricsReport, ctx: ReportContext): string {
  const families = [
    ['Event-based', report.event_based],
    ['Segment-based', report.segment_based],
    ['Tagging', report.tagging],
  ] as const;
  const lines = [
    `# Evaluation of ${ctx.run}`,
    '',
    `Checkpoint \`${ctx.checkpoint}\`, subset \`${ctx.subset}\`, pooling \`${ctx.pooling}\`. PSDS1: ${report.psds1 === null ? '–' : report.psds1.toFixed(4)}.`,
    '',
    ...(ctx.settings ? [...settingsLines(ctx.settings), ''] : []),
    '| metric | F1 micro % | F1 macro % | P micro % | R micro % | ER micro |',
    '|---|---:|---:|---:|---:|---:|',
    ...families.map(([name, m]) => `| ${name} | ${pct(m.f1_micro)} | ${pct(m.f1_macro)} | ${pct(m.precision_micro)} | ${pct(m.recall_micro)} | ${num(m.error_rate_micro)} |`),
    '',
    `| class | ${ctx.perClass ? `${ctx.perClass.name} | ` : ''}event F1 % | segment F1 % | tagging F1 % |`,
    `|---|${ctx.perClass ? '---:|' : ''}---:|---:|---:|`,
    ...ctx.classes.map((c, i) => {
      const cell = (m: MetricsReport['event_based']) => pct(m.class_wise[c]?.f1 ?? NaN);
      const frozen = ctx.frozen?.includes(c) ? ' (frozen, not learned)' : '';
      return `| ${c} | ${ctx.perClass ? `${num(ctx.perClass.values[i])}${frozen} | ` : ''}${cell(report.event_based)} | ${cell(report.segment_based)} | ${cell(report.tagging)} |`;
    }),
    '',
    ...(ctx.frozen?.length ? [`Frozen: ${ctx.frozen.join(', ')} never reached pooling.unfreeze_f1, so their ${ctx.perClass?.name ?? 'parameter'} is still its initial value.`, ''] : []),
  ];
  const durations = durationLines(ctx.classes, ctx.perClass, ctx.durations ?? null, ctx.frozen ?? []);
  if (durations.length) lines.push(...durations, '');
  lines.push(...READING_NOTES, '');
  return lines.join('\n');
}
