/**
 * Power pooling y_c = Σ y·y^n / Σ y^n (arXiv 2010.09985): limits, gradients (closed forms from the issue and a
 * float64 finite difference), finiteness at y ∈ {0, 1}, the n ≥ 0 projection and the λ Σ n² term.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { PowerPooling } from '../src/model/pooling/power-pooling.ts';
import { LinearSoftmaxPooling } from '../src/model/pooling/linear-softmax-pooling.ts';
import { rng } from './helpers/tensors.ts';

before(async () => {
  await tf.setBackend('cpu');
});

const T = 9;
const C = 3;

/** One clip: column c holds T frame probabilities in (0.02, 0.98). */
function randomColumns(seed: number): number[][] {
  const r = rng(seed);
  return Array.from({ length: C }, () => Array.from({ length: T }, () => 0.02 + 0.96 * r()));
}
const toTensor = (cols: number[][]) => tf.tensor3d([Array.from({ length: T }, (_, t) => cols.map((col) => col[t]!))]);

/** Float64 reference Σ y^{n+1} / Σ y^n. */
function powerPool(col: number[], n: number): number {
  let num = 0;
  let den = 0;
  for (const y of col) {
    num += y ** (n + 1);
    den += y ** n;
  }
  return num / den;
}

function headWithN(n: number[]): PowerPooling {
  const head = new PowerPooling({ nClasses: C, nInit: 1 });
  head.build([null, T, C]);
  head.setWeights([tf.tensor1d(n)]);
  return head;
}

function clipValues(head: PowerPooling | LinearSoftmaxPooling, x: tf.Tensor3D): number[] {
  return tf.tidy(() => Array.from((head.apply(x) as tf.Tensor).dataSync()));
}

test('matches Σ y^{n+1}/Σ y^n for several n_c, and n = 1 equals linear softmax', () => {
  const cols = randomColumns(11);
  const x = toTensor(cols);
  const n = [0.3, 1, 4.5];
  const got = clipValues(headWithN(n), x);
  cols.forEach((col, c) => assert.ok(Math.abs(got[c]! - powerPool(col, n[c]!)) < 1e-6, `class ${c}`));

  const ones = clipValues(headWithN([1, 1, 1]), x);
  const linear = clipValues(new LinearSoftmaxPooling({ nClasses: C }), x);
  ones.forEach((v, c) => assert.ok(Math.abs(v - linear[c]!) < 1e-6, `n=1 vs linear softmax, class ${c}`));
  x.dispose();
});

test('n → 0 approaches average pooling, large n approaches max pooling', () => {
  const cols = randomColumns(12).map((col) => col.map((y) => 0.8 * y));
  cols.forEach((col, c) => (col[c + 2] = 0.95)); // a clear maximum per class
  const x = toTensor(cols);
  const small = clipValues(headWithN([1e-4, 1e-4, 1e-4]), x);
  const large = clipValues(headWithN([50, 50, 50]), x);
  cols.forEach((col, c) => {
    const mean = col.reduce((s, y) => s + y, 0) / T;
    // d y_c / d n = Cov_w(y, ln y) is O(0.1) here, so n = 1e-4 moves the value by ~1e-5 from the mean.
    assert.ok(Math.abs(small[c]! - mean) < 1e-4, `n=1e-4 vs mean, class ${c}`);
    // Other frames weigh ≤ (0.8/0.95)^50 ≈ 1.8e-4 each relative to the maximum: ≤ 8 · 1.8e-4 · 0.95 below it.
    assert.ok(Math.abs(large[c]! - 0.95) < 2e-3, `n=50 vs max, class ${c}: ${large[c]}`);
  });
  x.dispose();
});

