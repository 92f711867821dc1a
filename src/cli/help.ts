/**
 * What `--help` shows besides the options: examples written as `npx sed …` (a bare `sed` on a shell runs GNU sed,
 * and a global install would shadow it, so the project's bin is always run through npx), and the version.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';

/** Said once, in the top-level help and the README. */
export const NPX_NOTE = 'Run it as `npx sed …` from the project folder: a bare `sed` is the system\'s GNU sed.';

/** Appends an "Examples:" block to `cmd`'s help; each example is one `npx sed …` line, optionally with a comment. */
export function withExamples(cmd: Command, examples: [command: string, comment?: string][]): Command {
  const lines = examples.map(([command, comment]) => `  $ ${command}${comment ? `\n      ${comment}` : ''}`);
  return cmd.addHelpText('after', `\nExamples:\n${lines.join('\n')}\n`);
}

/** The package version from package.json (one source for `--version` and the package). */
export function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}
