/**
 * Which n_c were learned, and n_c against event duration over seeds (issue 13, item 5).
 *
 * With pooling.unfreeze_f1 (or a warm-up as long as the run), a class's n_c is held at pooling.n_init until the
 * class is learned at clip level. A class that never got there ends the run with n_c exactly n_init (its gradient
 * was gated to zero, so Adam never moved it): that value is the initialisation, not a learned exponent, and counting
 * it in Spearman ρ(n_c, duration) reports something the model never learned (seed 1 of the CI reproduction: knock
 * = 1 exactly). Such classes are marked `frozen` in the run's n_c.json and kept out of ρ, whose class count is given.
 */
import type { SedConfig } from '../config/types.ts';
import { meanStd, spearman } from './stats.ts';
import { panelsSvg, scatterSvg } from './svg.ts';

/**
 * The classes whose n_c never left its frozen value: power pooling with a freezing schedule (unfreeze_f1, or a warm-up
 * covering every epoch), and n_c exactly float32(n_init). Empty for other heads and for runs without freezing.
 */
export function frozenClasses(config: Pick<SedConfig, 'pooling' | 'train'>, classes: string[], nC: ArrayLike<number>): string[] {
  const p = config.pooling;
  if (p.head !== 'power' || (p.unfreeze_f1 === null && p.warmup_epochs < config.train.epochs)) return [];
  const init = Math.fround(p.n_init);
  return classes.filter((_, c) => nC[c] === init);
}

export interface NcRow {
  class: string;
  mean_duration_sec: number;
  /** Over the seeds where the class was learned (NaN when it was frozen in all). */
  n_c: { mean: number; std: number; n: number };
  frozen_seeds: number; // seeds in which n_c stayed frozen
  seeds: number;
  /** Per seed, the 1-based epoch after which the class's n_c was released (pooling.unfreeze_f1), null = never; absent without a gate. */
  released_epoch?: (number | null)[];
}

export interface NcSummary {
  rows: NcRow[];
  /** Spearman ρ(n_c mean, duration) over the classes learned in at least one seed; null with fewer than 2. */
  spearman_learned: number | null;
  learned_classes: number;
  classes: number;
}

/**
 * Per-seed run n_c.json contents ({n_c, frozen?}) and class durations → the table and ρ over learned classes.
 * `released`, when given, holds per seed the epoch each class's n_c was released (see releaseEpochs), for the table.
 */
export function ncSummary(perSeed: { n_c: Record<string, number>; frozen?: string[] }[], durations: Map<string, number>, released?: Record<string, number | null>[]): NcSummary {
  const classes = Object.keys(perSeed[0]?.n_c ?? {}).filter((c) => durations.has(c));
  const rows = classes.map((c) => {
    const learnedIn = perSeed.filter((s) => !(s.frozen ?? []).includes(c));
    const row: NcRow = { class: c, mean_duration_sec: durations.get(c)!, n_c: meanStd(learnedIn.map((s) => s.n_c[c])), frozen_seeds: perSeed.length - learnedIn.length, seeds: perSeed.length };
    if (released) row.released_epoch = released.map((r) => r[c] ?? null);
    return row;
  });
  const learned = rows.filter((r) => r.frozen_seeds < r.seeds);
  const rho = learned.length >= 2 ? spearman(learned.map((r) => r.n_c.mean), learned.map((r) => r.mean_duration_sec)) : NaN;
  return { rows, spearman_learned: Number.isFinite(rho) ? rho : null, learned_classes: learned.length, classes: rows.length };
}

/**
 * The paper's claim (a) as a check: ρ(n_c, duration) ≤ −0.6 over the learned classes. With fewer than two learned
 * classes ρ is not computable and the check fails (the claim is not shown), instead of disappearing.
 */
export function ncDurationCheck(s: NcSummary): { name: string; passed: boolean; detail: string } {
  const name = 'n_c falls with event duration';
  const over = `${s.learned_classes} of ${s.classes} classes whose n_c was learned`;
  if (s.spearman_learned === null) return { name, passed: false, detail: `Spearman ρ not computable over the ${over}` };
  return { name, passed: s.spearman_learned <= -0.6, detail: `Spearman ρ = ${s.spearman_learned.toFixed(3)} over the ${over} (needs ≤ −0.6)` };
}

