import { Option } from 'commander';
import { runFeatures } from '../../features/run-features.ts';
import { loggerFor, parseIntArg, printSummary, resolveCommandConfig, withConfigOptions, type CliContext } from '../context.ts';
import { withExamples } from '../help.ts';

/** Registers `sed features` (thin: config + flags → features/run-features.ts runFeatures → summary). */
export function registerFeatures(ctx: CliContext) {
  const cmd = withConfigOptions(
    ctx.program
      .command('features')
      .description('extract log-mel features of every clip of a DCASE 2017/2019 folder into .npy files with manifests')
      .addOption(new Option('--layout <layout>', 'dataset layout (config data.layout)').choices(['dcase2019', 'dcase2017']))
      .option('--root <dir>', 'dataset folder (config data.root)')
      .requiredOption('--out <dir>', 'feature store folder')
      .option('-j, --jobs <n>', 'worker threads (default: number of cores)', parseIntArg('--jobs'))
      .option('--allow-truncated', 'decode WAVs whose data chunk is cut short (with a warning) instead of skipping them; they are counted and the exit code is 1 either way')
      .option('--json', 'print the summary as JSON on stdout'),
  );
  return withExamples(cmd, [
    ['npx sed features --config configs/default.yaml --root data/synth2019 --out features/synth2019', 're-running it skips the clips already done with the same settings'],
    ['npx sed features --config configs/dcase2019.yaml --root /data/DESED --out features/desed --jobs 2'],
  ]).action(async (opts) => {
    const log = loggerFor(ctx.program, ctx.io);
    const config = resolveCommandConfig(opts, { layout: 'data.layout', root: 'data.root' });
    log.info({ layout: config.data.layout, root: config.data.root, out: opts.out }, 'extracting features');
    const summary = await runFeatures(config.data, config.features, { out: opts.out }, log, { jobs: opts.jobs, fullConfig: config, allowTruncated: opts.allowTruncated === true });
    printSummary(ctx, 'features done', summary, opts.json);
    // 1 = finished, but some clips are missing or suspect: a script must notice truncated audio even when allowed
    if (summary.failed > 0 || summary.truncated > 0) ctx.exitCode = 1;
  });
}
