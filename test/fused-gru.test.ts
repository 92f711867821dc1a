/**
 * FusedBiGru (src/model/fused-bi-gru.ts): output and every gradient (∂x and each of the six weights) against
 *   (a) a float64 GRU written out below, with gradients by central finite differences in float64,
 *   (b) the layer's own per-step tf-ops path (biGruTfOps, autodiff), which non-wasm/cpu backends run,
 *   (c) tfjs-layers' bidirectional(gru({recurrentActivation: 'sigmoid'})) given the same six weight arrays,
 * on cpu and wasm, batch 1 and 3, sequences of length 1 and 7. Relative error = max |got − want| / max |want|,
 * ≤ 1e-4 (float32 against float64 or against float32 sums in another order). Plus getConfig → fromConfig,
 * a model save → load round trip, no tensor leaks, and a CRNN training step whose gradients on wasm equal cpu's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { input, layers, loadLayersModel, model as functionalModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { selectBackend } from '../src/backend/select.ts';
import type { NetConfig } from '../src/config/types.ts';
import { buildCrnn } from '../src/model/crnn.ts';
import { FusedBiGru, fusedBiGru } from '../src/model/fused-bi-gru.ts';
import { biGruTfOps, type GruWeights } from '../src/model/gru-math.ts';
import '../src/model/tensor-chained-ops.ts';
import { rng } from './helpers/tensors.ts';

const TOL = 1e-4;

function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length);
  let err = 0;
  let scale = 1e-12;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return err / scale;
}

/** A problem: x [batch, frames, dims], the six weight arrays (tfjs layout and order), and ∂L/∂output. */
interface Problem {
  batch: number;
  frames: number;
  dims: number;
  units: number;
  x: number[];
  /** forward kernel [dims, 3u], recurrent [u, 3u], bias [3u], then the backward ones. */
  w: number[][];
  dy: number[];
}

function problem(batch: number, frames: number, dims: number, units: number, seed: number): Problem {
  const r = rng(seed);
  const uni = (n: number, s: number) => Array.from({ length: n }, () => s * (2 * r() - 1));
  const dir = () => [uni(dims * 3 * units, 0.8), uni(units * 3 * units, 0.8), uni(3 * units, 0.5)];
  return {
    batch, frames, dims, units,
    x: uni(batch * frames * dims, 1.5),
    w: [...dir(), ...dir()],
    dy: uni(batch * frames * 2 * units, 1),
  };
}

/** The float64 reference: tfjs-layers' GRU (reset before the recurrent product), both directions concatenated. */
function referenceForward(p: Problem, x: number[], w: number[][]): number[] {
  const { batch, frames, dims, units: n } = p;
  const out = new Array<number>(batch * frames * 2 * n).fill(0);
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  for (const dir of [0, 1]) {
    const [k, u, bias] = [w[3 * dir]!, w[3 * dir + 1]!, w[3 * dir + 2]!];
    for (let b = 0; b < batch; b++) {
      let h = new Array<number>(n).fill(0);
      for (let s = 0; s < frames; s++) {
        const t = dir === 0 ? s : frames - 1 - s;
        const xt = x.slice((b * frames + t) * dims, (b * frames + t + 1) * dims);
        const proj = (g: number, j: number) => xt.reduce((acc, xv, d) => acc + xv * k[d * 3 * n + g * n + j]!, bias[g * n + j]!);
        const rec = (vec: number[], g: number, j: number) => vec.reduce((acc, hv, i) => acc + hv * u[i * 3 * n + g * n + j]!, 0);
        const z = h.map((_, j) => sig(proj(0, j) + rec(h, 0, j)));
        const rr = h.map((_, j) => sig(proj(1, j) + rec(h, 1, j)));
        const rh = h.map((hv, j) => rr[j]! * hv);
        const hh = h.map((_, j) => Math.tanh(proj(2, j) + rec(rh, 2, j)));
        h = h.map((hv, j) => z[j]! * hv + (1 - z[j]!) * hh[j]!);
        h.forEach((hv, j) => (out[(b * frames + t) * 2 * n + dir * n + j] = hv));
      }
    }
  }
  return out;
}

/** L = Σ output ⊙ dy in float64; its gradients by central differences (step 1e-6: error ~1e-9 at these scales). */
function referenceGrads(p: Problem): number[][] {
  const loss = (x: number[], w: number[][]) => referenceForward(p, x, w).reduce((s, v, i) => s + v * p.dy[i]!, 0);
  const eps = 1e-6;
  const fd = (arr: number[], f: (a: number[]) => number) =>
    arr.map((_, i) => {
      const plus = arr.slice();
      const minus = arr.slice();
      plus[i]! += eps;
      minus[i]! -= eps;
      return (f(plus) - f(minus)) / (2 * eps);
    });
  return [
    fd(p.x, (x) => loss(x, p.w)),
    ...p.w.map((_, wi) => fd(p.w[wi]!, (a) => loss(p.x, p.w.map((v, j) => (j === wi ? a : v))))),
  ];
}

