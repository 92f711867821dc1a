/**
 * One optimiser step by gradient accumulation: the step's batch (train.batch_size clips, with whatever mix of weak,
 * strong and unlabeled clips the batching gave it) runs forward and backward in micro-batches of at most
 * train.micro_batch clips, their gradients are summed, and the optimisers apply the sum once.
 *
 * The sum equals the gradient of the whole batch's objective because every term is written as a sum over clips
 * divided by a count of the WHOLE batch: a masked mean averaged per micro-batch would weight a micro-batch with one
 * weak clip like one with six, so each micro-batch divides by the batch's count of weak (strong, all) clips instead.
 * The `λ Σ n_c²` term enters once per step (in the first micro-batch), the per-class pooling gate multiplies the summed
 * gradient, and the clip decisions for the gate are counted over the whole batch. Up to float rounding, an
 * accumulated step equals a one-pass step for every layer without batch norm (and without dropout, whose masks are
 * drawn per pass). Batch norm normalises with statistics of each micro-batch, and its moving averages take one update
 * per micro-batch (see README "Micro-batches").
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch, BatchShape } from '../data/batch.ts';
import { maskedBce, maskedMse } from './losses.ts';
import type { PoolingHooks } from '../model/pooling-hooks.ts';

export interface LossSettings {
  /** Weight of λ Σ n_c² (0 = off). */
  lambda: number;
  strongWeight: number;
  consistencyWeight: number;
}

export interface StepSettings extends LossSettings {
  main: tf.Optimizer;
  pooling: tf.Optimizer;
  /** Per class 1 (free) or 0 (frozen): multiplies the gradients of per-class pooling parameters. null = all free. */
  poolingGate: number[] | null;
}

/** Loss terms as numbers (means over the whole batch), and the batch's clip probabilities for the pooling gate. */
export interface StepResult {
  losses: Record<string, number>;
  clipProb: Float32Array; // [B, C]
}

/** Summed gradients of one batch by variable name (the caller owns and disposes them), with the step's result. */
export interface AccumulatedGradients extends StepResult {
  grads: tf.NamedTensorMap;
}

/** [start, end) row ranges of micro-batches of at most `micro` rows covering `size` rows; the last may be smaller. */
export function microBatchRanges(size: number, micro: number): Array<[number, number]> {
  if (!Number.isInteger(micro) || micro < 1) throw new RangeError(`micro-batch size must be an integer >= 1 (${micro} given)`);
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < size; start += micro) ranges.push([start, Math.min(size, start + micro)]);
  return ranges;
}

/** Rows [start, end) of a batch, as views of its arrays (no copy). */
export function sliceBatch(batch: Batch, start: number, end: number): Batch {
  const rows = (a: Float32Array) => {
    const perRow = a.length / batch.size;
    return a.subarray(start * perRow, end * perRow);
  };
  return {
    x: rows(batch.x),
    yWeak: rows(batch.yWeak),
    yStrong: rows(batch.yStrong),
    weakMask: rows(batch.weakMask),
    strongMask: rows(batch.strongMask),
    size: end - start,
    clips: batch.clips.slice(start, end),
  };
}

/**
 * Gradients of the batch's objective summed over micro-batches of at most `micro` clips:
 *   clip BCE (mean over the batch's weakly labelled clips) + strongWeight · frame BCE (mean over its strongly
 *   labelled clips, when it has any) + consistencyWeight · (clip MSE + frame MSE against the teacher, mean over all
 *   its clips) + λ Σ n_c².
 * Memory: the activations of one micro-batch plus two weight-sized gradient sets. Throws what the backend throws
 * (an out-of-memory error included); no tensor is left behind either way.
 */
