import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meanStd, ranks, spearman } from '../src/report/stats.ts';
import { scatterSvg } from '../src/report/svg.ts';

test('ranks share ties (scipy rankdata "average")', () => {
  // rankdata([10, 20, 20, 5]) = [2, 3.5, 3.5, 1]
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
});

test('Spearman rho: monotone ±1, and a hand-worked case', () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 100, 1000, 1e4]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // x ranks [1,2,3,4,5], y ranks [2,1,4,3,5]: Σd² = 4, ρ = 1 − 6·4/(5·24) = 0.8
  assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) - 0.8) < 1e-12);
  assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])));
});

test('mean and sample standard deviation', () => {
  const { mean, std } = meanStd([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(mean, 5);
  // Σ(x−5)² = 32, n−1 = 7
  assert.ok(Math.abs(std - Math.sqrt(32 / 7)) < 1e-12);
  assert.equal(meanStd([3]).std, 0);
});

test('scatter SVG is well formed and labels every point', () => {
  const svg = scatterSvg({ title: 'n_c vs duration', xLabel: 'mean duration (s)', yLabel: 'n_c', logX: true, points: [{ x: 0.2, y: 1.4, label: 'click' }, { x: 8, y: 0.6, label: 'fan & co' }] });
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal((svg.match(/<circle /g) ?? []).length, 2);
  assert.match(svg, /fan &amp; co/);
  assert.match(svg, /<\/svg>\n$/);
});
