import { Option } from 'commander';
import { UsageError } from '../../errors.ts';
import { runFeatures } from '../../features/run-features.ts';
import { parseShard } from '../../features/shard.ts';
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
      .option('--shard <K/N>', 'extract only shard K of N (0 <= K < N; a stable 1/N of the clips by name) into the same store, for one task of a cluster array job; writes no manifests (run --merge after the last shard)')
      .option('--merge', 'after shard runs: build manifests, stats.json and features.json from every shard\'s journal (byte-identical to one unsharded run); extracts any clip no shard finished')
      .option('--json', 'print the summary as JSON on stdout'),
  );
  return withExamples(cmd, [
    ['npx sed features --config configs/default.yaml --root data/synth2019 --out features/synth2019', 're-running it skips the clips already done with the same settings'],
    ['npx sed features --config configs/dcase2019.yaml --root /data/DESED --out features/desed --jobs 2'],
    ['npx sed features --config C --root /shared/DESED --out /shared/feat --shard $SLURM_ARRAY_TASK_ID/16', 'one task of a 16-task array job (--array=0-15); then once: npx sed features --config C --root /shared/DESED --out /shared/feat --merge'],
  ]).action(async (opts) => {
    const log = loggerFor(ctx.program, ctx.io);
    if (opts.shard !== undefined && opts.merge) throw new UsageError('--shard and --merge go in separate runs: shards first, then one --merge');
    const shard = opts.shard !== undefined ? parseShard(opts.shard) : undefined;
    const config = resolveCommandConfig(opts, { layout: 'data.layout', root: 'data.root' });
    log.info({ layout: config.data.layout, root: config.data.root, out: opts.out }, 'extracting features');
    const summary = await runFeatures(config.data, config.features, { out: opts.out }, log, { jobs: opts.jobs, fullConfig: config, allowTruncated: opts.allowTruncated === true, shard });
    if (opts.merge && summary.computed > 0) log.warn(`--merge: ${summary.computed} clips were in no shard's journal and were extracted now`);
    printSummary(ctx, 'features done', summary, opts.json);
    // 1 = finished, but some clips are missing or suspect: a script must notice truncated audio even when allowed
    if (summary.failed > 0 || summary.truncated > 0) ctx.exitCode = 1;
  });
}
