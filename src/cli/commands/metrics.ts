import { computeMetrics, metricsOptionsFromConfig, metricsToJson } from '../../metrics/compute-metrics.ts';
import { formatMetricsTables } from '../../metrics/format-tables.ts';
import { readDurationsTsv, readEventTsv } from '../../io/event-tsv.ts';
import { resolveConfig } from '../../config/load.ts';
import { UsageError } from '../../errors.ts';
import type { CliContext } from '../context.ts';
import { withExamples } from '../help.ts';
import { requireFile } from '../paths.ts';

/** Registers `sed metrics` (thin: reads the two TSVs → metrics/compute-metrics.ts computeMetrics → tables or JSON). */
export function registerMetrics(ctx: CliContext) {
  const cmd = ctx.program
    .command('metrics')
    .description('score a detections TSV against a reference TSV: event-based, segment-based, tagging (sed_eval 0.2.1 semantics) and PSDS1')
    .requiredOption('--reference <tsv>', 'reference events: filename, onset, offset, event_label')
    .requiredOption('--estimate <tsv...>', 'detections TSV; for PSDS1 give one file per threshold (names must carry the threshold, e.g. thr_0.50.tsv)')
    .option('--durations <tsv>', 'clip durations (filename, duration) — enables PSDS1')
    .option('--json', 'print {"event_based", "segment_based", "tagging", "psds1"} as JSON');
  return withExamples(cmd, [
    ['npx sed metrics --reference ref.tsv --estimate reports/first/detections.tsv'],
    ['npx sed metrics --reference ref.tsv --estimate reports/first/psds/thr_*.tsv --durations durations.tsv --json', 'with PSDS1: one detections file per threshold'],
  ]).action(async (opts) => {
      const estimates: string[] = opts.estimate;
      requireFile(opts.reference, '--reference');
      for (const file of estimates) requireFile(file, '--estimate');
      if (opts.durations) requireFile(opts.durations, '--durations');
      const reference = readEventTsv(opts.reference);
      const { options, psdsParams } = metricsOptionsFromConfig(resolveConfig({}).eval);
      if (opts.durations) {
        const operatingPoints = estimates.map((file) => ({ threshold: thresholdFromName(file), table: readEventTsv(file) }));
        options.psds = { durationsSec: readDurationsTsv(opts.durations), operatingPoints, params: psdsParams };
      } else if (estimates.length > 1) {
        throw new UsageError('several --estimate files are operating points for PSDS1: give --durations too');
      }
      // With several operating points, the middle one is scored for the threshold-dependent families.
      const main = readEventTsv(estimates[Math.floor(estimates.length / 2)]);
      const report = computeMetrics(reference, main, options);
      ctx.io.stdout(opts.json ? `${metricsToJson(report)}\n` : formatMetricsTables(report));
    });
}

function thresholdFromName(file: string): number {
  const match = /(\d+\.\d+)(?=[^/\\\d]*$)/.exec(file);
  if (!match) throw new UsageError(`${file}: cannot read a threshold from the file name (expected e.g. thr_0.50.tsv)`);
  return Number(match[1]);
}
