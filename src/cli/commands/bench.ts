/**
 * `sed bench [features|train|all]`: one JSON line per result on stdout (`npm run bench` runs all).
 * train: a function exported by src/bench/train-bench.ts when there is one; otherwise scripts/bench-train-step.ts,
 * a top-level script (importing it would run it against our argv), in a child process whose JSON line is relayed.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Argument } from 'commander';
import { benchFeatures } from '../../bench/features-bench.ts';
import { loggerFor, parseIntArg, type CliContext } from '../context.ts';

const REPO_ROOT = new URL('../../../', import.meta.url);
const TRAIN_MODULE = new URL('src/bench/train-bench.ts', REPO_ROOT);
const TRAIN_SCRIPT = new URL('scripts/bench-train-step.ts', REPO_ROOT);

export function registerBench(ctx: CliContext) {
  return ctx.program
    .command('bench')
    .description('time feature extraction (DESED setting, one thread) and a training step; prints one JSON line per result')
    .addArgument(new Argument('[what]', 'what to time').choices(['features', 'train', 'all']).default('all'))
    .option('--clips <n>', 'clips timed by the features bench', parseIntArg('--clips'), 20)
    .action(async (what: string, opts: { clips: number }) => {
      const log = loggerFor(ctx.program, ctx.io);
      const print = (result: object) => ctx.io.stdout(`${JSON.stringify(result)}\n`);
      if (what === 'features' || what === 'all') {
        log.info({ clips: opts.clips }, 'timing feature extraction');
        print(await benchFeatures({ clips: opts.clips }));
      }
      if (what === 'train' || what === 'all') {
        log.info('timing a training step');
        const result = await benchTrain();
        if ('error' in result) ctx.exitCode = 1;
        print(result);
      }
    });
}

async function benchTrain(): Promise<object> {
  if (existsSync(TRAIN_MODULE)) {
    const mod = (await import(TRAIN_MODULE.href)) as Record<string, unknown>;
    const fn = mod.benchTrain ?? mod.benchTrainStep ?? mod.default ?? Object.values(mod).find((v) => typeof v === 'function');
    if (typeof fn === 'function') return (await fn()) as object;
  }
  if (existsSync(TRAIN_SCRIPT)) {
    const script = fileURLToPath(TRAIN_SCRIPT);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: fileURLToPath(REPO_ROOT), maxBuffer: 1 << 20 });
      const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      if (line) return JSON.parse(line) as object;
      return { bench: 'train_step', error: `${script} printed no JSON line` };
    } catch (err) {
      const e = err as Error & { stderr?: string };
      return { bench: 'train_step', error: `${script}: ${(e.stderr || e.message).trim().split('\n').pop()}` };
    }
  }
  return { bench: 'train_step', skipped: 'not available' };
}
