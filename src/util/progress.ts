/**
 * Progress for long loops: a redrawn bar on a TTY, otherwise a log line every `every` items (and at the end).
 */
import type { Logger } from './log.ts';

export interface Progress {
  tick(n?: number, note?: string): void;
  done(): void;
}

/**
 * Progress over `total` items: a redrawn line on a TTY stream, otherwise a log line every `opts.every` items and at
 * the end. `opts.unit` names one item ('step', 'clip'; default 'item') for the rate, shown as `2.6 steps/s` or, below
 * one per second, `2.5 s/step`. `opts.start` items were done before (a resumed epoch): counted, not timed.
 */
export function createProgress(
  label: string,
  total: number,
  log: Logger,
  opts: { every?: number; stream?: NodeJS.WriteStream; unit?: string; start?: number } = {},
): Progress {
  const stream = opts.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY) && log.level !== 'silent';
  const every = opts.every ?? Math.max(25, Math.ceil(total / 10));
  const startMs = Date.now();
  const start = opts.start ?? 0;
  let count = start;
  let lastDraw = 0;
  const unit = opts.unit ?? 'item';
  const rateText = () => formatRate(count - start, (Date.now() - startMs) / 1000, unit);
  const draw = (note = '') => {
    const width = 30;
    const fraction = total ? count / total : 1;
    const filled = Math.round(fraction * width);
    const elapsedSec = (Date.now() - startMs) / 1000;
    const rate = elapsedSec > 0 ? (count - start) / elapsedSec : 0;
    const etaSec = rate > 0 ? (total - count) / rate : 0;
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total} ${unit}s ${rateText()} eta ${etaSec.toFixed(0)} s ${note}\x1b[K`);
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
        log.info({ done: `${count}/${total} ${unit}s`, rate: rateText(), ...(note ? { note } : {}) }, label);
      }
    },
    done() {
      if (tty) stream.write('\n');
    },
  };
}

/** `2.6 steps/s`, or `2.5 s/step` below one per second; `–` before anything was timed. */
export function formatRate(count: number, elapsedSec: number, unit: string): string {
  if (!(count > 0) || !(elapsedSec > 0)) return `– ${unit}s/s`;
  const perSec = count / elapsedSec;
  return perSec >= 1 ? `${perSec.toFixed(1)} ${unit}s/s` : `${(1 / perSec).toFixed(1)} s/${unit}`;
}
