/**
 * The parts of report.md that say what was measured and how to read it: the post-processing and scoring settings
 * (threshold, median window with its unit, collars, segment length, checkpoint and epoch), n_c beside each class's
 * mean event duration with Spearman ρ when the data set has classes.json, and what "–" and the macro averages mean.
 */
import { spearman } from '../report/stats.ts';

/** What eval used, as resolved from the run's config and the command line. */
export interface EvalSettings {
  /** postprocess.threshold: one value, or one per class. */
  threshold: number | Record<string, number>;
  /** The median window as configured, and what it became: an odd number of output frames of `frameHopSec`. */
  median: { window: number; unit: 'frames' | 'seconds'; frames: number; frameHopSec: number; perClass?: { chosenOn: string; frames: Record<string, number> } };
  /** Event-based onset collar (s) and offset tolerance (fraction of the reference length, at least the collar). */
  tCollarSec: number;
  percentageOfLength: number;
  /** Segment-based segment length (s). */
  segmentSec: number;
  /** Where in training the checkpoint was written (state.json): epochs complete, steps into the next, of how many. */
  checkpoint: { epoch: number; batchInEpoch: number; epochs: number };
}

const sec = (x: number) => `${Number(x.toFixed(3))} s`;

/** The settings as Markdown bullet lines. */
export function settingsLines(s: EvalSettings): string[] {
  const t = s.threshold;
  const threshold =
    typeof t === 'number'
      ? `${t} for every class`
      : `per class: ${Object.entries(t)
          .map(([c, v]) => `${c} ${v}`)
          .join(', ')}`;
  const { window, unit, frames, frameHopSec } = s.median;
  const given = unit === 'seconds' ? sec(window) : `${window} frame${window === 1 ? '' : 's'}`;
  const applied = frames === 1 ? 'no filtering' : `${frames} output frames of ${sec(frameHopSec)} = ${sec(frames * frameHopSec)}`;
  const c = s.checkpoint;
  const where = c.batchInEpoch > 0 ? `during epoch ${c.epoch + 1} of ${c.epochs}, interrupted after step ${c.batchInEpoch}` : `after epoch ${c.epoch} of ${c.epochs}`;
  return [
    `- checkpoint written ${where}`,
    `- decision threshold: ${threshold}`,
    s.median.perClass
      ? `- median filter per class, chosen among postprocess.median_candidates by event F1 on \`${s.median.perClass.chosenOn}\` (output frames of ${sec(frameHopSec)}): ${Object.entries(s.median.perClass.frames)
          .map(([c, f]) => `${c} ${f}`)
          .join(', ')}`
      : `- median filter: ${given} (postprocess.median_window) → ${applied}`,
    `- event-based: onset collar ${sec(s.tCollarSec)}, offset collar max(${sec(s.tCollarSec)}, ${s.percentageOfLength} × reference length)`,
    `- segment-based: ${sec(s.segmentSec)} segments`,
  ];
}

/**
 * n_c (or α) per class beside its mean event duration, shortest events first, and Spearman ρ between them over the
 * classes not in `frozen` (a frozen value is the initialisation, not something learned). Empty without durations
 * or per-class parameters.
 */
export function durationLines(classes: string[], perClass: { name: string; values: number[] } | null, durations: Map<string, number> | null, frozen: string[] = []): string[] {
  if (!perClass || !durations) return [];
  const rows = classes
    .map((c, i) => ({ c, duration: durations.get(c) ?? NaN, value: perClass.values[i] }))
    .filter((r) => Number.isFinite(r.duration))
    .sort((a, b) => a.duration - b.duration);
  if (!rows.length) return [];
  const learned = rows.filter((r) => !frozen.includes(r.c));
  const rho = spearman(learned.map((r) => r.value), learned.map((r) => r.duration));
  const over = learned.length === rows.length ? `${rows.length} classes` : `the ${learned.length} learned classes of ${rows.length}`;
  return [
    `| class | mean event duration (s) | ${perClass.name} |`,
    '|---|---:|---:|',
    ...rows.map((r) => `| ${r.c} | ${r.duration.toFixed(2)} | ${r.value.toFixed(3)}${frozen.includes(r.c) ? ' (frozen)' : ''} |`),
    '',
    `Spearman ρ(${perClass.name}, mean event duration) = ${Number.isFinite(rho) ? rho.toFixed(3) : '– (undefined: fewer than two classes, or constant values)'} over ${over} (mean durations from the data set's classes.json).`,
  ];
}

/** How to read the tables: units, "–", and what the macro averages do with it. */
export const READING_NOTES: string[] = [
  'F1, precision and recall are in percent; ER is a ratio. Micro averages pool the counts of all classes; macro averages',
  'are the mean of the class-wise values.',
  '',
  '"–" is a value that is undefined, not zero: segment-based, a class that was never predicted (precision 0/0) or has',
  'no reference segment; event-based, a class with no reference event in this subset (a class never predicted scores',
  'precision 0 there, as in the DCASE baselines, so its F1 is 0). Macro averages skip undefined values: they are the',
  'mean over the classes where the value is defined (numpy.nanmean, as sed_eval). Tagging F1 is never undefined',
  '(0 when a class has no reference and no prediction, as DESED).',
];