test('∂y_c/∂y_i = ((n+1)·y_i^n − n·y_i^(n−1)·y_c)/Σ_j y_j^n, changing sign at y_i = n/(n+1)·y_c', () => {
  const cols = randomColumns(13);
  const n = [0.5, 1, 3];
  const head = headWithN(n);
  const x = toTensor(cols);
  // Each clip value depends only on its own column, so the gradient of the sum is the per-column derivative.
  const g = tf.grad((y: tf.Tensor) => tf.sum(head.apply(y) as tf.Tensor))(x);
  const grad = g.arraySync() as number[][][];
  let positive = 0;
  let negative = 0;
  cols.forEach((col, c) => {
    const nc = n[c]!;
    const yc = powerPool(col, nc);
    const den = col.reduce((s, y) => s + y ** nc, 0);
    col.forEach((yi, t) => {
      const want = ((nc + 1) * yi ** nc - nc * yi ** (nc - 1) * yc) / den;
      const got = grad[0]![t]![c]!;
      assert.ok(Math.abs(got - want) <= 1e-5 + 1e-4 * Math.abs(want), `class ${c} frame ${t}: ${got} vs ${want}`);
      const threshold = (nc / (nc + 1)) * yc;
      if (Math.abs(yi - threshold) > 1e-3) {
        assert.equal(Math.sign(got), Math.sign(yi - threshold), `sign at class ${c} frame ${t}`);
        if (got > 0) positive++;
        else negative++;
      }
    });
  });
  assert.ok(positive > 0 && negative > 0, 'both signs occur in the sample');
  x.dispose();
  g.dispose();
});

test('∂y_c/∂n_c matches a float64 central finite difference', () => {
  const cols = randomColumns(14);
  const n = [0.2, 1.3, 6];
  const head = headWithN(n);
  const x = toTensor(cols);
  const nVar = head.nVariable().read() as tf.Variable;
  const { grads } = tf.variableGrads(() => tf.sum(head.apply(x) as tf.Tensor) as tf.Scalar, [nVar]);
  const got = Array.from(grads[nVar.name]!.dataSync());
  cols.forEach((col, c) => {
    const h = 1e-5;
    const want = (powerPool(col, n[c]! + h) - powerPool(col, n[c]! - h)) / (2 * h);
    assert.ok(Math.abs(got[c]! - want) <= 1e-5 + 1e-3 * Math.abs(want), `class ${c}: ${got[c]} vs ${want}`);
  });
  tf.dispose([x, grads[nVar.name]!]);
});

test('frame probabilities exactly 0 and 1 give finite values and gradients', () => {
  // Columns: all 0 → 0 (uniform weights over clamped 1e-7); all 1 → 1; [1, 0, 0, …] with n = 2 → 1 up to
  // the clamped zeros' weight (1e-7)^2 per frame.
  const cols = [new Array(T).fill(0), new Array(T).fill(1), [1, ...new Array(T - 1).fill(0)]];
  const head = headWithN([0, 1, 2]);
  const x = toTensor(cols);
  const values = clipValues(head, x);
  assert.deepEqual(values.map((v) => Math.round(v * 1e6) / 1e6), [0, 1, 1]);
  const nVar = head.nVariable().read() as tf.Variable;
  const gy = tf.grad((y: tf.Tensor) => tf.sum(head.apply(y) as tf.Tensor))(x);
  const { grads } = tf.variableGrads(() => tf.sum(head.apply(x) as tf.Tensor) as tf.Scalar, [nVar]);
  for (const v of [...gy.dataSync(), ...grads[nVar.name]!.dataSync()]) assert.ok(Number.isFinite(v), `gradient ${v}`);
  tf.dispose([x, gy, grads[nVar.name]!]);
});

test('projectNonNegative clamps n_c at 0, regularizationLoss is λ Σ n_c², perClassParameters reports n_c', () => {
  const head = headWithN([-0.5, 0.25, 2]);
  // 0.01 · (0.25 + 0.0625 + 4) = 0.043125
  assert.ok(Math.abs(head.regularizationLoss(0.01).dataSync()[0]! - 0.043125) < 1e-7);
  const before = tf.memory().numTensors;
  head.projectNonNegative();
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(head.perClassParameters(), { name: 'n_c', values: [0, 0.25, 2] });
  // The loss term's gradient 2λn flows to the variable inside an optimizer closure.
  const nVar = head.nVariable().read() as tf.Variable;
  const { grads } = tf.variableGrads(() => head.regularizationLoss(0.5), [nVar]);
  assert.deepEqual(Array.from(grads[nVar.name]!.dataSync()), [0, 0.25, 2]);
});