/** n_c.md: one row per class (shortest events first), frozen classes marked, then ρ over the learned ones. */
export function ncMarkdown(s: NcSummary): string {
  const cell = (r: NcRow) => {
    if (r.frozen_seeds === r.seeds) return `frozen (not learned in ${r.seeds === 1 ? 'the run' : `any of ${r.seeds} seeds`})`;
    const value = `${r.n_c.mean.toFixed(3)} ± ${r.n_c.std.toFixed(3)}`;
    return r.frozen_seeds ? `${value} (frozen in ${r.frozen_seeds} of ${r.seeds} seeds, not averaged)` : value;
  };
  const rho = s.spearman_learned === null ? 'not computable' : s.spearman_learned.toFixed(3);
  const withRelease = s.rows.some((r) => r.released_epoch);
  const release = (r: NcRow) => (r.released_epoch ?? []).map((e) => (e === null ? '–' : String(e))).join(', ');
  return [
    `| class | mean event duration (s) | learned n_c |${withRelease ? ' released after epoch (per seed) |' : ''}`,
    `|---|---:|---:|${withRelease ? '---:|' : ''}`,
    ...[...s.rows].sort((a, b) => a.mean_duration_sec - b.mean_duration_sec).map((r) => `| ${r.class} | ${r.mean_duration_sec.toFixed(2)} | ${cell(r)} |${withRelease ? ` ${release(r)} |` : ''}`),
    '',
    `Spearman ρ(n_c, duration) = ${rho} over the ${s.learned_classes} of ${s.classes} classes whose n_c was learned. "frozen": n_c never left pooling.n_init (the class never reached pooling.unfreeze_f1), so it is no learned value.`,
    '',
  ].join('\n');
}

/** n_c_vs_duration.svg: mean n_c per class against its mean event duration, ± the std over seeds; classes never learned are named in a note, not drawn. */
export function ncVsDurationSvg(s: NcSummary): string {
  const rho = s.spearman_learned === null ? '–' : s.spearman_learned.toFixed(2);
  const frozen = s.rows.filter((r) => r.frozen_seeds === r.seeds);
  return scatterSvg({
    title: `learned n_c vs mean event duration (Spearman ρ = ${rho} over ${s.learned_classes} learned classes)`,
    xLabel: 'mean event duration (s, log scale)',
    yLabel: 'n_c (mean ± std over seeds)',
    logX: true,
    note: frozen.length ? `not drawn: n_c frozen at its initial value in every seed, not learned (${frozen.map((r) => r.class).join(', ')})` : undefined,
    points: s.rows.map((r) =>
      r.frozen_seeds === r.seeds
        ? { x: r.mean_duration_sec, y: NaN, label: r.class } // no learned value to draw; listed in the note
        : { x: r.mean_duration_sec, y: r.n_c.mean, yErr: r.n_c.std, label: r.frozen_seeds ? `${r.class} (frozen in ${r.frozen_seeds})` : r.class },
    ),
  });
}

/**
 * The epoch (1-based, as metrics.jsonl counts) after which each class's pooling parameters were released by the
 * per-class gate (pooling.unfreeze_f1): the first line whose `pooling_unfrozen` lists the class; null when none does.
 * Lines without `pooling_unfrozen` (no gate) release nothing.
 */
export function releaseEpochs(curves: { epoch: number; pooling_unfrozen?: string[] }[], classes: string[]): Record<string, number | null> {
  return Object.fromEntries(classes.map((c) => [c, curves.find((line) => line.pooling_unfrozen?.includes(c))?.epoch ?? null]));
}

/** One line of a run's metrics.jsonl, as far as the curves need it. */
export interface EpochCurvePoint {
  epoch: number;
  val: { event_f1_macro: number | null; clip_f1_macro?: number | null };
  per_class?: { values?: Record<string, number> } | null;
}

/** training_curves.svg: validation F1 (event and clip) in the top panel, every class's n_c in the bottom one. */
export function trainingCurvesSvg(curves: EpochCurvePoint[], classes: string[], runId: string): string {
  const f1 = (pick: (c: EpochCurvePoint) => number | null | undefined) => curves.map((c) => [c.epoch, pick(c) ?? NaN] as [number, number]);
  return panelsSvg({
    title: `power pooling, ${runId}: validation F1 and n_c per epoch`,
    xLabel: 'epoch',
    panels: [
      {
        yLabel: 'validation F1 (macro)',
        series: [
          { name: 'event F1', points: f1((c) => c.val.event_f1_macro), colour: '#000000' },
          { name: 'clip F1', points: f1((c) => c.val.clip_f1_macro), colour: '#b8860b' },
        ],
      },
      { yLabel: 'n_c', series: classes.map((c) => ({ name: c, points: curves.map((e) => [e.epoch, e.per_class?.values?.[c] ?? NaN] as [number, number]) })) },
    ],
  });
}
