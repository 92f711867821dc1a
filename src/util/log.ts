/**
 * Logging through pino, always to stderr so that stdout stays clean for TSV/JSON a command prints. The default
 * format is one readable line per record; `json` keeps pino's JSON lines for machines.
 */
import { pino, type Logger } from 'pino';

export type { Logger };
export type LogFormat = 'pretty' | 'json';

const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** A pino destination that writes `level message key=value …` lines. */
function prettyStream(write: (line: string) => void) {
  return {
    write(json: string) {
      const { level, msg, time: _time, pid: _pid, hostname: _hostname, ...fields } = JSON.parse(json);
      const extras = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const tag = level >= 40 ? `${LEVEL_NAMES[level]}: ` : '';
      write(`${tag}${msg ?? ''}${extras ? ` ${extras}` : ''}\n`);
    },
  };
}

/** A pino logger writing pretty or JSON lines through `write` at the given level. */
export function createLogger(opts: { format?: LogFormat; level?: string; write?: (line: string) => void } = {}): Logger {
  const level = opts.level ?? 'info';
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  if (opts.format === 'json') return pino({ level, base: undefined }, { write });
  return pino({ level, base: undefined }, prettyStream(write));
}

/** A logger that drops everything: the default for library calls from tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