export function accumulateGradients(
  model: tfl.LayersModel,
  teacher: tfl.LayersModel | null,
  hooks: PoolingHooks,
  batch: Batch,
  shape: BatchShape,
  vars: tf.Variable[],
  s: LossSettings,
  micro: number,
): AccumulatedGradients {
  const nClasses = batch.yWeak.length / batch.size;
  const weakRows = count(batch.weakMask);
  const strongRows = count(batch.strongMask);
  const hasStrong = strongRows > 0;
  const useTeacher = teacher !== null && s.consistencyWeight > 0;
  const grads: tf.NamedTensorMap = {};
  const losses: Record<string, number> = { loss: 0 };
  const clipProb = new Float32Array(batch.size * nClasses);
  try {
    for (const [start, end] of microBatchRanges(batch.size, micro)) {
      const part = sliceBatch(batch, start, end);
      const first = start === 0;
      const out = tf.tidy(() => {
        const x = tf.tensor3d(part.x, [part.size, shape.frames, shape.nMels]);
        const yWeak = tf.tensor2d(part.yWeak, [part.size, nClasses]);
        const weakMask = tf.tensor1d(part.weakMask);
        const teacherOut = useTeacher ? (teacher.apply(x, { training: true }) as tf.Tensor[]) : null;
        const parts: Record<string, tf.Scalar> = {};
        let clipOut: tf.Tensor | null = null;
        const { value, grads: g } = tf.variableGrads(() => {
          const [frameProb, clipP] = model.apply(x, { training: true }) as tf.Tensor[];
          clipOut = tf.keep(clipP);
          parts.clip_bce = maskedBce(yWeak, clipP, weakMask, weakRows);
          let loss: tf.Scalar = parts.clip_bce;
          if (hasStrong) {
            const yStrong = tf.tensor3d(part.yStrong, [part.size, shape.outFrames, nClasses]);
            parts.frame_bce = maskedBce(yStrong, frameProb, tf.tensor1d(part.strongMask), strongRows);
            loss = tf.add(loss, tf.mul(parts.frame_bce, s.strongWeight));
          }
          if (teacherOut) {
            const all = tf.onesLike(weakMask) as tf.Tensor1D;
            parts.consistency = tf.add(maskedMse(clipP, teacherOut[1], all, batch.size), maskedMse(frameProb, teacherOut[0], all, batch.size));
            loss = tf.add(loss, tf.mul(parts.consistency, s.consistencyWeight));
          }
          // λ Σ n_c² belongs to the step, not to each pass: it enters the first micro-batch's objective only
          const reg = first && s.lambda > 0 ? hooks.regularization(s.lambda) : null;
          if (reg) {
            parts.regularization = reg;
            loss = tf.add(loss, reg);
          }
          // variableGrads disposes everything but the loss: keep the parts for reporting
          for (const t of Object.values(parts)) tf.keep(t);
          return loss;
        }, vars);
        return { value, grads: g, parts, clipProb: clipOut as unknown as tf.Tensor };
      });
      losses.loss += out.value.dataSync()[0];
      for (const [k, t] of Object.entries(out.parts)) losses[k] = (losses[k] ?? 0) + t.dataSync()[0];
      clipProb.set(out.clipProb.dataSync(), start * nClasses);
      tf.dispose([out.value, out.clipProb, ...Object.values(out.parts)]);
      for (const [name, g] of Object.entries(out.grads)) {
        const previous = grads[name];
        grads[name] = previous ? tf.add(previous, g) : g;
        if (previous) tf.dispose([previous, g]);
      }
    }
  } catch (err) {
    tf.dispose(Object.values(grads));
    throw err;
  }
  return { grads, losses, clipProb };
}

/**
 * Applies summed gradients: the pooling head's variables through the pooling optimiser (per-class parameters, whose
 * last axis is the class axis, multiplied by the gate), the rest through the main optimiser. Disposes `grads`.
 */
export function applyAccumulated(grads: tf.NamedTensorMap, poolingVars: Set<string>, nClasses: number, s: StepSettings) {
  tf.tidy(() => {
    const mainGrads: tf.NamedTensorMap = {};
    const poolingGrads: tf.NamedTensorMap = {};
    const gate = s.poolingGate ? tf.tensor1d(s.poolingGate) : null;
    for (const [name, g] of Object.entries(grads)) {
      if (!poolingVars.has(name)) mainGrads[name] = g;
      else poolingGrads[name] = gate && g.shape[g.shape.length - 1] === nClasses ? tf.mul(g, gate) : g;
    }
    s.main.applyGradients(mainGrads);
    if (Object.keys(poolingGrads).length) s.pooling.applyGradients(poolingGrads);
  });
  tf.dispose(Object.values(grads));
}

/** One optimiser step over `batch` in micro-batches of at most `micro` clips; returns the loss terms as numbers. */
export function trainStep(
  model: tfl.LayersModel,
  teacher: tfl.LayersModel | null,
  hooks: PoolingHooks,
  batch: Batch,
  shape: BatchShape,
  vars: tf.Variable[],
  poolingVars: Set<string>,
  s: StepSettings,
  micro: number,
): StepResult {
  const { grads, losses, clipProb } = accumulateGradients(model, teacher, hooks, batch, shape, vars, s, micro);
  applyAccumulated(grads, poolingVars, batch.yWeak.length / batch.size, s);
  return { losses, clipProb };
}

const count = (mask: Float32Array) => mask.reduce((a, m) => a + (m > 0 ? 1 : 0), 0);

/**
 * A probe for the memory of a step (train.micro_batch: auto): `step(m)` computes and discards the gradients of the
 * first m clips of `sample` with every loss term on, then restores every weight of the model and the teacher (batch
 * norm's moving statistics move in a training-mode pass), so probing changes nothing in the run.
 */
export function stepProbe(model: tfl.LayersModel, teacher: tfl.LayersModel | null, hooks: PoolingHooks, sample: Batch, shape: BatchShape, vars: tf.Variable[]) {
  return (m: number) => {
    const weights = [...model.weights, ...(teacher?.weights ?? [])];
    const saved = weights.map((w) => tf.clone(w.read()));
    try {
      const part = sliceBatch(sample, 0, Math.min(m, sample.size));
      const { grads } = accumulateGradients(model, teacher, hooks, part, shape, vars, { lambda: 1, strongWeight: 1, consistencyWeight: 1 }, m);
      tf.dispose(Object.values(grads));
    } finally {
      weights.forEach((w, i) => w.write(saved[i]));
      tf.dispose(saved); // the variables hold their own reference to the restored data
    }
  };
}