function weightShapes(p: Problem): number[][] {
  const d = [[p.dims, 3 * p.units], [p.units, 3 * p.units], [3 * p.units]];
  return [...d, ...d];
}

type Impl = (x: tf.Tensor3D, f: GruWeights, b: GruWeights) => tf.Tensor3D;

/** Output and [∂x, ∂weights…] of L = Σ impl(x) ⊙ dy on the current backend. */
function runImpl(impl: Impl, p: Problem): { y: Float32Array; grads: Float32Array[] } {
  return tf.tidy(() => {
    const x = tf.tensor3d(p.x, [p.batch, p.frames, p.dims]);
    const ws = p.w.map((w, i) => tf.tensor(w, weightShapes(p)[i]!));
    const dy = tf.tensor3d(p.dy, [p.batch, p.frames, 2 * p.units]);
    const asWeights = (o: number): GruWeights => ({ kernel: ws[o] as tf.Tensor2D, recurrentKernel: ws[o + 1] as tf.Tensor2D, bias: ws[o + 2] as tf.Tensor1D });
    const f = (...a: tf.Tensor[]) => {
      const y = impl(a[0] as tf.Tensor3D, { kernel: a[1] as tf.Tensor2D, recurrentKernel: a[2] as tf.Tensor2D, bias: a[3] as tf.Tensor1D },
        { kernel: a[4] as tf.Tensor2D, recurrentKernel: a[5] as tf.Tensor2D, bias: a[6] as tf.Tensor1D });
      return tf.sum(tf.mul(y, dy));
    };
    const y = impl(x, asWeights(0), asWeights(3));
    const grads = tf.grads(f)([x, ...ws]);
    return { y: Float32Array.from(y.dataSync()), grads: grads.map((g) => Float32Array.from(g.dataSync())) };
  });
}

/**
 * A layer given the problem's six weights: output and [∂x, ∂weights…] of L = Σ layer(x) ⊙ dy, with x as a
 * variable beside the layer's own, all differentiated by variableGrads (the path training takes).
 */
function runLayer(layer: layers.Layer, p: Problem): { y: Float32Array; grads: Float32Array[] } {
  layer.build([null, p.frames, p.dims]);
  layer.setWeights(p.w.map((w, i) => tf.tensor(w, weightShapes(p)[i]!)));
  const x = tf.variable(tf.tensor3d(p.x, [p.batch, p.frames, p.dims]));
  const out = tf.tidy(() => {
    const dy = tf.tensor3d(p.dy, [p.batch, p.frames, 2 * p.units]);
    const vars = [x, ...layer.weights.map((w) => w.read() as tf.Variable)];
    const y = layer.apply(x) as tf.Tensor;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, dy)) as tf.Scalar, vars);
    return { y: Float32Array.from(y.dataSync()), grads: vars.map((v) => Float32Array.from(grads[v.name]!.dataSync())) };
  });
  x.dispose();
  layer.weights.forEach((w) => w.dispose());
  return out;
}

const NAMES = ['x', 'forward kernel', 'forward recurrent kernel', 'forward bias', 'backward kernel', 'backward recurrent kernel', 'backward bias'];
const SHAPES: Array<[batch: number, frames: number, dims: number, units: number]> = [[1, 1, 3, 2], [3, 1, 2, 3], [1, 7, 3, 2], [3, 7, 4, 3]];

test('fused output and every gradient equal the float64 reference and the tf-ops path (cpu, wasm; T = 1 and 7)', async () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    await selectBackend(backend);
    SHAPES.forEach(([batch, frames, dims, units], i) => {
      const p = problem(batch, frames, dims, units, 11 + i);
      const label = `${backend} B${batch} T${frames} D${dims} U${units}`;
      const fused = runImpl(fusedBiGru, p);
      const ops = runImpl(biGruTfOps, p);
      const refY = referenceForward(p, p.x, p.w);
      const refG = referenceGrads(p);
      assert.ok(relErr(fused.y, refY) <= TOL, `${label} output vs float64: ${relErr(fused.y, refY)}`);
      assert.ok(relErr(ops.y, refY) <= TOL, `${label} tf-ops output vs float64: ${relErr(ops.y, refY)}`);
      NAMES.forEach((name, g) => {
        assert.ok(relErr(fused.grads[g]!, refG[g]!) <= TOL, `${label} ∂${name} vs float64: ${relErr(fused.grads[g]!, refG[g]!)}`);
        assert.ok(relErr(fused.grads[g]!, ops.grads[g]!) <= TOL, `${label} ∂${name} vs tf ops: ${relErr(fused.grads[g]!, ops.grads[g]!)}`);
      });
    });
  }
});

