import { Option } from 'commander';
import { runEval } from '../../infer/run-eval.ts';
import { loggerFor, printSummary, type CliContext } from '../context.ts';
import { requireFeatureStore, requireRunFolder } from '../paths.ts';
import { withExamples } from '../help.ts';
import { postprocessOverrides, withPostprocessOptions } from '../postprocess-flags.ts';

/** Registers `sed eval` (thin: flags → infer/run-eval.ts runEval → summary). */
export function registerEval(ctx: CliContext) {
  const cmd = ctx.program
    .command('eval')
    .description('evaluate a run on a subset: detections TSV, frame probabilities (.npy), metrics.json, report.md')
    .requiredOption('--run <dir>', 'run folder written by `sed train`')
    .option('--checkpoint <name>', "'best', 'last' or a checkpoints/ folder name such as epoch-007", 'best')
    .option('--features <dir>', 'feature store', 'features/synth2019')
    .option('--subset <name>', 'subset to evaluate (default: the validation/test subset)')
    .requiredOption('--out <dir>', 'report folder');
  return withExamples(withPostprocessOptions(cmd), [
    ['npx sed eval --run runs/first --features features/synth2019 --out reports/first'],
    ['npx sed eval --run runs/first --features features/synth2019 --out reports/median --median 0.4s --threshold 0.3', 'another median window (0.4 s) and threshold than the run\'s config'],
  ])
    .addOption(new Option('--backend <name>', 'compute backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'))
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (opts) => {
      requireRunFolder(opts.run);
      requireFeatureStore(opts.features);
      const log = loggerFor(ctx.program, ctx.io);
      const summary = await runEval({ run: opts.run, features: opts.features, out: opts.out }, log, {
        checkpoint: opts.checkpoint,
        subset: opts.subset,
        overrides: postprocessOverrides(opts),
        backend: opts.backend,
      });
      printSummary(ctx, 'eval done', summary, opts.json);
    });
}
