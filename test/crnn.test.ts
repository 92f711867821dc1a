/**
 * CRNN builder: output names and shapes for every head and activation, a float64 hand-built forward pass of a
 * 1-filter / 1-unit network, variable-length input, and a save → load round trip through an in-memory IOHandler.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadLayersModel, type LayersModel } from '@tensorflow/tfjs-layers';
import type { NetConfig, PoolingConfig, PoolingName } from '../src/config/types.ts';
import { buildCrnn, poolingHeadOf, timePoolingFactor } from '../src/model/crnn.ts';
import { POOLING_NAMES } from '../src/model/pooling/registry.ts';

before(async () => {
  await tf.setBackend('cpu');
});

const pooling = (head: PoolingName): PoolingConfig => ({ head, n_init: 1, lambda: 0, lr: null, warmup_epochs: 0, unfreeze_f1: null });

function tinyNet(activation: 'relu' | 'glu' | 'leaky_relu' = 'relu'): NetConfig {
  return {
    conv: [
      { filters: 4, kernel: [3, 3], batch_norm: true, activation, pool: [2, 2], dropout: 0.1 },
      { filters: 6, kernel: [3, 3], batch_norm: false, activation, pool: [2, 4], dropout: 0 },
    ],
    rnn: { type: 'bigru', units: 5, layers: 2, dropout: 0.2 },
    dropout: 0.3,
  };
}

function predict(model: LayersModel, x: tf.Tensor): [number[][][], number[][]] {
  const [frame, clip] = model.predict(x) as tf.Tensor[];
  const out: [number[][][], number[][]] = [frame!.arraySync() as number[][][], clip!.arraySync() as number[][]];
  tf.dispose([frame!, clip!]);
  return out;
}

test('timePoolingFactor is the product of the time pools', () => {
  assert.equal(timePoolingFactor(tinyNet()), 4);
});

test('every head in the CRNN: outputs frame_prob [B, T/4, C] and clip_prob [B, C], probabilities in [0, 1]', () => {
  const x = tf.randomNormal([2, 16, 32], 0, 1, 'float32', 7);
  for (const head of POOLING_NAMES) {
    const model = buildCrnn({ net: tinyNet(), pooling: pooling(head), nMels: 32, nClasses: 3, frames: 16 });
    assert.deepEqual(model.outputNames, ['frame_prob', 'clip_prob'], head);
    const [frame, clip] = predict(model, x);
    assert.deepEqual([frame.length, frame[0]!.length, frame[0]![0]!.length], [2, 4, 3], head);
    assert.deepEqual([clip.length, clip[0]!.length], [2, 3], head);
    for (const v of clip.flat()) assert.ok(v >= 0 && v <= 1, `${head}: ${v}`);
    model.dispose();
  }
  x.dispose();
});

test('GLU and leaky ReLU blocks build; GLU convs carry twice the filters', () => {
  const x = tf.randomNormal([1, 8, 32], 0, 1, 'float32', 8);
  for (const act of ['glu', 'leaky_relu'] as const) {
    const model = buildCrnn({ net: tinyNet(act), pooling: pooling('attention'), nMels: 32, nClasses: 2, frames: null });
    const kernel = model.getLayer('conv2').getWeights()[0]!;
    assert.deepEqual(kernel.shape, [3, 3, 4, act === 'glu' ? 12 : 6]);
    const [frame] = predict(model, x);
    assert.equal(frame.length * frame[0]!.length, 2, act);
    model.dispose();
  }
  x.dispose();
});

test('frames = null accepts any length divisible by the time pooling', () => {
  const model = buildCrnn({ net: tinyNet(), pooling: pooling('power'), nMels: 32, nClasses: 3 });
  for (const frames of [8, 20]) {
    const x = tf.randomNormal([1, frames, 32]);
    const [frame] = predict(model, x);
    assert.equal(frame[0]!.length, frames / 4);
    x.dispose();
  }
  model.dispose();
});

test('a 1-filter, 1-unit CRNN equals its float64 forward pass written out by hand', () => {
  const net: NetConfig = {
    conv: [{ filters: 1, kernel: [1, 1], batch_norm: false, activation: 'relu', pool: [1, 1], dropout: 0 }],
    rnn: { type: 'bigru', units: 1, layers: 1, dropout: 0 },
    dropout: 0,
  };
  const model = buildCrnn({ net, pooling: pooling('linear_softmax'), nMels: 2, nClasses: 2, frames: 3 });
  const w = 0.8;
  const b = -0.1;
  model.getLayer('conv1').setWeights([tf.tensor4d([w], [1, 1, 1, 1]), tf.tensor1d([b])]);
  // Per direction: kernel [2 inputs, 3 gates (z, r, h)], recurrent [1, 3], bias [3] (Keras gate order z, r, h).
  const fw = { k: [[0.5, -0.3, 0.9], [0.2, 0.4, -0.7]], u: [0.6, -0.5, 0.3], bias: [0.1, 0.0, -0.2] };
  const bw = { k: [[-0.4, 0.7, 0.3], [0.1, -0.2, 0.5]], u: [-0.3, 0.2, 0.8], bias: [0.0, 0.3, 0.1] };
  const gruW = (d: typeof fw) => [tf.tensor2d(d.k), tf.tensor2d([d.u]), tf.tensor1d(d.bias)];
  model.getLayer('bigru1').setWeights([...gruW(fw), ...gruW(bw)]);
  const dense = { k: [[1.2, -0.7], [-0.5, 0.9]], bias: [0.05, -0.1] };
  model.getLayer('frame_prob').setWeights([tf.tensor2d(dense.k), tf.tensor1d(dense.bias)]);

  const input = [[0.5, -1.0], [1.5, 0.25], [-0.2, 0.9]];
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const seq = input.map((row) => row.map((v) => Math.max(0, w * v + b))); // 1×1 conv + ReLU, freq·filters = 2
  const runGru = (d: typeof fw, xs: number[][]) => {
    let h = 0;
    return xs.map((xv) => {
      const gate = (g: number) => xv[0]! * d.k[0]![g]! + xv[1]! * d.k[1]![g]! + d.bias[g]!;
      const z = sig(gate(0) + h * d.u[0]!);
      const r = sig(gate(1) + h * d.u[1]!);
      const hh = Math.tanh(gate(2) + r * h * d.u[2]!); // reset before the recurrent product (tfjs, resetAfter false)
      h = z * h + (1 - z) * hh;
      return h;
    });
  };
  const hf = runGru(fw, seq);
  const hb = runGru(bw, [...seq].reverse()).reverse(); // backward outputs re-aligned with time
  const frame = hf.map((f, t) => [0, 1].map((c) => sig(f * dense.k[0]![c]! + hb[t]! * dense.k[1]![c]! + dense.bias[c]!)));
  const clip = [0, 1].map((c) => {
    const col = frame.map((r) => r[c]!);
    return col.reduce((s, y) => s + y * y, 0) / (col.reduce((s, y) => s + y, 0) + 1e-7);
  });

  const x = tf.tensor3d([input]);
  const [gotFrame, gotClip] = predict(model, x);
  gotFrame[0]!.forEach((row, t) => row.forEach((v, c) => assert.ok(Math.abs(v - frame[t]![c]!) < 1e-6, `frame ${t},${c}`)));
  gotClip[0]!.forEach((v, c) => assert.ok(Math.abs(v - clip[c]!) < 1e-6, `clip ${c}`));
  x.dispose();
  model.dispose();
});

test('save → loadLayersModel through an in-memory IOHandler gives identical outputs (power head, GLU, BN)', async () => {
  for (const head of ['power', 'attention', 'auto_pool'] as const) {
    const model = buildCrnn({ net: tinyNet('glu'), pooling: pooling(head), nMels: 32, nClasses: 3, frames: 16 });
    const params = poolingHeadOf(model).perClassParameters();
    if (params) poolingHeadOf(model).setWeights([tf.tensor1d([0.3, 1.7, 2.5])]);
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await loadLayersModel(tf.io.fromMemory(saved!));
    const x = tf.randomNormal([2, 16, 32], 0, 1, 'float32', 9);
    assert.deepEqual(predict(loaded, x), predict(model, x), head);
    assert.deepEqual(poolingHeadOf(loaded).perClassParameters(), poolingHeadOf(model).perClassParameters());
    if (params) assert.deepEqual(poolingHeadOf(loaded).perClassParameters()!.values.map((v) => Math.round(v * 10) / 10), [0.3, 1.7, 2.5]);
    tf.dispose([x]);
    model.dispose();
    loaded.dispose();
  }
});
