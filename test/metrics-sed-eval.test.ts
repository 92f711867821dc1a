import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { computeMetrics, metricsToJson } from '../src/metrics/compute-metrics.ts';
import { eventBasedCounts } from '../src/metrics/event-based.ts';
import type { EventTable } from '../src/data/events.ts';

// 120 random cases (times on a 0.1 s grid, so collar edges fall on floating-point boundaries; overlapping same-class
// events; substitutions; files absent from the estimate; estimate-only files and classes) scored by sed_eval 0.2.1
// itself: the fixture and the script that makes it are in test/fixtures and scripts/sed-eval-reference.
const cases = JSON.parse(readFileSync('test/fixtures/sed-eval-cases.json', 'utf8')).cases as { reference: EventTable; estimate: EventTable }[];
const expected = JSON.parse(readFileSync('test/fixtures/sed-eval-expected.json', 'utf8'));

test('event- and segment-based metrics equal sed_eval 0.2.1 on every fixture case', () => {
  assert.equal(cases.length, expected.results.length);
  let substitutions = 0;
  cases.forEach((c, n) => {
    const ours = JSON.parse(metricsToJson(computeMetrics(c.reference, c.estimate)));
    const nSubs = eventBasedCounts(c.reference, c.estimate).overall.nSubs;
    substitutions += nSubs;
    assert.equal(nSubs, expected.results[n].subs, `case ${n}: substitutions`);
    for (const family of ['event_based', 'segment_based'] as const) {
      // the same doubles, up to one unit in the last place where Python and JS sum in a different order
      const walk = (want: unknown, got: unknown, path: string) => {
        if (want !== null && typeof want === 'object') {
          assert.deepEqual(Object.keys(got as object).sort(), Object.keys(want).sort(), `case ${n}: ${path} keys`);
          for (const k of Object.keys(want)) walk((want as Record<string, unknown>)[k], (got as Record<string, unknown>)[k], `${path}.${k}`);
          return;
        }
        if (typeof want === 'number' && typeof got === 'number') assert.ok(Math.abs(want - got) <= 1e-15 * Math.max(1, Math.abs(want)), `case ${n}: ${path} ${got} vs ${want}`);
        else assert.equal(got, want, `case ${n}: ${path}`);
      };
      walk(expected.results[n][family], ours[family], family);
    }
  });
  assert.ok(substitutions > 0, 'the fixture exercises substitutions');
});
