/**
 * `sed bench [features|train|all]`: one JSON line per result on stdout (`npm run bench` runs all).
 * train: src/bench/train-bench.ts, one line per configuration (reference CRNN at batch 8 and 32, the DCASE 2019 net
 * at batch 8) on the wasm backend.
 */
import { Argument } from 'commander';
import { benchFeatures } from '../../bench/features-bench.ts';
import { benchTrain } from '../../bench/train-bench.ts';
import { loggerFor, parseIntArg, type CliContext } from '../context.ts';
import { withExamples } from '../help.ts';

/** Registers `sed bench` (thin: parses flags, calls the bench library, prints one JSON line per result). */
export function registerBench(ctx: CliContext) {
  const cmd = ctx.program
    .command('bench')
    .description('time feature extraction (DESED setting, one thread) and a training step; prints one JSON line per result')
    .addArgument(new Argument('[what]', 'what to time').choices(['features', 'train', 'all']).default('all'))
    .option('--clips <n>', 'clips timed by the features bench', parseIntArg('--clips'), 20);
  return withExamples(cmd, [
    ['npx sed bench', 'everything (what `npm run bench` runs)'],
    ['npx sed bench features --clips 50'],
  ]).action(async (what: string, opts: { clips: number }) => {
      const log = loggerFor(ctx.program, ctx.io);
      const print = (result: object) => ctx.io.stdout(`${JSON.stringify(result)}\n`);
      if (what === 'features' || what === 'all') {
        log.info({ clips: opts.clips }, 'timing feature extraction');
        print(await benchFeatures({ clips: opts.clips }));
      }
      if (what === 'train' || what === 'all') {
        log.info('timing training steps on wasm');
        for (const result of await benchTrain({ backend: 'wasm' })) print(result);
      }
    });
}
