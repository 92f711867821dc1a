import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../src/backend/select.ts';
import type { NetConfig, PoolingConfig } from '../src/config/types.ts';
import { buildCrnn } from '../src/model/crnn.ts';
import { accumulateGradients, microBatchRanges, sliceBatch, stepProbe, trainStep, type LossSettings } from '../src/train/accumulate.ts';
import type { Batch, BatchShape } from '../src/data/batch.ts';
import { poolingHooks } from '../src/model/pooling-hooks.ts';
import { Rng, withMathRandom } from '../src/util/rng.ts';
import { rng } from './helpers/tensors.ts';

// A CRNN without batch norm or dropout (the layers for which accumulation is exact), power pooling, 3 classes.
const net: NetConfig = {
  conv: [
    { filters: 4, kernel: [3, 3], batch_norm: false, activation: 'relu', pool: [2, 2], dropout: 0 },
    { filters: 4, kernel: [3, 3], batch_norm: false, activation: 'glu', pool: [2, 2], dropout: 0 },
  ],
  rnn: { type: 'bigru', units: 4, layers: 1, dropout: 0 },
  dropout: 0,
};
const pooling: PoolingConfig = { head: 'power', n_init: 1.5, lambda: 0.01, lr: null, warmup_epochs: 0, unfreeze_f1: null };
const shape: BatchShape = { frames: 16, nMels: 8, outFrames: 4, outGrid: { sampleRateHz: 16000, hopSamples: 400, timePool: 4 } };
const C = 3;
const settings: LossSettings = { lambda: 0.01, strongWeight: 0.7, consistencyWeight: 1.3 };

const build = (seed: number) => withMathRandom(new Rng(seed), async () => buildCrnn({ net, pooling, nMels: shape.nMels, nClasses: C, frames: shape.frames }));

/** 7 clips in the DCASE 2019 mix: weak-only (W), synthetic strong (S, weak labels too), unlabeled (U): W S U U W S U. */
function makeBatch(seed: number): Batch {
  const r = rng(seed);
  const size = 7;
  const weakMask = Float32Array.from([1, 1, 0, 0, 1, 1, 0]);
  const strongMask = Float32Array.from([0, 1, 0, 0, 0, 1, 0]);
  const x = Float32Array.from({ length: size * shape.frames * shape.nMels }, () => 2 * r() - 1);
  const yWeak = Float32Array.from({ length: size * C }, (_, i) => (weakMask[Math.floor(i / C)] && r() < 0.5 ? 1 : 0));
  const perRow = shape.outFrames * C;
  const yStrong = Float32Array.from({ length: size * perRow }, (_, i) => (strongMask[Math.floor(i / perRow)] && r() < 0.4 ? 1 : 0));
  return { x, yWeak, yStrong, weakMask, strongMask, size, clips: [] };
}

/**
 * The one-batch objective written independently of src/train (gathered rows and plain means instead of masked sums):
 * mean BCE over weak rows × classes + w_s · mean BCE over strong rows × frames × classes
 * + w_c · (mean (clip − teacher clip)² + mean (frame − teacher frame)²) over all rows + λ Σ n².
 */
function referenceObjective(model: tfl.LayersModel, teacherOut: tf.Tensor[], batch: Batch, s: LossSettings, nVar: tf.Variable): tf.Scalar {
  const x = tf.tensor3d(batch.x, [batch.size, shape.frames, shape.nMels]);
  const [frame, clip] = model.apply(x, { training: true }) as tf.Tensor[];
  // rows picked by slicing (tf.gather has no gradient kernel on wasm)
  const rowsWhere = (mask: Float32Array) => [...mask.keys()].filter((i) => mask[i]! > 0);
  const gather = (t: tf.Tensor, rows: number[]) => tf.concat(rows.map((r) => tf.slice(t, r, 1)));
  const bce = (y: tf.Tensor, p: tf.Tensor) => {
    const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
    return tf.neg(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q)))));
  };
  const weakRows = rowsWhere(batch.weakMask);
  const strongRows = rowsWhere(batch.strongMask);
  const clipBce = tf.mean(bce(gather(tf.tensor2d(batch.yWeak, [batch.size, C]), weakRows), gather(clip, weakRows)));
  const frameBce = tf.mean(bce(gather(tf.tensor3d(batch.yStrong, [batch.size, shape.outFrames, C]), strongRows), gather(frame, strongRows)));
  const consistency = tf.add(tf.mean(tf.squaredDifference(clip, teacherOut[1])), tf.mean(tf.squaredDifference(frame, teacherOut[0])));
  const reg = tf.mul(s.lambda, tf.sum(tf.square(nVar)));
  return tf.addN([clipBce, tf.mul(s.strongWeight, frameBce), tf.mul(s.consistencyWeight, consistency), reg]) as tf.Scalar;
}

