/**
 * Each kernel we register on the wasm backend against the cpu backend's own implementation of the same kernel
 * (tfjs-backend-cpu is the reference), on random shapes, strides and paddings, float32, relative error ≤ 1e-4.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers' node bundle registers every gradient in the (global) gradient registry; tf.grads needs them.
import '@tensorflow/tfjs-layers';
import { selectBackend } from '../src/backend/select.ts';
import { columnSums } from '../src/backend/wasm-kernels/reduce-leading.ts';
import { WASM_TRAINING_KERNELS } from '../src/backend/wasm-kernels/register.ts';
import { rng } from './helpers/tensors.ts';

const randInt = (r: () => number, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const randArray = (r: () => number, n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);

/** max |a − b| / max |b|: one scale for the whole tensor, so near-zero entries do not dominate. */
function relError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return den === 0 ? num : num / den;
}

async function runOn(backend: string, f: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const t = f();
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

test('the wasm backend loads with our kernels registered', async () => {
  const choice = await selectBackend('wasm');
  assert.equal(choice.backend, 'wasm');
  for (const name of WASM_TRAINING_KERNELS) assert.ok(tf.getKernel(name, 'wasm'), name);
});

test('Conv2DBackpropFilter on wasm equals cpu on random shapes, strides and paddings', async () => {
  await selectBackend('wasm');
  const r = rng(1234);
  let cases = 0;
  for (let trial = 0; cases < 40; trial++) {
    const b = randInt(r, 1, 3);
    const h = randInt(r, 1, 13);
    const w = randInt(r, 1, 13);
    const cin = randInt(r, 1, 5);
    const cout = randInt(r, 1, 6);
    const kh = randInt(r, 1, 5);
    const kw = randInt(r, 1, 5);
    const sh = randInt(r, 1, 3);
    const sw = randInt(r, 1, 3);
    const pad = r() < 0.5 ? 'same' : 'valid';
    if (pad === 'valid' && (kh > h || kw > w)) continue;
    const outH = pad === 'same' ? Math.ceil(h / sh) : Math.floor((h - kh) / sh) + 1;
    const outW = pad === 'same' ? Math.ceil(w / sw) : Math.floor((w - kw) / sw) + 1;
    const xData = randArray(r, b * h * w * cin);
    const dyData = randArray(r, b * outH * outW * cout);
    const attrs = { strides: [sh, sw], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [kh, kw, cin, cout] };
    const kernel = () =>
      tf.engine().runKernel(
        tf.Conv2DBackpropFilter,
        { x: tf.tensor4d(xData, [b, h, w, cin]), dy: tf.tensor4d(dyData, [b, outH, outW, cout]) },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
    const want = await runOn('cpu', () => tf.tidy(kernel));
    const got = await runOn('wasm', () => tf.tidy(kernel));
    assert.equal(got.length, kh * kw * cin * cout);
    const err = relError(got, want);
    assert.ok(err <= 1e-4, `case ${JSON.stringify({ b, h, w, cin, cout, kh, kw, sh, sw, pad })}: rel err ${err}`);
    cases++;
  }
});

test('conv2d gradient w.r.t. the filter through tf.grads on wasm equals cpu, without leaking', async () => {
  await selectBackend('wasm');
  const r = rng(99);
  const xData = randArray(r, 2 * 9 * 7 * 3);
  const fData = randArray(r, 3 * 3 * 3 * 4);
  const grads = () =>
    tf.tidy(() => {
      const x = tf.tensor4d(xData, [2, 9, 7, 3]);
      const f = tf.tensor4d(fData, [3, 3, 3, 4]);
      const [, df] = tf.grads((a: tf.Tensor, k: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, [2, 1], 'same'))),
      )([x, f]);
      return df!;
    });
  const want = await runOn('cpu', grads);
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const got = await runOn('wasm', grads);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(relError(got, want) <= 1e-4);
});

