/** Loss terms of the training objective. Each returns a scalar; masked terms average over the rows that count. */
import * as tf from '@tensorflow/tfjs-core';

const EPS = 1e-7;

/** Element-wise binary cross-entropy with probabilities clipped away from 0 and 1. */
export function bceElements(target: tf.Tensor, prob: tf.Tensor): tf.Tensor {
  const p = tf.clipByValue(prob, EPS, 1 - EPS);
  return tf.neg(tf.add(tf.mul(target, tf.log(p)), tf.mul(tf.sub(1, target), tf.log(tf.sub(1, p)))));
}

/**
 * Mean BCE over the rows whose mask is 1 (and over every other axis). `mask` is [B]; `target`/`prob` are [B, …].
 * Returns 0 when no row counts. `rows` replaces the count of masked rows in the denominator: a micro-batch passes
 * the count of its whole batch, so that the micro-batches' terms add up to the batch's mean.
 */
export function maskedBce(target: tf.Tensor, prob: tf.Tensor, mask: tf.Tensor1D, rows?: number): tf.Scalar {
  return maskedMean(bceElements(target, prob), mask, rows);
}

/** Mean squared difference over masked rows (mean-teacher consistency); `rows` as for maskedBce. */
export function maskedMse(a: tf.Tensor, b: tf.Tensor, mask: tf.Tensor1D, rows?: number): tf.Scalar {
  return maskedMean(tf.squaredDifference(a, b), mask, rows);
}

function maskedMean(elements: tf.Tensor, mask: tf.Tensor1D, rows?: number): tf.Scalar {
  const perRowCount = elements.size / elements.shape[0];
  const perRow = tf.sum(tf.reshape(elements, [elements.shape[0], -1]), 1); // [B]
  const denominator = rows === undefined ? tf.mul(tf.maximum(tf.sum(mask), 1), perRowCount) : Math.max(rows, 1) * perRowCount;
  return tf.div(tf.sum(tf.mul(perRow, mask)), denominator) as tf.Scalar;
}

/** The mean-teacher ramp-up of Laine & Aila / Tarvainen & Valpola: exp(−5 (1 − t)²), t = epoch / rampup in [0, 1]. */
export function sigmoidRampup(epoch: number, rampupEpochs: number): number {
  if (rampupEpochs === 0) return 1;
  const t = Math.min(Math.max(epoch / rampupEpochs, 0), 1);
  return Math.exp(-5 * (1 - t) * (1 - t));
}
