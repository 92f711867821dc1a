/**
 * A fixed pool of worker threads running a TypeScript module. Workers are started through tsx's loader so that
 * the same .ts sources serve the CLI, the tests and the workers. A task is one message in, one message out.
 *
 * Failure handling (each case has a test in test/worker-pool.test.ts):
 * - a task whose handler throws is rejected with that error, revived with its class when it is a DataError or
 *   TruncatedAudioError (so the caller can tell bad input from a bug); the worker stays;
 * - a worker that crashes (uncaught exception, out of memory) or exits (process.exit, any code) rejects only the
 *   task it was running, with a WorkerExitError naming the task; a fresh worker takes its place and the queue goes on;
 * - a pool whose workers keep dying before finishing any task (e.g. the module fails to load) stops replacing them
 *   and rejects every queued and later task with the cause, instead of looping or hanging.
 */
import { Worker } from 'node:worker_threads';
import { DataError, TruncatedAudioError } from '../errors.ts';

export interface WorkerPool<In, Out> {
  run(task: In): Promise<Out>;
  close(): Promise<void>;
}

/** A worker died (crashed or exited) while running a task. Not a data error: the caller treats it as a bug. */
export class WorkerExitError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'WorkerExitError';
  }
}

/** How an error thrown by a task handler crosses the thread boundary. */
interface SentError {
  name: string;
  message: string;
  stack?: string;
  file?: string;
  line?: number;
}

type Reply<Out> = { ok: true; value: Out } | { ok: false; error: SentError };

const TSX_API = import.meta.resolve('tsx/esm/api');

/** Workers that may die in a row, without one task finished in between, before the pool gives up. */
const crashBudget = (size: number) => 2 * size + 2;

/**
 * Starts `size` workers running `moduleUrl` (TypeScript, through tsx) with `workerData`; `run(task)` queues the task
 * for the next free worker and resolves with its one reply (rejects with the handler's error, or a WorkerExitError
 * when the worker dies running it: see the module comment). `close()` ends them and rejects what is still pending.
 */
export function createWorkerPool<In, Out>(moduleUrl: URL, size: number, workerData: unknown): WorkerPool<In, Out> {
  const boot = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  type Job = { task: In; resolve: (out: Out) => void; reject: (err: Error) => void };
  const queue: Job[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job>();
  const live = new Set<Worker>();
  let closing = false;
  let fatal: Error | null = null;
  let deathsInARow = 0;

  const pump = () => {
    while (idle.length && queue.length) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      busy.set(worker, job);
      worker.postMessage(job.task);
    }
  };

  /** A worker is gone: fail only its own task, then replace it (or give up when they keep dying). */
  const onDeath = (worker: Worker, cause: Error) => {
    if (!live.delete(worker)) return; // 'error' is followed by 'exit': handle the first
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
    const job = busy.get(worker);
    busy.delete(worker);
    if (closing) return;
    job?.reject(cause);
    deathsInARow++;
    if (deathsInARow > crashBudget(size)) {
      fatal = new WorkerExitError(`worker threads keep dying (${deathsInARow} in a row without finishing a task); last: ${cause.message}`);
      for (const j of queue.splice(0)) j.reject(fatal);
      return;
    }
    spawn();
    pump();
  };

  const spawn = () => {
    const worker = new Worker(boot, { eval: true, workerData });
    live.add(worker);
    worker.on('message', (msg: Reply<Out>) => {
      const job = busy.get(worker);
      if (!job) return;
      busy.delete(worker);
      idle.push(worker);
      deathsInARow = 0;
      if (msg.ok) job.resolve(msg.value);
      else job.reject(reviveError(msg.error));
      pump();
    });
    const what = () => {
      const job = busy.get(worker);
      return job ? ` while running task ${JSON.stringify(job.task)}` : '';
    };
    worker.on('error', (err) => onDeath(worker, new WorkerExitError(`worker thread crashed${what()}: ${err.stack ?? err.message}`)));
    worker.on('messageerror', (err) => onDeath(worker, new WorkerExitError(`worker thread sent an unreadable message${what()}: ${err.message}`)));
    worker.on('exit', (code) => onDeath(worker, new WorkerExitError(`worker thread exited with code ${code}${what()}`)));
    idle.push(worker);
  };

  for (let i = 0; i < Math.max(1, size); i++) spawn();
  return {
    run(task) {
      if (fatal) return Promise.reject(fatal);
      if (closing) return Promise.reject(new Error('worker pool is closed'));
      return new Promise<Out>((resolve, reject) => {
        queue.push({ task, resolve, reject });
        pump();
      });
    },
    async close() {
      closing = true;
      const workers = [...live];
      for (const j of queue.splice(0)) j.reject(new Error('worker pool closed before this task ran'));
      for (const job of busy.values()) job.reject(new Error('worker pool closed while this task ran'));
      busy.clear();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** A handler's error as the caller should see it: DataError keeps its class (and file, line); others keep name and stack. */
function reviveError(sent: SentError): Error {
  if ((sent.name === 'DataError' || sent.name === 'TruncatedAudioError') && sent.file !== undefined) {
    const err = sent.name === 'DataError' ? new DataError(sent.file, '', sent.line) : new TruncatedAudioError(sent.file, '');
    err.message = sent.message;
    return err;
  }
  const err = new Error(sent.message);
  err.name = sent.name;
  if (sent.stack) err.stack = sent.stack;
  return err;
}

/** Inside a worker: answer each task message with handler's result (errors are sent back, not thrown). */
export async function serveTasks<In, Out>(handler: (task: In) => Promise<Out> | Out): Promise<void> {
  const { parentPort } = await import('node:worker_threads');
  if (!parentPort) throw new Error('serveTasks must run inside a worker thread');
  parentPort.on('message', async (task: In) => {
    let reply: Reply<Out>;
    try {
      reply = { ok: true, value: await handler(task) };
    } catch (err) {
      const e = err as Error & { file?: unknown; line?: unknown };
      reply = {
        ok: false,
        error: {
          name: e?.name ?? 'Error',
          message: e?.message ?? String(err),
          stack: e?.stack,
          file: typeof e?.file === 'string' ? e.file : undefined,
          line: typeof e?.line === 'number' ? e.line : undefined,
        },
      };
    }
    parentPort.postMessage(reply);
  });
}
