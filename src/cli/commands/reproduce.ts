import { runReproduce } from '../../reproduce/run-reproduce.ts';
import { UsageError } from '../../errors.ts';
import { loggerFor, parseIntArg, printSummary, resolveCommandConfig, withConfigOptions, type CliContext } from '../context.ts';
import { withExamples } from '../help.ts';

const list = (flag: string) => (value: string) => {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new UsageError(`${flag} expects a comma-separated list`);
  return items;
};

/** Registers `sed reproduce` (thin: config + flags → reproduce/run-reproduce.ts runReproduce; exit 1 when a check fails). */
export function registerReproduce(ctx: CliContext) {
  const cmd = withConfigOptions(
    ctx.program
      .command('reproduce')
      .description("synth → features → train one model per head and seed → eval; writes the paper's tables, n_c vs duration and plots")
      .requiredOption('--out <dir>', 'report folder (features, runs and evals are kept below it and reused)')
      .option('--heads <list>', 'pooling heads, e.g. power,linear_softmax (config reproduce.heads)', list('--heads'))
      .option('--seeds <list>', 'seeds, e.g. 1,2,3 (config reproduce.seeds)', (v: string) => list('--seeds')(v).map(Number))
      .option('-j, --jobs <n>', 'runs trained at once, each in its own process on one thread (results identical to one at a time)', parseIntArg('--jobs'), 1)
      .option('--json', 'print the summary as JSON on stdout'),
  );
  return withExamples(cmd, [
    ['npx sed reproduce --config configs/reproduce-synth.yaml --out reports/repro', 'what `npm run reproduce` runs; a second run reuses what is done'],
    ['npx sed reproduce --config configs/reproduce-synth.yaml --out reports/quick --heads power,linear_softmax --seeds 1'],
    ['npx sed reproduce --config configs/reproduce-synth-full.yaml --out reports/full --jobs 2', 'two runs at once, one per core'],
  ]).action(async (opts) => {
    const log = loggerFor(ctx.program, ctx.io);
    const config = resolveCommandConfig(opts, { heads: 'reproduce.heads', seeds: 'reproduce.seeds' });
    if (!(opts.jobs >= 1)) throw new UsageError(`--jobs must be >= 1 (${opts.jobs} given)`);
    const summary = await runReproduce(config, { out: opts.out }, log, { jobs: opts.jobs });
    printSummary(ctx, 'reproduce done', summary, opts.json);
    for (const c of summary.checks) log[c.passed ? 'info' : 'error'](`${c.passed ? 'PASS' : 'FAIL'} ${c.name}: ${c.detail}`);
    if (!summary.passed) ctx.exitCode = 1;
  });
}
