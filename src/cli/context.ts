/** What every command shares: the logger, config loading from --config/--set/flags, and printing. */
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { loadConfig, type ConfigOverride } from '../config/load.ts';
import type { SedConfig } from '../config/types.ts';
import { UsageError } from '../errors.ts';
import { createLogger, type LogFormat, type Logger } from '../util/log.ts';
import { roundForDisplay } from '../util/format.ts';
import { requireFile } from './paths.ts';

export interface GlobalOptions {
  logFormat: LogFormat;
  quiet?: boolean;
  verbose?: boolean;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The logger the global flags ask for (--log-format, --quiet, --verbose), writing to the CLI's stderr. */
export function loggerFor(program: Command, io: CliIo): Logger {
  const g = program.opts<GlobalOptions>();
  return createLogger({ format: g.logFormat, level: g.quiet ? 'warn' : g.verbose ? 'debug' : 'info', write: io.stderr });
}

/**
 * The config of a command run without --config: configs/default.yaml of this package (found from this file, not from
 * the working directory), so that no --config and `--config configs/default.yaml` are the same run. Keys it does not
 * set take the schema's defaults (src/config/schema.ts), as for any config file.
 */
export const DEFAULT_CONFIG_FILE = fileURLToPath(new URL('../../configs/default.yaml', import.meta.url));

/** `--config FILE` and repeatable `--set key.path=value`, shared by the commands that take a config. */
export function withConfigOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'YAML config (default: configs/default.yaml, the built-in synthetic data)')
    .option('--set <key=value>', 'override any config key, e.g. --set train.lr=3e-4 (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[]);
}

/** Flag name → config key path for the flags that are shortcuts for config keys. */
export type FlagKeys = Record<string, string>;

/**
 * The config of a command: --config FILE (or the defaults), then each `--set key=value`, then the flags named in
 * `flagKeys` (flag → key path). Throws UsageError for a --set without '=', ConfigError for a bad key or value.
 */
export function resolveCommandConfig(opts: Record<string, unknown>, flagKeys: FlagKeys = {}): SedConfig {
  const overrides: ConfigOverride[] = [];
  for (const item of (opts.set as string[] | undefined) ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects key.path=value, got '${item}'`);
    overrides.push({ keyPath: item.slice(0, eq).trim(), value: item.slice(eq + 1), source: `--set ${item}` });
  }
  if (opts.config !== undefined) requireFile(opts.config as string, '--config');
  const file = (opts.config as string | undefined) ?? DEFAULT_CONFIG_FILE;
  for (const [flag, keyPath] of Object.entries(flagKeys)) {
    if (opts[flag] !== undefined) overrides.push({ keyPath, value: opts[flag], source: `--${flag}` });
  }
  return loadConfig(file, overrides);
}

/** The global `--log-format pretty|json` option. */
export const logFormatOption = () => new Option('--log-format <format>', 'log lines on stderr').choices(['pretty', 'json']).default('pretty');

/** A commander argument parser for integer flags; throws UsageError naming the flag for anything else. */
export const parseIntArg = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${name} expects an integer, got '${value}'`);
  return n;
};

/** Shared by the commands of one invocation: output streams, the root program (global flags), the exit code. */
export interface CliContext {
  io: CliIo;
  program: Command;
  /** A command sets this to finish with a non-zero code without throwing (e.g. some clips failed). */
  exitCode: number;
}

/**
 * Prints a command's summary: JSON on stdout with --json (full precision), otherwise readable `label: value` lines on
 * stderr with numbers rounded for reading (roundForDisplay), and nothing at all under -q. `labels` renames keys
 * whose bare name would not say what they count (e.g. synth's `clips` → `clips (all subsets)`).
 */
export function printSummary(ctx: CliContext, title: string, summary: object, json = false, labels: Record<string, string> = {}) {
  if (json) {
    ctx.io.stdout(`${JSON.stringify(summary, null, 1)}\n`);
    return;
  }
  if (ctx.program.opts<GlobalOptions>().quiet) return;
  const lines = Object.entries(roundForDisplay(summary) as object).map(([k, v]) => `  ${labels[k] ?? k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`);
  ctx.io.stderr(`${title}\n${lines.join('\n')}\n`);
}
