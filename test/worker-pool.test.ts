/**
 * The worker pool's failure handling (src/util/worker-pool.ts). Regressions: a crashing worker failed every queued
 * task (the features run then counted every remaining clip as a bad clip), and a worker exiting without an error left
 * its task pending forever (the run hung).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWorkerPool, WorkerExitError } from '../src/util/worker-pool.ts';
import { DataError } from '../src/errors.ts';
import type { PoolTestTask } from './fixtures/pool-worker.ts';

const MODULE = new URL('./fixtures/pool-worker.ts', import.meta.url);

test('regression: a crashing worker fails only its own task; a fresh worker runs the queue', { timeout: 60_000 }, async () => {
  const pool = createWorkerPool<PoolTestTask, number>(MODULE, 2, null);
  try {
    const kinds: PoolTestTask['kind'][] = ['ok', 'crash', 'ok', 'ok', 'crash', 'ok', 'ok', 'ok', 'ok', 'ok'];
    const results = await Promise.allSettled(kinds.map((kind, value) => pool.run({ kind, value })));
    results.forEach((r, value) => {
      if (kinds[value] === 'ok') assert.deepEqual(r, { status: 'fulfilled', value: 2 * value }, `task ${value}`);
      else {
        assert.equal(r.status, 'rejected', `task ${value}`);
        const reason = (r as PromiseRejectedResult).reason;
        assert.ok(reason instanceof WorkerExitError, String(reason));
        assert.match(reason.message, new RegExp(`crashed while running task .*"value":${value}.*uncaught in worker \\(task ${value}\\)`, 's'));
      }
    });
  } finally {
    await pool.close();
  }
});

test('regression: a worker that exits without an error (code 0 or not) rejects its task instead of hanging', { timeout: 60_000 }, async () => {
  const pool = createWorkerPool<PoolTestTask, number>(MODULE, 1, null); // one worker: every later task needs the replacement
  try {
    const kinds: PoolTestTask['kind'][] = ['exit0', 'ok', 'exit3', 'ok'];
    const results = await Promise.allSettled(kinds.map((kind, value) => pool.run({ kind, value })));
    assert.match(String((results[0] as PromiseRejectedResult).reason), /WorkerExitError: worker thread exited with code 0 while running task/);
    assert.deepEqual(results[1], { status: 'fulfilled', value: 2 });
    assert.match(String((results[2] as PromiseRejectedResult).reason), /exited with code 3/);
    assert.deepEqual(results[3], { status: 'fulfilled', value: 6 });
  } finally {
    await pool.close();
  }
});

test('handler errors: a DataError keeps its class and file; any other error keeps its name (a bug, not bad data)', { timeout: 60_000 }, async () => {
  const pool = createWorkerPool<PoolTestTask, number>(MODULE, 1, null);
  try {
    const data = await pool.run({ kind: 'data-error', value: 7 }).catch((e) => e);
    assert.ok(data instanceof DataError, String(data));
    assert.equal(data.file, 'clip-7.wav');
    assert.equal(data.message, 'clip-7.wav: truncated data chunk');
    const bug = await pool.run({ kind: 'bug', value: 8 }).catch((e) => e);
    assert.ok(!(bug instanceof DataError));
    assert.equal(bug.name, 'TypeError');
    assert.equal(await pool.run({ kind: 'ok', value: 9 }), 18, 'the worker is still there');
  } finally {
    await pool.close();
  }
});

test('a module that cannot load: tasks are rejected with the cause, no endless respawning, no hang', { timeout: 60_000 }, async () => {
  const pool = createWorkerPool<number, number>(new URL('./fixtures/pool-worker-broken.ts', import.meta.url), 2, null);
  try {
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6, 7, 8].map((t) => pool.run(t)));
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok((r as PromiseRejectedResult).reason instanceof WorkerExitError);
    }
    assert.match(String((results.at(-1) as PromiseRejectedResult).reason), /keep dying|cannot load/);
    await assert.rejects(pool.run(9), /keep dying/);
  } finally {
    await pool.close();
  }
});
