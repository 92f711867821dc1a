/**
 * Command-line values that carry a unit, parsed once for every command: durations (`0.4s`, `400ms`, `5f`,
 * `5frames`) and probabilities. Each parser is a commander argument parser whose errors name the flag, so a bad
 * value is a usage error (exit 2) that says which flag and what was expected, never a config error blamed on a file.
 */
import { InvalidArgumentError } from 'commander';

/** A length of time as the user wrote it: seconds, or frames of the model's output. */
export interface Duration {
  value: number;
  unit: 'seconds' | 'frames';
}

const UNITS: Record<string, { unit: Duration['unit']; scale: number }> = {
  s: { unit: 'seconds', scale: 1 },
  sec: { unit: 'seconds', scale: 1 },
  secs: { unit: 'seconds', scale: 1 },
  second: { unit: 'seconds', scale: 1 },
  seconds: { unit: 'seconds', scale: 1 },
  ms: { unit: 'seconds', scale: 1e-3 },
  f: { unit: 'frames', scale: 1 },
  frame: { unit: 'frames', scale: 1 },
  frames: { unit: 'frames', scale: 1 },
};

/** How `--help` describes a duration flag's value. */
export const DURATION_HELP = 'seconds (0.4s, 400ms) or output frames (5f, 5frames; a bare whole number counts frames)';

/**
 * Parses `0.4s`, `0.4 s`, `400ms`, `5f`, `5frames` or a bare whole number (frames, as the config's default unit).
 * Throws a one-line Error naming `flag` for anything else: a negative or non-finite value, an unknown unit, a
 * fractional frame count (`0.4` alone is refused rather than read as 0.4 frames: say `0.4s` or `5f`).
 */
export function parseDuration(text: string, flag: string): Duration {
  const match = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) throw new Error(`${flag}: expected a duration such as 0.4s or 5f, got '${text}'`);
  const number = Number(match[1]);
  const suffix = match[2].toLowerCase();
  const unit = suffix === '' ? { unit: 'frames' as const, scale: 1 } : UNITS[suffix];
  if (!unit) throw new Error(`${flag}: unknown unit '${match[2]}' in '${text}' (use s, ms, f or frames)`);
  const value = number * unit.scale;
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${flag}: must be > 0, got '${text}'`);
  if (unit.unit === 'frames' && !Number.isInteger(value))
    throw new Error(`${flag}: ${suffix === '' ? `a bare number counts frames, and ${text.trim()} is not a whole number; did you mean ${text.trim()}s?` : `a frame count must be a whole number, got '${text}'`}`);
  return { value, unit: unit.unit };
}

/** Parses a probability in [0, 1]; the error names `flag`. */
export function parseProbability(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${flag}: expected a probability between 0 and 1, got '${text}'`);
  return value;
}

/** `parse` as a commander argument parser: its errors become usage errors (exit 2) that name the flag. */
export function argParser<T>(parse: (text: string, flag: string) => T, flag: string): (text: string) => T {
  return (text: string) => {
    try {
      return parse(text, flag);
    } catch (err) {
      // commander's message already names the flag and the value: keep only what was expected
      const message = (err as Error).message;
      throw new InvalidArgumentError(message.startsWith(`${flag}: `) ? message.slice(flag.length + 2) : message);
    }
  };
}

/** `--median 0.4s` style: a commander parser for a duration flag. */
export const durationArg = (flag: string) => argParser(parseDuration, flag);

/** `--threshold 0.5` style: a commander parser for a probability flag. */
export const probabilityArg = (flag: string) => argParser(parseProbability, flag);

/** A duration for logs and Markdown: `0.40 s` or `5 frames`. */
export function formatDuration(d: Duration): string {
  return d.unit === 'seconds' ? `${Number(d.value.toPrecision(3))} s` : `${d.value} frame${d.value === 1 ? '' : 's'}`;
}
