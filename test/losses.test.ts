import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { maskedBce, maskedMse, sigmoidRampup } from '../src/train/losses.ts';

test('masked BCE averages only the rows whose mask is 1', async () => {
  await tf.setBackend('cpu');
  const target = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
  const prob = tf.tensor2d([[0.9, 0.2], [0.5, 0.5], [0.1, 0.1]]);
  const mask = tf.tensor1d([1, 0, 1]);
  // hand-computed: rows 0 and 2 → −(ln .9 + ln .8 + ln .1 + ln .1) / 4
  const expected = -(Math.log(0.9) + Math.log(0.8) + 2 * Math.log(0.1)) / 4;
  assert.ok(Math.abs(maskedBce(target, prob, mask).dataSync()[0] - expected) < 1e-5);
  assert.equal(maskedBce(target, prob, tf.tensor1d([0, 0, 0])).dataSync()[0], 0);
});

test('BCE stays finite at probabilities 0 and 1', async () => {
  await tf.setBackend('cpu');
  const v = maskedBce(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 1]]), tf.tensor1d([1])).dataSync()[0];
  // target 1 at p = 0 is clipped to p = 1e-7: −ln(1e-7) = 16.118; target 0 at p = 1 is clipped to 1 − 1e-7, which
  // float32 rounds to 1 − 1.19e-7: −ln(1.19e-7) = 15.94. Their mean is ≈ 16.03.
  const expected = (-Math.log(1e-7) - Math.log(1 - Math.fround(1 - 1e-7))) / 2;
  assert.ok(Number.isFinite(v) && Math.abs(v - expected) < 1e-3, `${v} vs ${expected}`);
});

test('masked MSE and the ramp-up curve', async () => {
  await tf.setBackend('cpu');
  const v = maskedMse(tf.tensor2d([[1, 2], [5, 5]]), tf.tensor2d([[0, 0], [0, 0]]), tf.tensor1d([1, 0])).dataSync()[0];
  assert.ok(Math.abs(v - 2.5) < 1e-6); // (1 + 4) / 2
  assert.equal(sigmoidRampup(10, 10), 1);
  assert.ok(Math.abs(sigmoidRampup(0, 10) - Math.exp(-5)) < 1e-12);
  assert.ok(Math.abs(sigmoidRampup(5, 10) - Math.exp(-1.25)) < 1e-12);
});
