/**
 * Errors that the CLI reports as one line and turns into an exit code.
 * Every message names what is at fault: a config key path, a file (and line), or a shape.
 * Exit codes: 2 for everything the user can fix (usage, config, input data that stops a command), 70 for a broken
 * internal invariant (ShapeError). 1 is never thrown: it means "finished, with failures" and a command sets it itself.
 */
export class SedError extends Error {
  /** Exit code the CLI uses when this error escapes a command. */
  readonly exitCode: number = 2;
}

/** A configuration value is missing, unknown or out of range. `keyPath` is dotted, e.g. `features.n_fft`. */
export class ConfigError extends SedError {
  override readonly exitCode = 2;
  constructor(
    readonly keyPath: string,
    detail: string,
    readonly file?: string,
  ) {
    super(`${file ? `${file}: ` : ''}${keyPath}: ${detail}`);
    this.name = 'ConfigError';
  }
}

/** A data file (WAV, TSV, .npy, manifest) is unreadable or malformed: the user's input, so exit 2 when it stops a command. */
export class DataError extends SedError {
  constructor(
    readonly file: string,
    detail: string,
    readonly line?: number,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${detail}`);
    this.name = 'DataError';
  }
}

/**
 * An audio file whose data chunk is shorter than its header declares (an interrupted copy or download): skipped by
 * `sed features` unless --allow-truncated, and counted in its summary either way.
 */
export class TruncatedAudioError extends DataError {
  constructor(file: string, detail: string) {
    super(file, detail);
    this.name = 'TruncatedAudioError';
  }
}

/** A tensor or array does not have the shape a stage expects: a bug in our code, so exit 70. */
export class ShapeError extends SedError {
  override readonly exitCode = 70;
  constructor(
    what: string,
    readonly expected: string,
    readonly got: string,
  ) {
    super(`${what}: expected shape ${expected}, got ${got}`);
    this.name = 'ShapeError';
  }
}

/** Bad command-line usage (unknown combination of flags, missing argument). */
export class UsageError extends SedError {
  override readonly exitCode = 2;
  constructor(detail: string) {
    super(detail);
    this.name = 'UsageError';
  }
}