test('MaxPoolGrad on wasm equals cpu on random shapes, non-square windows, strides and paddings', async () => {
  await selectBackend('wasm');
  const r = rng(4321);
  let cases = 0;
  while (cases < 40) {
    const b = randInt(r, 1, 3);
    const h = randInt(r, 1, 12);
    const w = randInt(r, 1, 12);
    const c = randInt(r, 1, 5);
    const fh = randInt(r, 1, 4);
    const fw = randInt(r, 1, 4);
    // Half the cases are the CRNN's case: stride = window (non-overlapping); the rest overlap or skip.
    const [sh, sw] = r() < 0.5 ? [fh, fw] : [randInt(r, 1, 3), randInt(r, 1, 3)];
    const pad = r() < 0.5 ? 'same' : 'valid';
    if (pad === 'valid' && (fh > h || fw > w)) continue;
    // Values on a coarse grid so that ties occur (as after a ReLU), and the tie-break is tested too.
    const xData = Float32Array.from({ length: b * h * w * c }, () => Math.round(r() * 6) / 2 - 1);
    const grad = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xData, [b, h, w, c]);
        const y = tf.maxPool(x, [fh, fw], [sh, sw], pad);
        const weights = tf.tensor(Float32Array.from({ length: y.size }, (_, i) => 1 + (i % 7)), y.shape);
        return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(v as tf.Tensor4D, [fh, fw], [sh, sw], pad), weights)))(x);
      });
    const want = await runOn('cpu', grad);
    const got = await runOn('wasm', grad);
    const err = relError(got, want);
    assert.ok(err <= 1e-6, `case ${JSON.stringify({ b, h, w, c, fh, fw, sh, sw, pad })}: rel err ${err}`);
    cases++;
  }
});

test('regression: a [1, 2] max-pool window routes the gradient to the larger element (stock wasm kernel did not)', async () => {
  await selectBackend('wasm');
  // Window over [-0.5, -0.368]: the maximum is the second element.
  const x = tf.tensor4d([-0.5, -0.368, 0.256, -0.041], [1, 1, 4, 1]);
  const g = tf.grad((v: tf.Tensor) => tf.sum(tf.maxPool(v as tf.Tensor4D, [1, 2], [1, 2], 'valid')))(x);
  assert.deepEqual(Array.from(g.dataSync()), [0, 1, 1, 0]);
  tf.dispose([x, g]);
});

test('Conv2DBackpropInput on wasm equals cpu on random shapes, strides and paddings', async () => {
  await selectBackend('wasm');
  const r = rng(2468);
  let cases = 0;
  while (cases < 40) {
    const b = randInt(r, 1, 3);
    const h = randInt(r, 1, 13);
    const w = randInt(r, 1, 13);
    const cin = randInt(r, 1, 5);
    const cout = randInt(r, 1, 6);
    const kh = randInt(r, 1, 5);
    const kw = randInt(r, 1, 5);
    // Two thirds stride 1 (our forward-conv path), the rest go to the stock kernel.
    const [sh, sw] = r() < 0.67 ? [1, 1] : [randInt(r, 1, 3), randInt(r, 1, 3)];
    const pad = r() < 0.5 ? 'same' : 'valid';
    if (pad === 'valid' && (kh > h || kw > w)) continue;
    const outH = pad === 'same' ? Math.ceil(h / sh) : Math.floor((h - kh) / sh) + 1;
    const outW = pad === 'same' ? Math.ceil(w / sw) : Math.floor((w - kw) / sw) + 1;
    const dyData = randArray(r, b * outH * outW * cout);
    const fData = randArray(r, kh * kw * cin * cout);
    const attrs = { strides: [sh, sw], pad, dataFormat: 'NHWC', dimRoundingMode: undefined, inputShape: [b, h, w, cin] };
    const kernel = () =>
      tf.engine().runKernel(
        tf.Conv2DBackpropInput,
        { dy: tf.tensor4d(dyData, [b, outH, outW, cout]), filter: tf.tensor4d(fData, [kh, kw, cin, cout]) },
        attrs as unknown as tf.NamedAttrMap,
      ) as tf.Tensor;
    const want = await runOn('cpu', () => tf.tidy(kernel));
    const got = await runOn('wasm', () => tf.tidy(kernel));
    assert.equal(got.length, b * h * w * cin);
    const err = relError(got, want);
    assert.ok(err <= 1e-4, `case ${JSON.stringify({ b, h, w, cin, cout, kh, kw, sh, sw, pad })}: rel err ${err}`);
    cases++;
  }
});

