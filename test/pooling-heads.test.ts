/**
 * Every pooling head against its formula, computed in float64 in this file, on random frame probabilities;
 * getConfig → fromConfig round trips; no tensor leaks. (Power pooling's own properties: pooling-power.test.ts.)
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import type { PoolingConfig, PoolingName } from '../src/config/types.ts';
import { createPoolingHead, POOLING_NAMES, type PoolingHead } from '../src/model/pooling/registry.ts';
import { rng } from './helpers/tensors.ts';

before(async () => {
  await tf.setBackend('cpu');
});

const B = 2;
const T = 7;
const C = 3;
const D = 4;
const cfg = (head: PoolingName, nInit = 1): PoolingConfig => ({ head, n_init: nInit, lambda: 0, lr: null, warmup_epochs: 0, unfreeze_f1: null });

/** y[b][t][c] in (0.01, 0.99) as nested float64 arrays plus the same values as a float32 tensor. */
function randomProbs(seed: number): { y: number[][][]; tensor: tf.Tensor3D } {
  const r = rng(seed);
  const y = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: C }, () => 0.01 + 0.98 * r())));
  return { y, tensor: tf.tensor3d(y) };
}

/** Float64 reference: clip[b][c] = Σ_t w_t·y_t / Σ_t w_t with weights w from `weight(b, t, c)`. */
function weighted(y: number[][][], weight: (b: number, t: number, c: number) => number): number[][] {
  return y.map((frames, b) =>
    Array.from({ length: C }, (_, c) => {
      let num = 0;
      let den = 0;
      frames.forEach((f, t) => {
        const w = weight(b, t, c);
        num += w * f[c]!;
        den += w;
      });
      return num / den;
    }),
  );
}

function assertClose(got: number[][], want: number[][], tol: number, what: string): void {
  got.forEach((row, b) =>
    row.forEach((v, c) => assert.ok(Math.abs(v - want[b]![c]!) <= tol, `${what}[${b}][${c}]: ${v} vs ${want[b]![c]}`)),
  );
}

function applyHead(head: PoolingHead, y: tf.Tensor3D, emb?: tf.Tensor3D): number[][] {
  const out = head.apply(head.takesEmbeddings ? [emb!, y] : y) as tf.Tensor;
  const v = out.arraySync() as number[][];
  out.dispose();
  return v;
}

test('max, average, linear softmax and exp softmax match their formulas', () => {
  const { y, tensor } = randomProbs(1);
  // Formulas from the issue: max_t y; mean_t y; Σy²/Σy (weights y); Σ y e^y / Σ e^y (weights e^y).
  const refs: Record<string, number[][]> = {
    max: y.map((f) => Array.from({ length: C }, (_, c) => Math.max(...f.map((r) => r[c]!)))),
    average: weighted(y, () => 1),
    linear_softmax: weighted(y, (b, t, c) => y[b]![t]![c]!),
    exp_softmax: weighted(y, (b, t, c) => Math.exp(y[b]![t]![c]!)),
  };
  for (const [name, want] of Object.entries(refs)) {
    const head = createPoolingHead(cfg(name as PoolingName), C);
    assertClose(applyHead(head, tensor), want, 1e-6, name);
  }
  tensor.dispose();
});

test('auto-pool with α = 0 is average pooling and with set α_c matches softmax_t(α_c y) weights', () => {
  const { y, tensor } = randomProbs(2);
  const head = createPoolingHead(cfg('auto_pool'), C);
  // Initial α_c = 0 (McFee 2018) → uniform weights → mean.
  assertClose(applyHead(head, tensor), weighted(y, () => 1), 1e-6, 'auto_pool α=0');
  const alpha = [-3, 0.5, 12];
  head.setWeights([tf.tensor1d(alpha)]);
  assertClose(applyHead(head, tensor), weighted(y, (b, t, c) => Math.exp(alpha[c]! * y[b]![t]![c]!)), 1e-6, 'auto_pool');
  assert.deepEqual(head.perClassParameters(), { name: 'alpha', values: alpha });
  tensor.dispose();
});

test('attention weights are a softmax over frames of a dense projection of the embeddings', () => {
  const { y, tensor } = randomProbs(3);
  const r = rng(33);
  const e = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: D }, () => 2 * r() - 1)));
  const kernel = Array.from({ length: D }, () => Array.from({ length: C }, () => 2 * r() - 1));
  const head = createPoolingHead(cfg('attention'), C);
  const embT = tf.tensor3d(e);
  applyHead(head, tensor, embT); // builds the weights
  head.setWeights([tf.tensor2d(kernel)]);
  // Logit z_tc = Σ_d e_td W_dc; weight exp(z_tc) (the softmax normaliser cancels in weighted()).
  const logit = (b: number, t: number, c: number) => e[b]![t]!.reduce((s, v, d) => s + v * kernel[d]![c]!, 0);
  assertClose(applyHead(head, tensor, embT), weighted(y, (b, t, c) => Math.exp(logit(b, t, c))), 1e-6, 'attention');
  assert.equal(head.perClassParameters(), null);
  tensor.dispose();
  embT.dispose();
});

test('every head: output shape, getConfig → fromConfig round trip with equal outputs, no tensor leak', () => {
  const { tensor } = randomProbs(4);
  const emb = tf.randomUniform([B, T, D], -1, 1, 'float32', 5) as tf.Tensor3D;
  for (const name of POOLING_NAMES) {
    const head = createPoolingHead(cfg(name, 0.7), C);
    const first = applyHead(head, tensor, emb); // first call builds the weights
    assert.equal(first.length, B, name);
    assert.equal(first[0]!.length, C, name);
    assert.deepEqual(head.computeOutputShape(head.takesEmbeddings ? [[null, T, D], [null, T, C]] : [null, T, C]), [null, C]);

    const before = tf.memory().numTensors;
    applyHead(head, tensor, emb);
    assert.equal(tf.memory().numTensors, before, `${name} leaks tensors`);

    const config = head.getConfig();
    const ctor = head.constructor as unknown as tf.serialization.SerializableConstructor<PoolingHead>;
    const clone = (ctor as unknown as { fromConfig: (c: unknown, d: unknown) => PoolingHead }).fromConfig(ctor, config);
    assert.deepEqual(clone.getConfig(), config, name);
    applyHead(clone, tensor, emb);
    clone.setWeights(head.getWeights());
    assertClose(applyHead(clone, tensor, emb), first, 0, `${name} clone`);
    if (name === 'power') assert.equal(config['nInit'], 0.7);
  }
  tensor.dispose();
  emb.dispose();
});

test('wrong class count or missing embeddings is a shape error naming the layer', () => {
  const head = createPoolingHead(cfg('power'), 4);
  assert.throws(() => head.apply(tf.zeros([1, 5, 3])), /pooling frame probabilities: expected shape \[batch, frames, 4\]/);
  const att = createPoolingHead(cfg('attention'), 3);
  assert.throws(() => att.apply(tf.zeros([1, 5, 3])), /expected shape 2 tensor/);
  assert.throws(() => createPoolingHead(cfg('power', -1), 3), /pooling\.n_init: must be ≥ 0/);
});
