import { computeMetrics, metricsOptionsFromConfig, metricsToJson } from '../../metrics/compute-metrics.ts';
import { chooseEstimate } from '../../metrics/estimate-files.ts';
import { formatMetricsTables } from '../../metrics/format-tables.ts';
import { readDurationsTsv, readEventTsv } from '../../io/event-tsv.ts';
import { UsageError } from '../../errors.ts';
import { resolveCommandConfig, withConfigOptions, type CliContext } from '../context.ts';
import { withExamples } from '../help.ts';
import { requireFile } from '../paths.ts';
import { probabilityArg } from '../units.ts';

const HELP_CONVENTIONS = `
Conventions (see the README, "Metrics"):
  event-based, segment-based   sed_eval 0.2.1, value for value (collar 0.2 s, offset 20 % of length, 1 s segments)
  tagging                      DESED clip-level F1: per class 2TP / (2TP + FP + FN), 0 when nothing on either side;
                               a clip's tags are the labels of its events
  PSDS1                        psds_eval 0.5.x (dtc 0.7, gtc 0.7, alpha_ct 0, alpha_st 1, max_efpr 100 per hour),
                               same-class overlaps rejected as psds_eval does (then psds1 is null, with a warning);
                               one difference: with a single-class reference psds_eval 0.5.3 returns 0.0 (its
                               eFPR adds 0 x NaN, the mean cross-trigger rate over no other class); we return the
                               area it means (alpha_ct = 0: eFPR = FPR)

One --estimate file is one operating point: all families, and PSDS1 from that single point with --durations.
Several --estimate files are a threshold sweep: each name carries its threshold (thr_0.50.tsv); PSDS1 uses all of
them, the other families the file at postprocess.threshold (--threshold), or the nearest, named in the output.
`;

/** Registers `sed metrics` (thin: reads the two TSVs → metrics/compute-metrics.ts computeMetrics → tables or JSON). */
export function registerMetrics(ctx: CliContext) {
  const cmd = withConfigOptions(
    ctx.program
      .command('metrics')
      .description('score detections TSV(s) against a reference TSV: event-based, segment-based, tagging (sed_eval 0.2.1 semantics) and PSDS1')
      .requiredOption('--reference <tsv>', 'reference events: filename, onset, offset, event_label')
      .requiredOption('--estimate <tsv...>', 'detections TSV (any name); several files = a threshold sweep, each name carrying its threshold (thr_0.50.tsv)')
      .option('--durations <tsv>', 'clip durations (filename, duration) — enables PSDS1')
      .option('--threshold <p>', 'with several --estimate files: score the one at this threshold, or the nearest (config postprocess.threshold)', probabilityArg('--threshold'))
      .option('--json', 'print {"event_based", "segment_based", "tagging", "psds1", "estimate"} as JSON'),
  ).addHelpText('after', HELP_CONVENTIONS);
  return withExamples(cmd, [
    ['npx sed metrics --reference ref.tsv --estimate reports/first/detections.tsv --durations durations.tsv', 'all families, PSDS1 from this one operating point'],
    ['npx sed metrics --reference ref.tsv --estimate reports/first/psds/thr_*.tsv --durations durations.tsv --json', 'PSDS1 over a threshold sweep; the other families score thr_0.500.tsv'],
  ]).action(async (opts) => {
    const estimates: string[] = opts.estimate;
    requireFile(opts.reference, '--reference');
    for (const file of estimates) requireFile(file, '--estimate');
    if (opts.durations) requireFile(opts.durations, '--durations');
    const config = resolveCommandConfig(opts, { threshold: 'postprocess.threshold' });
    const threshold = config.postprocess.threshold;
    if (typeof threshold !== 'number' && estimates.length > 1)
      throw new UsageError('postprocess.threshold is per class: with several --estimate files give one --threshold to choose the file scored');
    const choice = chooseEstimate(estimates, typeof threshold === 'number' ? threshold : 0.5);
    const reference = readEventTsv(opts.reference);
    const scored = readEventTsv(choice.scored.path);
    const warnings: string[] = [];
    const { options, psdsParams } = metricsOptionsFromConfig(config.eval);
    options.warn = (message) => warnings.push(message);
    if (opts.durations) {
      const operatingPoints = choice.files.map((f) => ({
        threshold: f.threshold ?? NaN, // one file: one operating point, whatever its threshold was
        table: f === choice.scored ? scored : readEventTsv(f.path),
        name: f.path,
      }));
      options.psds = { durationsSec: readDurationsTsv(opts.durations), operatingPoints, params: psdsParams, referenceName: opts.reference };
    }
    const report = computeMetrics(reference, scored, options);
    for (const w of warnings) ctx.io.stderr(`sed: warning: ${w}\n`);
    const estimate = { file: choice.scored.path, threshold: choice.scored.threshold, files: choice.files.length };
    if (opts.json) ctx.io.stdout(`${metricsToJson({ ...report, estimate })}\n`);
    else {
      const which = choice.files.length > 1 ? `Scored ${choice.scored.path} (threshold ${choice.scored.threshold}) of ${choice.files.length} estimate files; PSDS1 over all of them.\n\n` : '';
      const psdsNote = opts.durations ? 'not computed, see the warning' : 'no durations given';
      ctx.io.stdout(which + formatMetricsTables(report, psdsNote));
    }
  });
}
