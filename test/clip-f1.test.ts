/**
 * One clip-level F1 (issue 13, item 3). Regression: training's validation clip_f1_macro decided clip tags from clip
 * probabilities ≥ 0.5 (fixed), while `sed eval` / `sed metrics` report tagging F1 from the tags of the post-processed
 * detections (p > postprocess.threshold): two definitions under one name. Now both are DESED's audio_tagging_results
 * on the tags of the detections.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../src/config/load.ts';
import type { ClipRef } from '../src/data/feature-source.ts';
import { referenceTable } from '../src/data/label-encoding.ts';
import { frameGrid } from '../src/data/time-grid.ts';
import { computeMetrics } from '../src/metrics/compute-metrics.ts';
import { validationMetrics } from '../src/train/validate.ts';
import { eventTableFromProbabilities } from '../src/train/validation-metrics.ts';

const config = resolveConfig({ postprocess: { median_window: 1, threshold: 0.5 } });
const grid = frameGrid(16000, 320, 4); // 0.08 s frames
const ref = (name: string, events: [number, number, string][]): ClipRef => ({
  subset: 'validation',
  clip: { name, npy: name.replace('.wav', '.npy'), frames: 4, duration_sec: 0.32, source: name, weak_labels: null, events: events.map(([onset, offset, label]) => ({ onset, offset, label })) },
  hasWeak: true,
  hasStrong: true,
});
// Frame probabilities [4 frames, classes a, b], row-major.
const frames = (a: number[], b: number[]) => Float32Array.from(a.flatMap((x, t) => [x, b[t]]));
const pred = {
  clips: [ref('x.wav', [[0, 0.16, 'a']]), ref('y.wav', [[0, 0.16, 'a'], [0, 0.32, 'b']]), ref('z.wav', [])],
  frameProb: [frames([0.9, 0.9, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1]), frames([0.2, 0.2, 0.2, 0.2], [0.7, 0.7, 0.7, 0.7]), frames([0.1, 0.1, 0.1, 0.1], [0.1, 0.1, 0.1, 0.1])],
  // Clip probabilities that disagree with the frames: x's a is 0.4 (< 0.5) although frames detect it, x's b 0.6.
  clipProb: [Float32Array.from([0.4, 0.6]), Float32Array.from([0.7, 0.8]), Float32Array.from([0.1, 0.1])],
};

test('regression: validation clip F1 = tagging F1 of the post-processed detections, the number sed eval reports', () => {
  // Detections: x → a (frames 0–1), y → b, z → nothing. Reference tags: x {a}, y {a, b}, z {}.
  // a: TP 1 (x), FN 1 (y) → 2·1 / (2·1 + 0 + 1) = 2/3; b: TP 1 (y) → 1. Macro over the classes seen: 5/6.
  // (The old rule, clip probabilities ≥ 0.5, tagged x {b}, y {a, b}: a 2/3, b 2/3 → 2/3.)
  const val = validationMetrics(pred, ['a', 'b'], config, grid);
  assert.ok(Math.abs(val.clip_f1_macro - 5 / 6) < 1e-12, String(val.clip_f1_macro));
  const detections = eventTableFromProbabilities(pred.clips.map((r, i) => ({ file: r.clip.name, frameProb: pred.frameProb[i] })), ['a', 'b'], config.postprocess, grid);
  const evalTagging = computeMetrics(referenceTable(pred.clips), detections).tagging.f1_macro;
  assert.equal(val.clip_f1_macro, evalTagging);
});
