/**
 * Backend selection, and the proof that every training op works on wasm: a full training step (forward,
 * gradients of BCE + λΣn², Adam) of a small CRNN with every conv activation and every pooling head runs on wasm,
 * and its loss and gradients equal the cpu backend's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { selectBackend } from '../src/backend/select.ts';
import { defaultThreads, MAX_WASM_THREADS } from '../src/backend/wasm-threads.ts';
import { loadTensorflowNode } from '../src/backend/tensorflow-node.ts';
import type { NetConfig, PoolingName } from '../src/config/types.ts';
import { buildCrnn, poolingHeadOf } from '../src/model/crnn.ts';
import { PowerPooling } from '../src/model/pooling/power-pooling.ts';
import { SedError } from '../src/errors.ts';
import { rng } from './helpers/tensors.ts';

test("explicit 'tensorflow' without tfjs-node fails with one line naming the setup command", async (t) => {
  const status = await loadTensorflowNode();
  if (status.ok) return t.skip('the native tensorflow backend is installed here (tensorflow-parity.test.ts covers it)');
  await assert.rejects(selectBackend('tensorflow'), (err: unknown) => {
    assert.ok(err instanceof SedError);
    assert.match(err.message, /^backend 'tensorflow' is not available: .*run `npm run setup:tensorflow` \(CPU\) or `npm run setup:tensorflow -- --gpu` \(CUDA\)/);
    assert.ok(!err.message.includes('\n'));
    return true;
  });
});

test('auto falls back to wasm with SIMD when tfjs-node is absent; cpu and wasm can be asked for', async () => {
  const auto = await selectBackend('auto');
  assert.ok(['tensorflow', 'wasm'].includes(auto.backend), auto.reason);
  // wasm computes on defaultThreads() threads (every core unless OMP_NUM_THREADS says otherwise; wasm-threads.test.ts).
  const threads = Math.min(defaultThreads(), MAX_WASM_THREADS);
  if (auto.backend === 'wasm') assert.match(auto.reason, new RegExp(`^no native tensorflow backend \\(.+\\); wasm with SIMD, ${threads} threads?$`));
  else assert.match(auto.reason, /^fastest available: libtensorflow \d+\.\d+\.\d+ on the (CPU|GPU)/);
  assert.equal(tf.getBackend(), auto.backend);
  assert.deepEqual(await selectBackend('cpu'), { backend: 'cpu', reason: 'requested' });
  assert.equal(tf.getBackend(), 'cpu');
  assert.equal((await selectBackend('wasm')).backend, 'wasm');
});

function net(activation: 'relu' | 'glu' | 'leaky_relu'): NetConfig {
  return {
    conv: [
      { filters: 3, kernel: [3, 3], batch_norm: true, activation, pool: [2, 2], dropout: 0 },
      { filters: 4, kernel: [3, 3], batch_norm: true, activation, pool: [1, 2], dropout: 0 },
    ],
    rnn: { type: 'bigru', units: 3, layers: 1, dropout: 0 },
    dropout: 0,
  };
}

/** Clip BCE + frame BCE (+ λ Σ n² for power), with the model in training mode (BatchNorm batch statistics). */
function lossFn(model: LayersModel, x: tf.Tensor, yClip: tf.Tensor, yFrame: tf.Tensor): () => tf.Scalar {
  const bce = (p: tf.Tensor, y: tf.Tensor) => {
    const q = tf.clipByValue(p, 1e-7, 1 - 1e-7);
    return tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q))))));
  };
  return () => {
    const [frame, clip] = model.apply(x, { training: true }) as tf.Tensor[];
    let loss = tf.add(bce(clip!, yClip), bce(frame!, yFrame));
    const head = poolingHeadOf(model);
    if (head instanceof PowerPooling) loss = tf.add(loss, head.regularizationLoss(0.01));
    return loss as tf.Scalar;
  };
}

interface Setup {
  head: PoolingName;
  activation: 'relu' | 'glu' | 'leaky_relu';
}

/**
 * Builds the model on `backend` with the given weights (or its own initial ones), and returns the loss, every
 * gradient and the weights. Everything is created on the backend it runs on: tensors moved across backends
 * are not what training does (and a bool→float32 cast made on cpu reads back as garbage on wasm, tfjs 4.22).
 */
async function stepOn(backend: 'cpu' | 'wasm', setup: Setup, weights: Float32Array[] | null) {
  await selectBackend(backend);
  const model = buildCrnn({
    net: net(setup.activation),
    pooling: { head: setup.head, n_init: 1, lambda: 0.01, lr: null, warmup_epochs: 0, unfreeze_f1: null },
    nMels: 8,
    nClasses: 2,
    frames: 8,
  });
  if (weights) model.setWeights(weights.map((w, i) => tf.tensor(w, model.weights[i]!.shape as number[])));
  const initial = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const r = rng(3);
  const x = tf.tensor3d(Float32Array.from({ length: 2 * 8 * 8 }, () => 2 * r() - 1), [2, 8, 8]);
  const yClip = tf.tensor2d([[1, 0], [1, 1]]);
  const yFrame = tf.tensor3d([[[1, 0], [1, 0], [0, 0], [1, 1]], [[0, 1], [1, 1], [1, 0], [0, 1]]]);
  const f = lossFn(model, x, yClip, yFrame);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(f, vars);
  const out = {
    loss: value.dataSync()[0]!,
    names: model.trainableWeights.map((w) => w.originalName),
    grads: vars.map((v) => Float32Array.from(grads[v.name]!.dataSync())),
    initial,
  };
  tf.dispose([value, ...Object.values(grads)]);
  // The optimizer step itself (Adam's kernels) on this backend, then the n ≥ 0 projection.
  const opt = tf.train.adam(1e-3);
  opt.minimize(f, true, vars)?.dispose();
  const h = poolingHeadOf(model);
  if (h instanceof PowerPooling) h.projectNonNegative();
  opt.dispose();
  tf.dispose([x, yClip, yFrame]);
  model.dispose();
  return out;
}

const cases: Array<[PoolingName, 'relu' | 'glu' | 'leaky_relu']> = [
  ['max', 'relu'],
  ['average', 'leaky_relu'],
  ['linear_softmax', 'glu'],
  ['exp_softmax', 'relu'],
  ['attention', 'glu'],
  ['auto_pool', 'leaky_relu'],
  ['power', 'relu'],
];

test('a CRNN training step runs on wasm for every head and activation, with cpu-equal loss and gradients', async () => {
  for (const [head, activation] of cases) {
    const cpu = await stepOn('cpu', { head, activation }, null);
    const wasm = await stepOn('wasm', { head, activation }, cpu.initial);
    assert.ok(Math.abs(cpu.loss - wasm.loss) <= 1e-5 * Math.abs(cpu.loss), `${head}/${activation} loss ${cpu.loss} vs ${wasm.loss}`);
    cpu.grads.forEach((g, i) => {
      const scale = Math.max(...g.map(Math.abs), 1e-6);
      const err = Math.max(...g.map((v, j) => Math.abs(v - wasm.grads[i]![j]!)));
      if (process.env.DBG) console.log('E', head, cpu.names[i], err / scale);
      else assert.ok(err / scale <= 1e-3, `${head}/${activation} ${cpu.names[i]}: rel err ${err / scale}`);
    });
  }
});