test('conv2d gradient w.r.t. the input through tf.grads on wasm equals cpu, without leaking', async () => {
  await selectBackend('wasm');
  const r = rng(7);
  const xData = randArray(r, 2 * 9 * 7 * 3);
  const fData = randArray(r, 3 * 3 * 3 * 4);
  const grads = () =>
    tf.tidy(() => {
      const [dx] = tf.grads((a: tf.Tensor, k: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, 1, 'same'))),
      )([tf.tensor4d(xData, [2, 9, 7, 3]), tf.tensor4d(fData, [3, 3, 3, 4])]);
      return dx!;
    });
  const want = await runOn('cpu', grads);
  await tf.setBackend('wasm');
  const before = tf.memory().numTensors;
  const got = await runOn('wasm', grads);
  assert.equal(tf.memory().numTensors, before);
  assert.ok(relError(got, want) <= 1e-4);
});

test('Tile on wasm equals cpu on random ranks, shapes, repeats and dtypes', async () => {
  await selectBackend('wasm');
  const r = rng(1357);
  for (let trial = 0; trial < 60; trial++) {
    const rank = randInt(r, 0, 5);
    const shape = Array.from({ length: rank }, () => randInt(r, 0 + (trial % 10 === 0 ? 0 : 1), 4));
    const reps = Array.from({ length: rank }, () => randInt(r, trial % 15 === 0 ? 0 : 1, 4));
    const dtype = trial % 3 === 0 ? 'int32' : 'float32';
    const size = shape.reduce((a, d) => a * d, 1);
    const data = Float32Array.from({ length: size }, () => Math.round((r() * 2 - 1) * 1000));
    const tile = () => tf.tidy(() => tf.cast(tf.tile(tf.tensor(data, shape, dtype), reps), 'float32'));
    const want = await runOn('cpu', tile);
    const got = await runOn('wasm', tile);
    assert.deepEqual(Array.from(got), Array.from(want), `case ${JSON.stringify({ shape, reps, dtype })}`);
  }
  // The BatchNorm gradient's case: a per-channel vector over [N, H, W].
  const v = Float32Array.from({ length: 16 }, (_, i) => i - 7.5);
  const tile = () => tf.tidy(() => tf.tile(tf.tensor4d(v, [1, 1, 1, 16]), [3, 5, 7, 1]));
  assert.deepEqual(Array.from(await runOn('wasm', tile)), Array.from(await runOn('cpu', tile)));
});

