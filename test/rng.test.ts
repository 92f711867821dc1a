import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, withMathRandom } from '../src/util/rng.ts';

test('same seed, same stream; saved state resumes the stream exactly', () => {
  const a = new Rng(7);
  const b = new Rng(7);
  const first = Array.from({ length: 5 }, () => a.next());
  assert.deepEqual(first, Array.from({ length: 5 }, () => b.next()));
  const saved = a.state();
  const tail = Array.from({ length: 5 }, () => a.next());
  const resumed = new Rng(saved);
  assert.deepEqual(Array.from({ length: 5 }, () => resumed.next()), tail);
  assert.notDeepEqual(first, Array.from({ length: 5 }, () => new Rng(8).next()));
});

test('uniform in [0,1) with mean 1/2 and variance 1/12', () => {
  const rng = new Rng(1);
  const n = 100_000;
  let sum = 0;
  let sumsq = 0;
  for (let i = 0; i < n; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
    sumsq += x * x;
  }
  const mean = sum / n;
  // standard error of the mean is sqrt(1/12/n) ≈ 0.0009; 5 sigma
  assert.ok(Math.abs(mean - 0.5) < 0.0046, `mean ${mean}`);
  assert.ok(Math.abs(sumsq / n - mean * mean - 1 / 12) < 0.002);
});

test('shuffle is a permutation and withMathRandom restores Math.random', async () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = new Rng(3).shuffle([...items]);
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual([...shuffled].sort((x, y) => x - y), items);
  const original = Math.random;
  const drawn = await withMathRandom(new Rng(5), async () => [Math.random(), Math.random()]);
  assert.equal(Math.random, original);
  const again = new Rng(5);
  assert.deepEqual(drawn, [again.next(), again.next()]);
});
