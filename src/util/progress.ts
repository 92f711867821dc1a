/**
 * Progress for long loops: a redrawn bar on a TTY, otherwise a log line every `every` items (and at the end).
 */
import type { Logger } from './log.ts';

export interface Progress {
  tick(n?: number, note?: string): void;
  done(): void;
}

/** Progress over `total` items: a redrawn line on a TTY stream, otherwise a log line every `opts.every` items and at the end. */
export function createProgress(label: string, total: number, log: Logger, opts: { every?: number; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY) && log.level !== 'silent';
  const every = opts.every ?? Math.max(25, Math.ceil(total / 10));
  const startMs = Date.now();
  let count = 0;
  let lastDraw = 0;
  const draw = (note = '') => {
    const width = 30;
    const fraction = total ? count / total : 1;
    const filled = Math.round(fraction * width);
    const elapsedSec = (Date.now() - startMs) / 1000;
    const rate = elapsedSec > 0 ? count / elapsedSec : 0;
    const etaSec = rate > 0 ? (total - count) / rate : 0;
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total} ${rate.toFixed(1)}/s eta ${etaSec.toFixed(0)}s ${note}\x1b[K`);
  };
  return {
    tick(n = 1, note) {
      count += n;
      if (tty) {
        const now = Date.now();
        if (now - lastDraw > 100 || count >= total) {
          lastDraw = now;
          draw(note);
        }
      } else if (count % every === 0 || count === total) {
        log.info({ done: count, total, ...(note ? { note } : {}) }, label);
      }
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}