test('Sum and Mean on wasm equal cpu on random shapes, axes and keepDims', async () => {
  await selectBackend('wasm');
  const r = rng(8642);
  for (let trial = 0; trial < 60; trial++) {
    const rank = randInt(r, 1, 4);
    const shape = Array.from({ length: rank }, () => randInt(r, 1, 9));
    // Half the cases reduce leading axes (our path), the rest any subset, negative axes included.
    const axes =
      r() < 0.5
        ? [...Array(randInt(r, 1, rank)).keys()]
        : [...Array(rank).keys()].filter(() => r() < 0.5).map((a) => (r() < 0.3 ? a - rank : a));
    const keepDims = r() < 0.5;
    const op = trial % 2 === 0 ? tf.sum : tf.mean;
    const data = randArray(r, shape.reduce((a, d) => a * d, 1));
    const reduce = () => tf.tidy(() => op(tf.tensor(data, shape), axes, keepDims));
    const want = await runOn('cpu', reduce);
    const got = await runOn('wasm', reduce);
    assert.equal(got.length, want.length);
    const err = relError(got, want);
    assert.ok(err <= 1e-4, `case ${JSON.stringify({ op: op.name, shape, axes, keepDims })}: rel err ${err}`);
  }
  // Shapes agree too (keepDims keeps the reduced axes as 1).
  await tf.setBackend('wasm');
  const t = tf.sum(tf.ones([2, 3, 4]), [0, 1], true);
  assert.deepEqual(t.shape, [1, 1, 4]);
  assert.deepEqual(Array.from(t.dataSync()), [6, 6, 6, 6]);
  t.dispose();
});

/** Float64 reference: op(A)·op(B) for one batch entry, with op = transpose when asked; A, B row-major. */
function matMulRef(a: Float32Array, aShape: [number, number], b: Float32Array, bShape: [number, number], ta: boolean, tb: boolean): Float64Array {
  const [m, k] = ta ? [aShape[1], aShape[0]] : aShape;
  const n = tb ? bShape[0] : bShape[1];
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p]! * b[tb ? j * k + p : p * n + j]!;
      out[i * n + j] = s;
    }
  }
  return out;
}

test('BatchMatMul on wasm: every transpose combination, rank 2 and batch 1, equals a float64 product; no data left behind', async () => {
  await selectBackend('wasm');
  const r = rng(4242);
  const backend = tf.engine().backend;
  for (const [m, k, n] of [[1, 1, 1], [7, 5, 3], [33, 70, 17], [130, 64, 9]] as const) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        for (const batched of [false, true]) {
          const aShape: [number, number] = ta ? [k, m] : [m, k];
          const bShape: [number, number] = tb ? [n, k] : [k, n];
          const aData = randArray(r, m * k);
          const bData = randArray(r, k * n);
          const want = matMulRef(aData, aShape, bData, bShape, ta, tb);
          const before = backend.numDataIds();
          const got = tf.tidy(() => {
            const a = batched ? tf.tensor3d(aData, [1, ...aShape]) : tf.tensor2d(aData, aShape);
            const b = batched ? tf.tensor3d(bData, [1, ...bShape]) : tf.tensor2d(bData, bShape);
            return (tf.matMul(a, b, ta, tb) as tf.Tensor).dataSync() as Float32Array;
          });
          assert.equal(backend.numDataIds(), before, 'the transposed copies are released');
          assert.equal(got.length, m * n);
          // float32 products of K ≤ 70 terms in [−1, 1]: a few ulps of the sum's magnitude.
          const err = relError(got, Float32Array.from(want));
          assert.ok(err <= 1e-5, `m=${m} k=${k} n=${n} transposeA=${ta} transposeB=${tb} batched=${batched}: rel err ${err}`);
        }
      }
    }
  }
});

test('BatchMatMul on wasm: a real batch (handed to the stock kernel) with transposes equals the float64 product per entry', async () => {
  await selectBackend('wasm');
  const r = rng(77);
  const [batch, m, k, n] = [3, 6, 4, 5];
  const aData = randArray(r, batch * m * k);
  const bData = randArray(r, batch * k * n);
  const got = tf.tidy(() => tf.matMul(tf.tensor3d(aData, [batch, k, m]), tf.tensor3d(bData, [batch, n, k]), true, true).dataSync() as Float32Array);
  for (let e = 0; e < batch; e++) {
    const want = matMulRef(aData.subarray(e * m * k, (e + 1) * m * k), [k, m], bData.subarray(e * k * n, (e + 1) * k * n), [n, k], true, true);
    const err = relError(got.subarray(e * m * n, (e + 1) * m * n), Float32Array.from(want));
    assert.ok(err <= 1e-5, `batch entry ${e}: rel err ${err}`);
  }
});

