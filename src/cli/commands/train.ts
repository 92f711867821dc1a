import { Option } from 'commander';
import { runTrain } from '../../train/train.ts';
import { POOLING_NAMES } from '../../model/pooling/registry.ts';
import { loggerFor, parseIntArg, printSummary, resolveCommandConfig, withConfigOptions, type CliContext } from '../context.ts';
import { withExamples } from '../help.ts';
import { EXIT } from '../exit-codes.ts';
import { interruptOnSigint } from '../interrupt.ts';
import { requireFeatureStore } from '../paths.ts';

/**
 * Registers `sed train` (thin: config + flags → train/train.ts runTrain → summary). `--pooling` choices come from the
 * pooling registry; Ctrl-C stops after the current step with a checkpoint, a second Ctrl-C at once (exit 130).
 */
export function registerTrain(ctx: CliContext) {
  const cmd = withConfigOptions(
    ctx.program
      .command('train')
      .description('train a CRNN with the chosen pooling head on a feature store; writes checkpoints, metrics.jsonl and n_c.json')
      .option('--features <dir>', 'feature store made by `sed features`', 'features/synth2019')
      .requiredOption('--out <dir>', 'run folder')
      .addOption(new Option('--pooling <head>', 'pooling head (config pooling.head)').choices(POOLING_NAMES))
      .addOption(new Option('--backend <name>', 'compute backend (config train.backend)').choices(['auto', 'tensorflow', 'wasm', 'cpu']))
      .option('--epochs <n>', 'epochs (config train.epochs)', parseIntArg('--epochs'))
      .option('--seed <n>', 'random seed (config train.seed)', parseIntArg('--seed'))
      .option('--resume', 'continue the run in --out from its last checkpoint')
      .option('--json', 'print the summary as JSON on stdout'),
  );
  return withExamples(cmd, [
    ['npx sed train --config configs/default.yaml --features features/synth2019 --out runs/first'],
    ['npx sed train --config configs/default.yaml --features features/synth2019 --out runs/first --resume', 'continue after Ctrl-C (or add epochs with --epochs)'],
  ]).action(async (opts) => {
    const log = loggerFor(ctx.program, ctx.io);
    requireFeatureStore(opts.features);
    const config = resolveCommandConfig(opts, { pooling: 'pooling.head', backend: 'train.backend', epochs: 'train.epochs', seed: 'train.seed' });
    const interrupt = interruptOnSigint(log, 'finishing the current step and writing a checkpoint');
    try {
      const summary = await runTrain(config, { features: opts.features, out: opts.out }, log, { resume: opts.resume, signal: interrupt.signal });
      printSummary(ctx, summary.interrupted ? 'train interrupted' : 'train done', summary, opts.json);
      if (summary.interrupted) ctx.exitCode = EXIT.interrupted;
    } finally {
      interrupt.dispose();
    }
  });
}
