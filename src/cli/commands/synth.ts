import { Option } from 'commander';
import { synthesizeDataset } from '../../synth/synthesize.ts';
import { loggerFor, parseIntArg, printSummary, type CliContext } from '../context.ts';

export function registerSynth(ctx: CliContext) {
  return ctx.program
    .command('synth')
    .description('write a deterministic DCASE-like synthetic dataset (WAV + metadata) in the 2019 or 2017 layout')
    .addOption(new Option('--layout <layout>', 'folder layout to write').choices(['dcase2019', 'dcase2017']).default('dcase2019'))
    .requiredOption('--out <dir>', 'dataset folder to create')
    .option('--clips <n>', 'weakly labelled training clips', parseIntArg('--clips'), 200)
    .option('--seed <n>', 'random seed (same seed, same bytes)', parseIntArg('--seed'), 1)
    .option('--validation-clips <n>', 'strongly labelled validation/test clips (default: clips/4)', parseIntArg('--validation-clips'))
    .option('--json', 'print the summary as JSON on stdout')
    .action(async (opts) => {
      const log = loggerFor(ctx.program, ctx.io);
      log.info({ layout: opts.layout, out: opts.out, clips: opts.clips, seed: opts.seed }, 'synthesizing');
      const summary = await synthesizeDataset({
        layout: opts.layout,
        outDir: opts.out,
        clips: opts.clips,
        seed: opts.seed,
        validationClips: opts.validationClips,
      });
      printSummary(ctx, 'synth done', summary, opts.json);
    });
}
