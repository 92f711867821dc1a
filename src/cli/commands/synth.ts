import { Option } from 'commander';
import { synthesizeDataset } from '../../synth/synthesize.ts';
import { loggerFor, parseIntArg, printSummary, type CliContext } from '../context.ts';
import { withExamples } from '../help.ts';

/** Registers `sed synth` (thin: flags → synth/synthesize.ts synthesizeDataset → summary). */
export function registerSynth(ctx: CliContext) {
  const cmd = ctx.program
    .command('synth')
    .description('write a deterministic DCASE-like synthetic dataset (WAV + metadata) in the 2019 or 2017 layout')
    .addOption(new Option('--layout <layout>', 'folder layout to write').choices(['dcase2019', 'dcase2017']).default('dcase2019'))
    .requiredOption('--out <dir>', 'dataset folder to create')
    .option('--clips <n>', 'weakly labelled training clips; the other subsets are sized from it (2019: validation clips/4, synthetic and unlabel_in_domain clips/2)', parseIntArg('--clips'), 200)
    .option('--seed <n>', 'random seed (same seed, same bytes)', parseIntArg('--seed'), 1)
    .option('--validation-clips <n>', 'strongly labelled validation/test clips (default: clips/4)', parseIntArg('--validation-clips'))
    .option('--json', 'print the summary as JSON on stdout');
  return withExamples(cmd, [
    ['npx sed synth --layout dcase2019 --out data/synth2019 --clips 200 --seed 1', 'the first run\'s data set'],
    ['npx sed synth --layout dcase2017 --out data/synth2017 --clips 400'],
  ]).action(async (opts) => {
      const log = loggerFor(ctx.program, ctx.io);
      log.info({ layout: opts.layout, out: opts.out, weak_clips: opts.clips, seed: opts.seed }, 'synthesizing');
      const summary = await synthesizeDataset({
        layout: opts.layout,
        outDir: opts.out,
        clips: opts.clips,
        seed: opts.seed,
        validationClips: opts.validationClips,
      });
      printSummary(ctx, 'synth done', summary, opts.json, {
        clips: 'clips (all subsets)',
        subsets: 'clips per subset',
        events: 'events (all subsets)',
      });
    });
}
