/**
 * A fixed pool of worker threads running a TypeScript module. Workers are started through tsx's loader so that
 * the same .ts sources serve the CLI, the tests and the workers. A task is one message in, one message out.
 */
import { Worker } from 'node:worker_threads';

export interface WorkerPool<In, Out> {
  run(task: In): Promise<Out>;
  close(): Promise<void>;
}

const TSX_API = import.meta.resolve('tsx/esm/api');

/**
 * Starts `size` workers running `moduleUrl` (TypeScript, through tsx) with `workerData`; `run(task)` queues the task
 * for the next free worker and resolves with its one reply (rejects with the worker's error). `close()` ends them.
 */
export function createWorkerPool<In, Out>(moduleUrl: URL, size: number, workerData: unknown): WorkerPool<In, Out> {
  const boot = `import(${JSON.stringify(TSX_API)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  type Job = { task: In; resolve: (out: Out) => void; reject: (err: Error) => void };
  const queue: Job[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Job>();
  const workers: Worker[] = [];
  let fatal: Error | null = null;

  const pump = () => {
    while (idle.length && queue.length) {
      const worker = idle.pop()!;
      const job = queue.shift()!;
      busy.set(worker, job);
      worker.postMessage(job.task);
    }
  };
  for (let i = 0; i < Math.max(1, size); i++) {
    const worker = new Worker(boot, { eval: true, workerData });
    worker.on('message', (msg: { ok: true; value: Out } | { ok: false; error: string; name?: string }) => {
      const job = busy.get(worker)!;
      busy.delete(worker);
      idle.push(worker);
      if (msg.ok) job.resolve(msg.value);
      else {
        const err = new Error(msg.error);
        if (msg.name) err.name = msg.name;
        job.reject(err);
      }
      pump();
    });
    worker.on('error', (err) => {
      fatal = err;
      const job = busy.get(worker);
      busy.delete(worker);
      job?.reject(err);
      for (const j of queue.splice(0)) j.reject(err);
    });
    workers.push(worker);
    idle.push(worker);
  }
  return {
    run(task) {
      if (fatal) return Promise.reject(fatal);
      return new Promise<Out>((resolve, reject) => {
        queue.push({ task, resolve, reject });
        pump();
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Inside a worker: answer each task message with handler's result (errors are sent back, not thrown). */
export async function serveTasks<In, Out>(handler: (task: In) => Promise<Out> | Out): Promise<void> {
  const { parentPort } = await import('node:worker_threads');
  if (!parentPort) throw new Error('serveTasks must run inside a worker thread');
  parentPort.on('message', async (task: In) => {
    try {
      parentPort.postMessage({ ok: true, value: await handler(task) });
    } catch (err) {
      const e = err as Error;
      parentPort.postMessage({ ok: false, error: e.message ?? String(err), name: e.name });
    }
  });
}