test('conv2d on a length-1 axis (the CRNN after its frequency axis is pooled to 1): forward, fused and both gradients equal cpu', async () => {
  await selectBackend('wasm');
  const r = rng(515);
  // [input shape, filter shape, strides, pad, dilations]: width 1, height 1, both, asymmetric explicit padding, a
  // dilated filter, a tap-less case (padding wider than the filter reach) and a valid 1×1 output.
  const cases: Array<[[number, number, number, number], [number, number, number, number], [number, number], 'same' | 'valid' | tf.backend_util.ExplicitPadding, [number, number]]> = [
    [[2, 9, 1, 5], [3, 3, 5, 4], [1, 1], 'same', [1, 1]],
    [[2, 1, 7, 3], [3, 5, 3, 2], [1, 1], 'same', [1, 1]],
    [[3, 1, 1, 4], [3, 3, 4, 6], [1, 1], 'same', [1, 1]],
    [[1, 6, 1, 2], [3, 3, 2, 3], [2, 1], [[0, 0], [1, 1], [2, 0], [0, 0]], [1, 1]],
    [[2, 8, 1, 3], [3, 5, 3, 2], [1, 1], [[0, 0], [2, 2], [2, 2], [0, 0]], [1, 1]],
    [[1, 7, 1, 2], [3, 3, 2, 2], [1, 1], [[0, 0], [2, 2], [1, 1], [0, 0]], [2, 1]],
    [[1, 5, 1, 2], [3, 3, 2, 2], [1, 1], [[0, 0], [1, 1], [3, 0], [0, 0]], [1, 1]],
    [[2, 3, 1, 2], [3, 1, 2, 3], [1, 1], 'valid', [1, 1]],
  ];
  for (const [xShape, fShape, strides, pad, dilations] of cases) {
    const xData = randArray(r, xShape.reduce((a, b) => a * b));
    const fData = randArray(r, fShape.reduce((a, b) => a * b));
    const bData = randArray(r, fShape[3]);
    const compute = () =>
      tf.tidy(() => {
        const x = tf.tensor4d(xData, xShape);
        const f = tf.tensor4d(fData, fShape);
        const bias = tf.tensor1d(bData);
        const plain = (a: tf.Tensor, k: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, k as tf.Tensor4D, strides, pad, 'NHWC', dilations);
        const fused = tf.fused.conv2d({ x, filter: f, strides, pad, dilations, bias, activation: 'relu' });
        // tfjs has no conv2d gradient for dilations > 1: forward only there.
        const grads = dilations.every((d) => d === 1) ? tf.grads((a: tf.Tensor, k: tf.Tensor) => tf.sum(tf.square(plain(a, k))))([x, f]) : [];
        return tf.concat([plain(x, f), fused, ...grads].map((t) => tf.reshape(t, [-1])));
      });
    const want = await runOn('cpu', compute);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const got = await runOn('wasm', compute);
    assert.equal(tf.memory().numTensors, before);
    const err = relError(got, want);
    assert.ok(err <= 1e-5, `case ${JSON.stringify({ xShape, fShape, strides, pad, dilations })}: rel err ${err}`);
  }
});

test('columnSums (the leading-axes Sum/Mean): the same bits as summing each column in row order in float64', () => {
  const r = rng(808);
  for (const cols of [1, 3, 7, 8, 9, 16, 17, 128]) {
    const rows = 1 + Math.floor(r() * 300);
    const src = Float32Array.from({ length: rows * cols }, () => (r() * 2 - 1) * 10 ** Math.floor(r() * 6 - 3));
    const want = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let c = 0; c < cols; c++) want[c]! += src[i * cols + c]!;
    assert.deepEqual(columnSums(src, rows, cols), want, `cols ${cols}, rows ${rows}`);
  }
});
