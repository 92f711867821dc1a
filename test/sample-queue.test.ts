import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SampleQueue } from '../src/audio/sample-queue.ts';

test('SampleQueue: stream indices survive growth and drops; asking for dropped samples is a RangeError', () => {
  const q = new SampleQueue(2);
  q.append(Float32Array.of(0, 1, 2));
  q.append(Float32Array.of(3, 4, 5, 6)); // grows past 2 × capacity
  assert.deepEqual([q.start, q.end], [0, 7]);
  q.dropBefore(4);
  assert.deepEqual([q.start, q.end], [4, 7]);
  assert.deepEqual([...q.view(5)], [5, 6]);
  q.append(Float32Array.of(7));
  assert.deepEqual([...q.view(4, 8)], [4, 5, 6, 7]);
  q.dropBefore(2); // already gone: nothing happens
  q.dropBefore(100); // past the end: clamped to what is held
  assert.deepEqual([q.start, q.end], [8, 8]);
  assert.throws(() => q.view(7), RangeError);
});
