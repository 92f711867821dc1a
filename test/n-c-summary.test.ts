/**
 * Frozen (never learned) n_c and the reproduction's n_c report and plots (src/report/n-c-summary.ts). Regressions:
 * a class whose n_c never left its frozen value was reported as a learned n_c of 1.0 and counted in Spearman ρ;
 * n_c_vs_duration.svg had no error bars; training_curves.svg drew F1 and ten n_c curves on one axis, the legend over
 * the lines, one colour used twice (series 0 and 10 of a 10-colour cycle).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../src/config/load.ts';
import { frozenClasses, ncDurationCheck, ncMarkdown, ncSummary, ncVsDurationSvg, releaseEpochs, trainingCurvesSvg } from '../src/report/n-c-summary.ts';

test('frozenClasses: n_c exactly float32(n_init) under a freezing schedule; nothing without one', () => {
  const gated = resolveConfig({ pooling: { head: 'power', unfreeze_f1: 0.5, n_init: 1 } });
  assert.deepEqual(frozenClasses(gated, ['click', 'fan', 'knock'], Float32Array.from([1, 0.73, 1])), ['click', 'knock']);
  assert.deepEqual(frozenClasses(gated, ['click'], [1.0000001]), []); // moved, however little
  const free = resolveConfig({ pooling: { head: 'power', unfreeze_f1: null, warmup_epochs: 0 } });
  assert.deepEqual(frozenClasses(free, ['click'], [1]), []);
  const allWarmup = resolveConfig({ pooling: { head: 'power', unfreeze_f1: null, warmup_epochs: 30 }, train: { epochs: 30 } });
  assert.deepEqual(frozenClasses(allWarmup, ['click'], [1]), ['click']);
});

// Two seeds. click learned (2.0, 1.6); knock frozen in seed 1 (1.0 = n_init) and learned in seed 2 (0.8); fan learned
// (0.5, 0.7); bell frozen in both.
const perSeed = [
  { n_c: { click: 2.0, knock: 1.0, fan: 0.5, bell: 1.0 }, frozen: ['knock', 'bell'] },
  { n_c: { click: 1.6, knock: 0.8, fan: 0.7, bell: 1.0 }, frozen: ['bell'] },
];
const durations = new Map([['click', 0.2], ['knock', 0.5], ['bell', 1], ['fan', 8]]);

test('regression: ρ over learned classes only, with the count; frozen seeds are not averaged in', () => {
  const s = ncSummary(perSeed, durations);
  // Learned means: click 1.8, knock 0.8 (seed 2 only), fan 0.6; bell has none. Ranks of n_c [3, 2, 1] against
  // durations [1, 2, 3] (0.2, 0.5, 8 s): perfectly reversed → ρ = −1.
  assert.equal(s.spearman_learned, -1);
  assert.deepEqual([s.learned_classes, s.classes], [3, 4]);
  // The old way, every class with every seed: n_c [1.8, 0.9, 0.6, 1.0] vs durations [0.2, 0.5, 8, 1] → ranks
  // [4, 2, 1, 3] vs [1, 2, 4, 3], Σd² = 9 + 0 + 9 + 0 = 18 → ρ = 1 − 6·18 / (4·15) = −0.8.
  const click = s.rows.find((r) => r.class === 'click')!;
  assert.ok(Math.abs(click.n_c.mean - 1.8) < 1e-12 && Math.abs(click.n_c.std - Math.sqrt(0.08)) < 1e-12); // (0.2² + 0.2²) / 1
  assert.deepEqual(s.rows.find((r) => r.class === 'knock'), { class: 'knock', mean_duration_sec: 0.5, n_c: { mean: 0.8, std: 0, n: 1 }, frozen_seeds: 1, seeds: 2 });
  const md = ncMarkdown(s);
  assert.match(md, /\| bell \| 1\.00 \| frozen \(not learned in any of 2 seeds\) \|/);
  assert.match(md, /\| knock \| 0\.50 \| 0\.800 ± 0\.000 \(frozen in 1 of 2 seeds, not averaged\) \|/);
  assert.match(md, /Spearman ρ\(n_c, duration\) = -1\.000 over the 3 of 4 classes whose n_c was learned/);
});

/** The y coordinates of each error bar's vertical stroke. */
const errorBars = (svg: string) =>
  [...svg.matchAll(/class="error-bar" d="M([\d.]+) ([\d.]+) L[\d.]+ ([\d.]+)/g)].map((m) => ({ x: Number(m[1]), top: Number(m[2]), bottom: Number(m[3]) }));

test('regression: n_c_vs_duration.svg has error bars of ± the std over seeds; frozen classes are not drawn as values', () => {
  const svg = ncVsDurationSvg(ncSummary(perSeed, durations));
  const bars = errorBars(svg);
  assert.equal(bars.length, 2, 'click and fan (knock has one learned seed: std 0, no bar)');
  // Half-lengths in pixels are proportional to the stds: click √0.08, fan √0.02 (values 0.5, 0.7) → ratio 2.
  const [click, fan] = [...bars].sort((a, b) => a.x - b.x);
  assert.ok(Math.abs((click.bottom - click.top) / (fan.bottom - fan.top) - 2) < 0.02, JSON.stringify(bars));
  assert.equal((svg.match(/<circle /g) ?? []).length, 3);
  assert.match(svg, /not learned \(bell\)/);
  assert.match(svg, /ρ = -1\.00 over 3 learned classes/);
});

test('regression: training_curves.svg: F1 and n_c in separate panels, ten distinct n_c colours, legends right of the plots', () => {
  const classes = ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9'];
  const curves = [1, 2, 3].map((epoch) => ({
    epoch,
    val: { event_f1_macro: 0.1 * epoch, clip_f1_macro: 0.2 * epoch },
    per_class: { values: Object.fromEntries(classes.map((c, i) => [c, 1 + 0.1 * i * epoch])) },
  }));
  const svg = trainingCurvesSvg(curves, classes, 'power-seed1');
  assert.match(svg, /validation F1 \(macro\)/);
  assert.match(svg, />n_c</);
  const legend = [...svg.matchAll(/<line class="legend" x1="([\d.]+)"[^>]* stroke="(#[0-9a-f]{6})"/g)].map((m) => ({ x: Number(m[1]), colour: m[2] }));
  assert.equal(legend.length, 12); // 2 F1 series + 10 classes
  const ncColours = legend.slice(2).map((l) => l.colour);
  assert.equal(new Set(ncColours).size, 10, 'ten classes, ten colours');
  assert.ok(!ncColours.includes(legend[0].colour) && !ncColours.includes(legend[1].colour));
  // Every data point lies left of every legend entry.
  const xs = [...svg.matchAll(/<path d="([^"]+)"/g)].flatMap((m) => [...m[1].matchAll(/[ML]([\d.]+) /g)].map((p) => Number(p[1])));
  assert.ok(xs.length >= 12 * 3);
  assert.ok(Math.max(...xs) < Math.min(...legend.map((l) => l.x)), `${Math.max(...xs)} vs ${Math.min(...legend.map((l) => l.x))}`);
});

test('the reproduction check uses ρ over learned classes, and fails (not vanishes) when fewer than two were learned', () => {
  assert.deepEqual(ncDurationCheck(ncSummary(perSeed, durations)), { name: 'n_c falls with event duration', passed: true, detail: 'Spearman ρ = -1.000 over the 3 of 4 classes whose n_c was learned (needs ≤ −0.6)' });
  const oneLearned = [{ n_c: { click: 2, bell: 1 }, frozen: ['bell'] }];
  const check = ncDurationCheck(ncSummary(oneLearned, durations));
  assert.equal(check.passed, false);
  assert.match(check.detail, /not computable over the 1 of 2 classes/);
});

test("sed eval's report marks frozen classes beside their n_c", async () => {
  const { formatEvalReport } = await import('../src/infer/report.ts');
  const { computeMetrics } = await import('../src/metrics/compute-metrics.ts');
  const table = { files: ['f'], events: [{ file: 'f', onsetSec: 0, offsetSec: 1, label: 'click' }] };
  const md = formatEvalReport(computeMetrics(table, table), { run: 'r', checkpoint: 'r/best', subset: 'validation', pooling: 'power', classes: ['click', 'bell'], perClass: { name: 'n_c', values: [2.5, 1] }, frozen: ['bell'] });
  assert.match(md, /\| bell \| 1\.000 \(frozen, not learned\) \|/);
  assert.match(md, /\| click \| 2\.500 \|/);
  assert.match(md, /Frozen: bell never reached pooling\.unfreeze_f1/);
});

test('releaseEpochs and the n_c table: the first epoch whose pooling_unfrozen lists the class, per seed; – for never', () => {
  const seed1 = [{ epoch: 1, pooling_unfrozen: [] }, { epoch: 2, pooling_unfrozen: ['fan'] }, { epoch: 3, pooling_unfrozen: ['fan', 'click'] }];
  const seed2 = [{ epoch: 1, pooling_unfrozen: ['fan', 'knock'] }, { epoch: 2, pooling_unfrozen: ['fan', 'knock', 'click'] }];
  const classes = ['click', 'knock', 'fan', 'bell'];
  const released = [releaseEpochs(seed1, classes), releaseEpochs(seed2, classes)];
  assert.deepEqual(released[0], { click: 3, knock: null, fan: 2, bell: null });
  assert.deepEqual(releaseEpochs([{ epoch: 1 }], ['click']), { click: null }); // no gate: nothing listed
  const md = ncMarkdown(ncSummary(perSeed, durations, released));
  assert.match(md, /\| class \| mean event duration \(s\) \| learned n_c \| released after epoch \(per seed\) \|/);
  assert.match(md, /\| click \| 0\.20 \| 1\.800 ± 0\.283 \| 3, 2 \|/);
  assert.match(md, /\| bell \| 1\.00 \| frozen \(not learned in any of 2 seeds\) \| –, – \|/);
  assert.doesNotMatch(ncMarkdown(ncSummary(perSeed, durations)), /released/); // without the gate's record, no column
});
