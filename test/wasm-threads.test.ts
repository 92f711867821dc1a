/**
 * The threaded wasm build under Node (src/backend/wasm-threads.ts): a training step computes the same bits on one
 * thread (tfjs's own single-threaded SIMD build) and on two (the threaded build through our file-based pthread
 * worker), the thread count follows the request, and the fallback and defaults behave as documented.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import os from 'node:os';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultThreads, MAX_WASM_THREADS, useWasmThreads, wasmThreadsUnsupported } from '../src/backend/wasm-threads.ts';

const CHILD = fileURLToPath(new URL('./helpers/wasm-threads-step.ts', import.meta.url));

interface StepOutcome {
  threads: number;
  reason: string;
  losses: number[];
  weights_sha256: string;
}

/** Runs the child in a fresh process (the wasm thread count is fixed per process); resolves with its JSON line. */
function runChild(threads: number): Promise<StepOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, '--threads', String(threads)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`child --threads ${threads} exited ${code}: ${err.slice(-500)}`));
      else resolve(JSON.parse(line) as StepOutcome);
    });
  });
}

test('wasm threads: two Adam steps of the reference CRNN give bit-identical losses and weights on 1 and 2 threads', async () => {
  assert.equal(wasmThreadsUnsupported(), null, 'Node ≥ 20 with tfjs-backend-wasm 4.22 runs the threaded build');
  const [one, two] = await Promise.all([runChild(1), runChild(2)]);
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2);
  assert.match(one.reason, /wasm with SIMD, 1 thread$/);
  assert.match(two.reason, /wasm with SIMD, 2 threads$/);
  // XNNPACK splits outputs, never a sum, between threads; every other kernel is single-threaded: same bits.
  assert.deepEqual(two.losses, one.losses);
  assert.equal(two.weights_sha256, one.weights_sha256);
  // The step did train: binary cross-entropy of near-0.5 outputs starts near ln 2 and fell after one Adam step.
  assert.ok(Math.abs(one.losses[0]! - Math.LN2) < 0.1 && one.losses[1]! < one.losses[0]!, `losses ${one.losses}`);
});

test('useWasmThreads: counts outside 1..8 are refused with the range in the message', () => {
  assert.throws(() => useWasmThreads(0), /1 to 8 threads \(0 given\)/);
  assert.throws(() => useWasmThreads(MAX_WASM_THREADS + 1), /\(9 given\)/);
  assert.throws(() => useWasmThreads(1.5), RangeError);
});

test('defaultThreads: OMP_NUM_THREADS when a positive integer, else every core', () => {
  const cores = os.availableParallelism();
  assert.equal(defaultThreads({ OMP_NUM_THREADS: '1' }), 1);
  assert.equal(defaultThreads({ OMP_NUM_THREADS: '3' }), 3);
  assert.equal(defaultThreads({}), cores);
  assert.equal(defaultThreads({ OMP_NUM_THREADS: '0' }), cores);
  assert.equal(defaultThreads({ OMP_NUM_THREADS: 'two' }), cores);
});
