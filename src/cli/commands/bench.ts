/**
 * `sed bench [features|train|all]`: one JSON line per result on stdout (`npm run bench` runs all).
 * train: src/bench/train-bench.ts, one line per configuration (reference CRNN at batch 8 and 32, the DCASE 2019 net
 * at batch 2), or only `--model`/`--batch` when given; `--compare-pytorch` runs the reference CRNN here and in
 * PyTorch in fresh processes at the same thread count (src/bench/train-compare.ts) and prints both and the ratio.
 */
import { Argument, Option } from 'commander';
import { benchFeatures } from '../../bench/features-bench.ts';
import { benchTrainStep, TRAIN_BENCH_CONFIGS, type TrainBenchModel } from '../../bench/train-bench.ts';
import { compareFeaturesWithTorchaudio, formatFeaturesCompare } from '../../bench/features-compare.ts';
import { compareTrainWithPytorch, formatTrainCompare } from '../../bench/train-compare.ts';
import type { BackendName } from '../../backend/select.ts';
import { UsageError } from '../../errors.ts';
import { loggerFor, parseIntArg, type CliContext } from '../context.ts';
import { withExamples } from '../help.ts';

interface BenchOptions {
  clips?: number;
  backend: BackendName;
  model?: TrainBenchModel;
  batch?: number;
  threads: number;
  warmup: number;
  steps: number;
  runs: number;
  comparePytorch?: boolean;
  compareTorchaudio?: boolean;
  python?: string;
}

/** Registers `sed bench` (thin: parses flags, calls the bench library, prints one JSON line per result). */
export function registerBench(ctx: CliContext) {
  const cmd = ctx.program
    .command('bench')
    .description('time feature extraction (DESED setting, one thread) and a training step; prints one JSON line per result')
    .addArgument(new Argument('[what]', 'what to time').choices(['features', 'train', 'all']).default('all'))
    .option('--clips <n>', 'features: clips timed (default 20; 100 with --compare-torchaudio)', parseIntArg('--clips'))
    .option('--compare-torchaudio', 'features: time `sed features --jobs 1` and torchaudio (scripts/torchaudio_features.py) as whole processes on the same WAV files, one thread each, and print the ratio')
    .addOption(new Option('--backend <name>', 'train: tfjs backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('wasm'))
    .addOption(new Option('--model <name>', 'train: only this model').choices(['reference', 'dcase2019']))
    .option('--batch <n>', 'train: only this batch size', parseIntArg('--batch'))
    .option('--threads <n>', 'train: threads to compute on (both sides with --compare-pytorch)', parseIntArg('--threads'), 1)
    .option('--warmup <n>', 'train: untimed steps first', parseIntArg('--warmup'), 2)
    .option('--steps <n>', 'train: timed steps (the median is reported)', parseIntArg('--steps'), 5)
    .option('--compare-pytorch', 'train: time the reference CRNN here and in PyTorch (scripts/pytorch_train_step.py) at the same thread count, in fresh processes, and print the ratio')
    .option('--runs <n>', 'with --compare-*: fresh processes per side (the median over runs is reported)', parseIntArg('--runs'), 3)
    .option('--python <path>', 'with --compare-*: interpreter with torch/torchaudio (default $SED_PYTHON, else /usr/bin/python3)');
  return withExamples(cmd, [
    ['npx sed bench', 'everything (what `npm run bench` runs)'],
    ['npx sed bench features --clips 50'],
    ['npx sed bench train --compare-pytorch --threads 2', 'the reference CRNN step here and in PyTorch, same thread count, and the ratio'],
    ['npx sed bench features --compare-torchaudio', 'whole-process extraction of 100 DESED-setting clips here and in torchaudio'],
  ]).action(async (what: string, opts: BenchOptions) => {
      const log = loggerFor(ctx.program, ctx.io);
      const print = (result: object) => ctx.io.stdout(`${JSON.stringify(result)}\n`);
      if (opts.comparePytorch && what !== 'train') throw new UsageError('--compare-pytorch goes with `npx sed bench train`');
      if (opts.comparePytorch && opts.model === 'dcase2019') throw new UsageError('--compare-pytorch times the reference model only (--model reference)');
      if (opts.compareTorchaudio && what !== 'features') throw new UsageError('--compare-torchaudio goes with `npx sed bench features`');
      if (opts.compareTorchaudio) {
        const result = await compareFeaturesWithTorchaudio({
          clips: opts.clips ?? 100,
          runs: opts.runs,
          python: opts.python,
          onRun: (side, run) => log.info({ side, run: run + 1, of: opts.runs }, 'timing feature extraction'),
        });
        ctx.io.stderr(formatFeaturesCompare(result));
        print(result);
        return;
      }
      if (what === 'features' || what === 'all') {
        log.info({ clips: opts.clips ?? 20 }, 'timing feature extraction');
        print(await benchFeatures({ clips: opts.clips ?? 20 }));
      }
      if (what !== 'train' && what !== 'all') return;
      if (opts.comparePytorch) {
        const result = await compareTrainWithPytorch({
          backend: opts.backend,
          threads: opts.threads,
          batch: opts.batch ?? 8,
          runs: opts.runs,
          warmup: opts.warmup,
          steps: opts.steps,
          python: opts.python,
          onRun: (side, run) => log.info({ side, run: run + 1, of: opts.runs }, 'timing a training step'),
        });
        ctx.io.stderr(formatTrainCompare(result));
        print(result);
        return;
      }
      const configs =
        opts.model === undefined && opts.batch === undefined
          ? TRAIN_BENCH_CONFIGS
          : [{ model: opts.model ?? 'reference', batch: opts.batch ?? 8 }];
      log.info({ backend: opts.backend, threads: opts.threads }, 'timing training steps');
      for (const c of configs) {
        const { kernels: _kernels, ...result } = await benchTrainStep({ backend: opts.backend, threads: opts.threads, warmup: opts.warmup, steps: opts.steps, ...c });
        print(result);
      }
    });
}