const trainable = (m: tfl.LayersModel) => m.trainableWeights.map((w) => w.read() as tf.Variable);
const nVariable = (m: tfl.LayersModel) => poolingHooks(m).head.trainableWeights[0]!.read() as tf.Variable;

/** max |a − b| over a tensor, and max |b|: the tolerance is relative to the largest entry of the reference. */
function assertClose(what: string, got: tf.Tensor | Float32Array, want: tf.Tensor | Float32Array, rel: number) {
  const a = got instanceof Float32Array ? got : (got.dataSync() as Float32Array);
  const b = want instanceof Float32Array ? want : (want.dataSync() as Float32Array);
  assert.equal(a.length, b.length, `${what}: length`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  assert.ok(scale > 0, `${what}: the reference is all zero, the comparison would prove nothing`);
  assert.ok(diff <= rel * scale, `${what}: max |diff| ${diff} > ${rel} × max |ref| ${scale}`);
}

test('micro-batch ranges cover the batch in order; slices are views of the rows', () => {
  assert.deepEqual(microBatchRanges(7, 3), [[0, 3], [3, 6], [6, 7]]);
  assert.deepEqual(microBatchRanges(24, 24), [[0, 24]]);
  assert.deepEqual(microBatchRanges(2, 5), [[0, 2]]);
  assert.throws(() => microBatchRanges(4, 0), RangeError);
  const b = makeBatch(1);
  const s = sliceBatch(b, 3, 6);
  assert.equal(s.size, 3);
  assert.deepEqual([...s.weakMask], [0, 1, 1]);
  assert.equal(s.x[0], b.x[3 * shape.frames * shape.nMels]);
  assert.equal(s.yStrong.length, 3 * shape.outFrames * C);
});

for (const backend of ['cpu', 'wasm'] as const) {
  test(`${backend}: gradients summed over micro-batches of 1, 2, 3 and 7 clips equal the one-batch gradient`, async () => {
    await selectBackend(backend);
    const model = await build(11);
    const teacher = await build(12); // other weights, so the consistency term and its gradient are not zero
    const batch = makeBatch(5);
    const x = tf.tensor3d(batch.x, [batch.size, shape.frames, shape.nMels]);
    const teacherOut = teacher.apply(x, { training: true }) as tf.Tensor[];
    const vars = trainable(model);
    const ref = tf.variableGrads(() => referenceObjective(model, teacherOut, batch, settings, nVariable(model)), vars);
    const refClip = (model.apply(x) as tf.Tensor[])[1]!;
    const before = tf.memory().numTensors;
    for (const micro of [1, 2, 3, 7]) {
      const acc = accumulateGradients(model, teacher, poolingHooks(model), batch, shape, vars, settings, micro);
      assert.deepEqual(Object.keys(acc.grads).sort(), Object.keys(ref.grads).sort());
      // float32 sums in another order: 1e-4 of the largest entry of each gradient (measured ≤ 1e-6 on cpu)
      for (const [name, g] of Object.entries(ref.grads)) assertClose(`micro ${micro}, ∂/∂${name}`, acc.grads[name]!, g, 1e-4);
      assertClose(`micro ${micro}, loss`, Float32Array.of(acc.losses.loss!), ref.value, 1e-5);
      assertClose(`micro ${micro}, clip probabilities`, acc.clipProb, refClip, 1e-5);
      tf.dispose(Object.values(acc.grads));
    }
    assert.equal(tf.memory().numTensors, before, 'accumulation leaves no tensor behind');
    tf.dispose([x, ...teacherOut, ref.value, ...Object.values(ref.grads), refClip]);
    model.dispose();
    teacher.dispose();
  });
}

test('cpu: two accumulated steps (micro-batch 3) update the weights like two one-batch steps; the pooling optimiser and the per-class gate apply to the sum', async () => {
  await selectBackend('cpu');
  const a = await build(21);
  const b = await build(99);
  b.setWeights(a.getWeights());
  const teacher = await build(22);
  const start = a.getWeights().map((w) => w.clone());
  const gate = [1, 0, 1];
  // SGD, so the weights follow the gradients linearly; Adam's first step is lr · sign(g), which would hide a scale error
  const optimizers = (m: tfl.LayersModel) => ({ main: tf.train.sgd(0.1), pooling: tf.train.sgd(0.5), model: m });
  const ref = optimizers(a);
  const acc = optimizers(b);
  const poolingNames = (m: tfl.LayersModel) => new Set(poolingHooks(m).head.trainableWeights.map((w) => (w.read() as tf.Variable).name));
  for (const seed of [31, 32]) {
    const batch = makeBatch(seed);
    // reference: the one-batch gradient, routed and gated here
    const x = tf.tensor3d(batch.x, [batch.size, shape.frames, shape.nMels]);
    const teacherOut = teacher.apply(x, { training: true }) as tf.Tensor[];
    const { value, grads } = tf.variableGrads(() => referenceObjective(a, teacherOut, batch, settings, nVariable(a)), trainable(a));
    const pool = poolingNames(a);
    const main: tf.NamedTensorMap = {};
    const poolGrads: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) {
      if (pool.has(name)) poolGrads[name] = tf.mul(g, tf.tensor1d(gate));
      else main[name] = g;
    }
    ref.main.applyGradients(main);
    ref.pooling.applyGradients(poolGrads);
    tf.dispose([x, value, ...teacherOut, ...Object.values(grads), ...Object.values(poolGrads)]);

    trainStep(b, teacher, poolingHooks(b), batch, shape, trainable(b), poolingNames(b), { ...settings, main: acc.main, pooling: acc.pooling, poolingGate: gate }, 3);
  }
  const wa = a.getWeights();
  const wb = b.getWeights();
  // the gated class's n stays at n_init exactly, the free ones moved
  const n = nVariable(b).dataSync();
  assert.equal(n[1], Math.fround(1.5));
  assert.ok(Math.abs(n[0]! - 1.5) > 1e-4 && Math.abs(n[2]! - 1.5) > 1e-4, `n ${n}`);
  wa.forEach((w, i) => {
    // compare the change from the start (≈ lr · gradient), within 1e-4 of its largest entry
    if (a.weights[i]!.name.includes('/n')) return; // checked above: n_c's gated entry does not move at all
    assertClose(`change of ${a.weights[i]!.name}`, tf.sub(wb[i]!, start[i]!), tf.sub(w, start[i]!), 1e-4);
  });
});

test('the memory probe restores every weight (batch norm moving statistics included) and leaves no tensor', async () => {
  await selectBackend('cpu');
  const bnNet: NetConfig = { ...net, conv: net.conv.map((c) => ({ ...c, batch_norm: true })) };
  const model = await withMathRandom(new Rng(3), async () => buildCrnn({ net: bnNet, pooling, nMels: shape.nMels, nClasses: C, frames: shape.frames }));
  const before = model.getWeights().map((w) => w.dataSync().slice());
  const tensors = tf.memory().numTensors;
  const probe = stepProbe(model, null, poolingHooks(model), makeBatch(7), shape, trainable(model));
  probe(1);
  probe(2);
  assert.equal(tf.memory().numTensors, tensors);
  model.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), before[i], `weight ${model.weights[i]!.name}`));
});
