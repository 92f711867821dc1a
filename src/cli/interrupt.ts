/**
 * Ctrl-C for long commands. The first SIGINT aborts the returned signal: training stops after the step in progress,
 * writes a checkpoint and the command exits 130. The listener then removes itself, so a second SIGINT gets the
 * operating system's default action and ends the process at once (exit status 130 in a shell), even in the middle of
 * a step that keeps the event loop busy. Nothing is corrupted by that: every file is written atomically (temporary
 * sibling, fsync, rename), a checkpoint folder is renamed into place whole (resume falls back to `last.old` when the
 * kill falls between its two renames), a metrics.jsonl line cut short is dropped on resume, and the temporaries a
 * killed write leaves are removed by the next `sed train` in that folder (src/train/run-folder.ts).
 */
import type { Logger } from '../util/log.ts';

export interface Interrupt {
  /** Aborted by the first Ctrl-C. */
  signal: AbortSignal;
  /** Removes the listener (if the first Ctrl-C has not already); call when the command ends. */
  dispose(): void;
}

/**
 * Listens for SIGINT on `target` (the process; a stand-in in tests) until disposed. `what` finishes the notice, e.g.
 * 'finishing the current step and writing a checkpoint'.
 */
export function interruptOnSigint(log: Logger, what: string, target: Pick<NodeJS.Process, 'on' | 'off'> = process): Interrupt {
  const controller = new AbortController();
  const onSigint = () => {
    target.off('SIGINT', onSigint); // the next Ctrl-C: default action, immediate exit
    log.warn(`interrupted: ${what}, then exiting with 130 (Ctrl-C again to stop at once; the last complete checkpoint stays intact)`);
    controller.abort();
  };
  target.on('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => target.off('SIGINT', onSigint) };
}