test("the same six weights give tfjs-layers' bidirectional GRU's output and gradients (weights interchangeable)", async () => {
  await selectBackend('cpu');
  // Not frames = 1: tfjs-layers' GRU cannot be differentiated then (its Unpack gradient throws, tfjs 4.22).
  for (const [batch, frames, dims, units] of [[2, 7, 3, 2], [1, 2, 2, 3]] as const) {
    const p = problem(batch, frames, dims, units, 5);
    const fused = runLayer(new FusedBiGru({ units }), p);
    const bi = layers.bidirectional({ layer: layers.gru({ units, returnSequences: true, recurrentActivation: 'sigmoid' }), mergeMode: 'concat' });
    const ref = runLayer(bi, p);
    assert.ok(relErr(fused.y, ref.y) <= TOL, `output: ${relErr(fused.y, ref.y)}`);
    NAMES.forEach((name, g) => assert.ok(relErr(fused.grads[g]!, ref.grads[g]!) <= TOL, `∂${name}: ${relErr(fused.grads[g]!, ref.grads[g]!)}`));
  }
});

test('FusedBiGru: output shape, getConfig → fromConfig, save → load round trip, no tensor leaks', async () => {
  await selectBackend('wasm');
  const features = input({ shape: [null, 4] });
  const gru = new FusedBiGru({ units: 3, name: 'bigru' });
  const out = gru.apply(features) as SymbolicTensor;
  assert.deepEqual(out.shape, [null, null, 6]);
  const m = functionalModel({ inputs: features, outputs: out });
  assert.deepEqual(gru.getWeights().map((w) => w.shape), [[4, 9], [3, 9], [9], [4, 9], [3, 9], [9]]);

  const config = gru.getConfig();
  assert.equal(config.units, 3);
  const clone = FusedBiGru.fromConfig(FusedBiGru, config) as FusedBiGru;
  assert.equal(clone.units, 3);
  assert.equal(clone.name, 'bigru');

  let saved: tf.io.ModelArtifacts | null = null;
  await m.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const loaded = await loadLayersModel(tf.io.fromMemory(saved!));
  assert.equal(loaded.getLayer('bigru').getClassName(), 'SedFusedBiGru');
  const x = tf.randomNormal([2, 5, 4], 0, 1, 'float32', 3);
  const a = m.predict(x) as tf.Tensor;
  const b = loaded.predict(x) as tf.Tensor;
  assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
  tf.dispose([a, b]);

  // Inference and a full gradient computation leave no tensor behind.
  const before = tf.memory().numTensors;
  tf.dispose(m.predict(x) as tf.Tensor);
  const { value, grads } = tf.variableGrads(() => tf.sum(m.apply(x) as tf.Tensor) as tf.Scalar, m.trainableWeights.map((w) => w.read() as tf.Variable));
  tf.dispose([value, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  m.dispose();
  loaded.dispose();
});

test('a CRNN training step with the fused GRU: wasm loss and gradients equal cpu, and equal the tfjs-layers GRU', async () => {
  const net: NetConfig = {
    conv: [{ filters: 3, kernel: [3, 3], batch_norm: true, activation: 'relu', pool: [2, 2], dropout: 0 }],
    rnn: { type: 'bigru', units: 4, layers: 2, dropout: 0 },
    dropout: 0,
  };
  const r = rng(9);
  const xData = Float32Array.from({ length: 2 * 8 * 8 }, () => 2 * r() - 1);
  let weights: Float32Array[] | null = null;
  const step = async (backend: 'cpu' | 'wasm', gru: 'fused' | 'layers') => {
    await selectBackend(backend);
    const model = buildCrnn({ net, pooling: { head: 'average', n_init: 1, lambda: 0, lr: null, warmup_epochs: 0, unfreeze_f1: null }, nMels: 8, nClasses: 2, frames: 8, gru });
    if (weights) model.setWeights(weights.map((w, i) => tf.tensor(w, model.weights[i]!.shape as number[])));
    else weights = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
    const x = tf.tensor3d(xData, [2, 8, 8]);
    const y = tf.tensor2d([[1, 0], [1, 1]]);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { value, grads } = tf.variableGrads(() => {
      const [, clip] = model.apply(x, { training: true }) as tf.Tensor[];
      const q = tf.clipByValue(clip!, 1e-7, 1 - 1e-7);
      return tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(q)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, q)))))) as tf.Scalar;
    }, vars);
    const out = { loss: value.dataSync()[0]!, grads: vars.map((v) => Float32Array.from(grads[v.name]!.dataSync())) };
    tf.dispose([value, ...Object.values(grads), x, y]);
    model.dispose();
    return out;
  };
  const cpu = await step('cpu', 'fused');
  const wasm = await step('wasm', 'fused');
  const layersGru = await step('cpu', 'layers');
  for (const [label, other] of [['wasm', wasm], ['tfjs-layers GRU', layersGru]] as const) {
    assert.ok(Math.abs(other.loss - cpu.loss) <= TOL * Math.abs(cpu.loss), `${label} loss ${other.loss} vs ${cpu.loss}`);
    cpu.grads.forEach((g, i) => assert.ok(relErr(other.grads[i]!, g) <= 1e-3, `${label} gradient ${i}: ${relErr(other.grads[i]!, g)}`));
  }
});
