/** The `sed` program: one commander command per verb, and one error boundary that turns errors into exit codes. */
import { Command, CommanderError } from 'commander';
import { SedError } from '../errors.ts';
import { logFormatOption, type CliContext, type CliIo } from './context.ts';
import { registerFeatures } from './commands/features.ts';
import { registerSynth } from './commands/synth.ts';
import { registerTrain } from './commands/train.ts';
import { registerEval } from './commands/eval.ts';
import { registerPredict } from './commands/predict.ts';
import { registerExport } from './commands/export.ts';
import { registerMetrics } from './commands/metrics.ts';
import { registerBench } from './commands/bench.ts';
import { registerReproduce } from './commands/reproduce.ts';
import { EXIT } from './exit-codes.ts';
import { NPX_NOTE, packageVersion, withExamples } from './help.ts';
import { silenceTfjsNoise } from '../util/tfjs-noise.ts';
import { registerDoctor } from './commands/doctor.ts';

export { EXIT } from './exit-codes.ts';

/** The commander program with every verb registered, writing to `ctx.io`; tests use it to parse argv in-process. */
export function buildProgram(ctx: Omit<CliContext, 'program'>): CliContext {
  const program = new Command('npx sed')
    .description('Weak-label sound event detection: features, CRNN training with pooling heads (power pooling), DCASE metrics')
    .addOption(logFormatOption())
    .option('-q, --quiet', 'only warnings and errors on stderr')
    .option('-v, --verbose', 'debug logging')
    .version(packageVersion(), '-V, --version', 'print the version')
    .configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');
  program.addHelpText('before', `${NPX_NOTE}\n`);
  withExamples(program, [
    ['npm run first-run', 'synth → features → train → eval on the built-in synthetic data (reports/first/report.md)'],
    ['npx sed train --help', 'the options of one command, with examples'],
  ]);
  const full: CliContext = { ...ctx, program };
  for (const register of [registerSynth, registerFeatures, registerTrain, registerEval, registerPredict, registerExport, registerMetrics, registerBench, registerReproduce, registerDoctor]) {
    register(full).exitOverride().configureOutput({ writeOut: ctx.io.stdout, writeErr: ctx.io.stderr });
  }
  return full;
}

const processIo: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Runs the CLI on argv (node, script, ...args) and returns the exit code; never calls process.exit. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  silenceTfjsNoise();
  const ctx = buildProgram({ io, exitCode: EXIT.ok });
  try {
    await ctx.program.parseAsync(argv);
    return ctx.exitCode;
  } catch (err) {
    return reportError(err, io);
  }
}

/**
 * The error boundary: prints one line for an error that escaped a command and returns its exit code. Commander's
 * own errors (unknown option, bad argument) have printed themselves already: 0 for --help/--version, else 2.
 * SedErrors carry their code (2, or 70 for a broken invariant); anything else is a bug: 70 with the stack.
 */
export function reportError(err: unknown, io: CliIo): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (err instanceof SedError) {
    io.stderr(err.exitCode === EXIT.internal ? `sed: internal error (a bug, please report it): ${err.message}\n` : `sed: error: ${err.message}\n`);
    return err.exitCode;
  }
  io.stderr(`sed: internal error (a bug, please report it): ${(err as Error)?.stack ?? err}\n`);
  return EXIT.internal;
}
