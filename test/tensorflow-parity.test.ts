/**
 * The same model code on the native `tensorflow` backend (libtensorflow through tfjs-node, built by
 * `npm run setup:tensorflow`) as on the pure-JS cpu backend, which the other test files check against float64
 * formulas. Skipped, with the reason, where the native backend does not load (e.g. after `npm ci` alone).
 *
 * Tolerances (float32; relative error = max |tf − cpu| / max |cpu| over a tensor):
 * - pooling heads, forward ≤ 1e-5 and gradients ≤ 1e-4: the same few float32 operations, summed in another order
 *   (Eigen's vectorised reductions vs a JS loop);
 * - a CRNN training step: loss ≤ 1e-5 relative, every gradient ≤ 1e-3 — BatchNorm's batch statistics and the
 *   convolutions' long sums (oneDNN off, Eigen's blocked GEMM) amplify the last-bit differences through 2 conv blocks;
 * - the fused BiGRU: ≤ 1e-4, as in fused-gru.test.ts;
 * - TensorFlow's fused BatchNorm (FusedBatchNormV3 / FusedBatchNormGradV3) against batch normalisation written out
 *   in float64 here: forward and batch statistics ≤ 1e-5, gradients ≤ 1e-4; against the stock layer on cpu: outputs
 *   and moving averages ≤ 1e-5, gradients ≤ 1e-4. ReluGrad: exact (it selects ∂y or 0).
 * Exact equality is asserted only within one backend (save → load, resume).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { selectBackend } from '../src/backend/select.ts';
import { loadTensorflowNode } from '../src/backend/tensorflow-node.ts';
import { main } from '../src/cli/main.ts';
import { resolveConfig } from '../src/config/load.ts';
import type { NetConfig, PoolingConfig, PoolingName, SedConfig } from '../src/config/types.ts';
import { runFeatures } from '../src/features/run-features.ts';
import { buildCrnn, poolingHeadOf } from '../src/model/crnn.ts';
import { FusedBiGru, fusedBiGru } from '../src/model/fused-bi-gru.ts';
import { BatchNormalization, fusedBatchNormTraining } from '../src/model/fused-batch-norm.ts';
import { fusedRelu, ReLU } from '../src/model/fused-relu.ts';
import { tensorflowKernelsActive, useTensorflowKernels } from '../src/backend/tensorflow-kernels.ts';
import { biGruTfOps, type GruWeights } from '../src/model/gru-math.ts';
import { createPoolingHead, POOLING_NAMES } from '../src/model/pooling/registry.ts';
import { PowerPooling } from '../src/model/pooling/power-pooling.ts';
import { synthesizeDataset } from '../src/synth/synthesize.ts';
import { loadModel, saveModel } from '../src/model/model-io.ts';
import { runTrain } from '../src/train/train.ts';
import { silentLogger } from '../src/util/log.ts';
import { rng } from './helpers/tensors.ts';

const native = await loadTensorflowNode();
const skip = native.ok ? false : `the tensorflow backend does not load here: ${native.why}`;
if (native.ok) console.log(`# tensorflow parity: libtensorflow ${native.tfVersion} via ${native.package}${native.usingGpu ? ' on GPU' : ''}`);

type Backend = 'cpu' | 'tensorflow';

/** Largest |got − want| over the elements. */
function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < want.length; i++) m = Math.max(m, Math.abs(got[i]! - want[i]!));
  return m;
}

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

const uniform = (seed: number, n: number, lo: number, hi: number): Float32Array => {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
};

const B = 2;
const T = 9;
const C = 3;
const D = 5;

/** One head's clip output and the gradients of Σ clip·w w.r.t. its inputs and its own weights, on `backend`. */
async function headOn(backend: Backend, head: PoolingName, weights: Float32Array[] | null) {
  await selectBackend(backend);
  const cfg: PoolingConfig = { head, n_init: 1.5, lambda: 0, lr: null, warmup_epochs: 0, unfreeze_f1: null };
  const layer = createPoolingHead(cfg, C);
  const y = tf.tensor3d(uniform(1, B * T * C, 0.01, 0.99), [B, T, C]);
  const emb = tf.tensor3d(uniform(2, B * T * D, -1, 1), [B, T, D]);
  const w = tf.tensor2d(uniform(3, B * C, -1, 1), [B, C]);
  const inputs = () => (layer.takesEmbeddings ? [emb, y] : y);
  tf.dispose(layer.apply(inputs()) as tf.Tensor); // builds the weights
  if (weights) layer.setWeights(weights.map((v, i) => tf.tensor(v, layer.weights[i]!.shape as number[])));
  // Power pooling's n_c and attention's projection get non-trivial values, the same on both backends.
  const initial = weights ?? layer.getWeights().map((t, i) => Float32Array.from(t.dataSync(), (v, j) => v + 0.3 * Math.sin(1 + i + j)));
  layer.setWeights(initial.map((v, i) => tf.tensor(v, layer.weights[i]!.shape as number[])));
  const clip = tf.tidy(() => layer.apply(inputs()) as tf.Tensor);
  const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const f = (yy: tf.Tensor, ee: tf.Tensor) => tf.sum(tf.mul(layer.apply(layer.takesEmbeddings ? [ee, yy] : yy) as tf.Tensor, w)) as tf.Scalar;
  // ∂/∂frame probabilities, ∂/∂embeddings (attention only), ∂/∂ each parameter.
  const dInputs = layer.takesEmbeddings ? tf.grads(f)([y, emb]) : tf.grads((yy: tf.Tensor) => f(yy, emb))([y]);
  const { grads } = vars.length > 0 ? tf.variableGrads(() => f(y, emb), vars) : { grads: {} as tf.NamedTensorMap };
  const out = {
    clip: Float32Array.from(clip.dataSync()),
    grads: [...dInputs, ...vars.map((v) => grads[v.name]!)].map((g) => Float32Array.from(g.dataSync())),
    initial,
  };
  tf.dispose([y, emb, w, clip, ...dInputs, ...Object.values(grads)]);
  layer.dispose();
  return out;
}

test('every pooling head: forward ≤ 1e-5 and gradients (inputs, parameters) ≤ 1e-4 of the cpu backend', { skip }, async () => {
  for (const head of POOLING_NAMES) {
    const cpu = await headOn('cpu', head, null);
    const ntf = await headOn('tensorflow', head, cpu.initial);
    const e = relErr(ntf.clip, cpu.clip);
    assert.ok(e <= 1e-5, `${head} forward: rel err ${e}`);
    cpu.grads.forEach((g, i) => {
      const eg = relErr(ntf.grads[i]!, g);
      assert.ok(eg <= 1e-4, `${head} gradient ${i}: rel err ${eg}`);
    });
  }
});

function net(activation: 'relu' | 'glu'): NetConfig {
  return {
    conv: [
      { filters: 3, kernel: [3, 3], batch_norm: true, activation, pool: [2, 2], dropout: 0 },
      { filters: 4, kernel: [3, 3], batch_norm: true, activation, pool: [1, 2], dropout: 0 },
    ],
    rnn: { type: 'bigru', units: 3, layers: 1, dropout: 0 },
    dropout: 0,
  };
}

/** The training loss: clip BCE + frame BCE (+ λ Σ n² for power), in training mode (BatchNorm batch statistics). */
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

/** Loss, every gradient and the weights after one Adam step of a small CRNN, on `backend`. */
async function crnnStepOn(backend: Backend, head: PoolingName, activation: 'relu' | 'glu', weights: Float32Array[] | null) {
  await selectBackend(backend);
  const model = buildCrnn({
    net: net(activation),
    pooling: { head, n_init: 1, lambda: 0.01, lr: null, warmup_epochs: 0, unfreeze_f1: null },
    nMels: 8,
    nClasses: 2,
    frames: 8,
  });
  if (weights) model.setWeights(weights.map((w, i) => tf.tensor(w, model.weights[i]!.shape as number[])));
  const initial = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const x = tf.tensor3d(uniform(4, 2 * 8 * 8, -1, 1), [2, 8, 8]);
  const yClip = tf.tensor2d([[1, 0], [1, 1]]);
  const yFrame = tf.tensor3d([[[1, 0], [1, 0], [0, 0], [1, 1]], [[0, 1], [1, 1], [1, 0], [0, 1]]]);
  const f = lossFn(model, x, yClip, yFrame);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(f, vars);
  const loss = value.dataSync()[0]!;
  const names = model.trainableWeights.map((w) => w.originalName);
  const g = vars.map((v) => Float32Array.from(grads[v.name]!.dataSync()));
  tf.dispose([value, ...Object.values(grads)]);
  const opt = tf.train.adam(1e-3);
  opt.minimize(f, true, vars)?.dispose();
  const after = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  opt.dispose();
  tf.dispose([x, yClip, yFrame]);
  model.dispose();
  return { loss, names, grads: g, initial, after };
}

test('a CRNN training step (forward, gradients, Adam) on tensorflow equals cpu for every head', { skip }, async () => {
  for (const [i, head] of POOLING_NAMES.entries()) {
    const activation = i % 2 === 0 ? 'relu' : 'glu';
    const cpu = await crnnStepOn('cpu', head, activation, null);
    const ntf = await crnnStepOn('tensorflow', head, activation, cpu.initial);
    assert.ok(Math.abs(cpu.loss - ntf.loss) <= 1e-5 * Math.abs(cpu.loss), `${head} loss ${cpu.loss} vs ${ntf.loss}`);
    cpu.grads.forEach((g, j) => {
      const e = relErr(ntf.grads[j]!, g);
      assert.ok(e <= 1e-3, `${head}/${activation} ∂${cpu.names[j]}: rel err ${e}`);
    });
    // Adam moves each weight by ≤ lr; the updated weights agree to well within one step. With oneDNN's kernels
    // (TF_ENABLE_ONEDNN_OPTS=1, other rounding) a gradient element near 0 can change sign, and Adam's first step,
    // ±lr whatever the magnitude, turns that into up to 2·lr (seen once in CI: "power weight 2"); the gradients above
    // are still held to 1e-3, so there only the bound Adam guarantees is checked.
    const oneDnn = process.env.TF_ENABLE_ONEDNN_OPTS === '1';
    cpu.after.forEach((w, j) => {
      const ok = relErr(ntf.after[j]!, w) <= 1e-4 || (oneDnn && maxAbsDiff(ntf.after[j]!, w) <= 2 * 1e-3 * (1 + 1e-6));
      assert.ok(ok, `${head} weight ${j} after the step`);
    });
  }
});

const tmp = mkdtempSync(join(tmpdir(), 'sed-tf-parity-'));

/**
 * Training-mode batch normalisation of x [n, c] (rows = every position of every clip) in float64, from the
 * definition: μ = Σx/n, σ² = Σ(x − μ)²/n, x̂ = (x − μ)/√(σ² + ε), y = γx̂ + β; and for L = Σ dy·y:
 * ∂β = Σ dy, ∂γ = Σ dy·x̂, ∂x = γ/√(σ² + ε) · (dy − ∂β/n − x̂·∂γ/n) (the batch statistics differentiated too).
 */
function batchNormF64(x: Float32Array, dy: Float32Array, gamma: Float32Array, beta: Float32Array, c: number, eps: number) {
  const n = x.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let i = 0; i < x.length; i++) mean[i % c]! += x[i]! / n;
  for (let i = 0; i < x.length; i++) variance[i % c]! += (x[i]! - mean[i % c]!) ** 2 / n;
  const xhat = Float64Array.from(x, (v, i) => (v - mean[i % c]!) / Math.sqrt(variance[i % c]! + eps));
  const y = Float64Array.from(xhat, (v, i) => gamma[i % c]! * v + beta[i % c]!);
  const dBeta = new Float64Array(c);
  const dGamma = new Float64Array(c);
  for (let i = 0; i < x.length; i++) {
    dBeta[i % c]! += dy[i]!;
    dGamma[i % c]! += dy[i]! * xhat[i]!;
  }
  const dx = Float64Array.from(x, (_, i) => {
    const k = i % c;
    return (gamma[k]! / Math.sqrt(variance[k]! + eps)) * (dy[i]! - dBeta[k]! / n - (xhat[i]! * dGamma[k]!) / n);
  });
  return { y, mean, variance, dx, dGamma, dBeta };
}

test('FusedBatchNormV3/GradV3 in training mode: output, batch statistics and ∂x, ∂γ, ∂β equal the float64 definition', { skip }, async () => {
  await selectBackend('tensorflow');
  assert.ok(tensorflowKernelsActive());
  for (const [shape, eps] of [[[2, 3, 4, 5], 1e-3], [[1, 1, 1, 3], 1e-3], [[3, 7, 1, 2], 1e-5]] as const) {
    const c = shape[3];
    const size = shape[0] * shape[1] * shape[2] * c;
    // Channel k offset by k and scaled by 1 + k so the channels' statistics differ.
    const xv = Float32Array.from(uniform(41, size, -1, 1), (v, i) => (1 + (i % c)) * v + (i % c));
    const dyv = uniform(42, size, -1, 1);
    const gv = uniform(43, c, 0.5, 2);
    const bv = uniform(44, c, -1, 1);
    const want = batchNormF64(xv, dyv, gv, bv, c, eps);
    const x = tf.tensor4d(xv, [...shape]);
    const dy = tf.tensor4d(dyv, [...shape]);
    const gamma = tf.tensor1d(gv);
    const beta = tf.tensor1d(bv);
    const { y, mean, variance } = fusedBatchNormTraining(x, gamma, beta, eps);
    const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const out = fusedBatchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, eps);
      tf.dispose([out.mean, out.variance]);
      return tf.sum(tf.mul(out.y, dy));
    })([x, gamma, beta]);
    const at = `shape ${shape}`;
    assert.ok(relErr(y.dataSync(), want.y) <= 1e-5, `${at} y: ${relErr(y.dataSync(), want.y)}`);
    assert.ok(relErr(mean.dataSync(), want.mean) <= 1e-5, `${at} mean: ${relErr(mean.dataSync(), want.mean)}`);
    // The biased variance Σ(x − μ)²/n (TensorFlow's output is n/(n − 1) times that; one row of one clip gives 0).
    assert.ok(relErr(variance.dataSync(), want.variance) <= 1e-5, `${at} variance: ${relErr(variance.dataSync(), want.variance)}`);
    [want.dx, want.dGamma, want.dBeta].forEach((w, i) => {
      const e = relErr(grads[i]!.dataSync(), w);
      assert.ok(e <= 1e-4, `${at} gradient ${['x', 'gamma', 'beta'][i]}: rel err ${e}`);
    });
    tf.dispose([x, dy, gamma, beta, y, mean, variance, ...grads]);
  }
});

/**
 * One BatchNormalization layer (momentum 0.9, ε 1e-3): two training calls on different batches, then an inference
 * call; outputs, the gradients of the second training call (x, γ, β) and the moving averages, on `backend`.
 */
async function batchNormLayerOn(backend: Backend) {
  await selectBackend(backend);
  const layer = new BatchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-3, name: 'bn' });
  const shape = [2, 5, 3, 4];
  const size = 2 * 5 * 3 * 4;
  const x1 = tf.tensor4d(Float32Array.from(uniform(51, size, -1, 3)), shape as [number, number, number, number]);
  const x2 = tf.tensor4d(Float32Array.from(uniform(52, size, -2, 1)), shape as [number, number, number, number]);
  const dy = tf.tensor4d(uniform(53, size, -1, 1), shape as [number, number, number, number]);
  const y1 = layer.apply(x1, { training: true }) as tf.Tensor;
  layer.setWeights([tf.tensor1d([0.5, 1, 1.5, 2]), tf.tensor1d([0, 0.5, -0.5, 1]), ...layer.getWeights().slice(2)]);
  const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
  const f = (a: tf.Tensor) => tf.sum(tf.mul(layer.apply(a, { training: true }) as tf.Tensor, dy)) as tf.Scalar;
  const dx = tf.grad(f)(x2);
  const { grads } = tf.variableGrads(() => f(x2), vars);
  const y3 = layer.apply(x1) as tf.Tensor; // inference: the moving averages
  const read = (t: tf.Tensor) => Float32Array.from(t.dataSync());
  const out = {
    trainingOutput: read(y1),
    inferenceOutput: read(y3),
    grads: [read(dx), ...vars.map((v) => read(grads[v.name]!))],
    // gamma, beta, moving_mean, moving_variance after three training calls (one from each of f's two uses above).
    weights: layer.getWeights().map(read),
    weightNames: layer.weights.map((w) => w.originalName),
  };
  tf.dispose([x1, x2, dy, y1, dx, y3, ...Object.values(grads)]);
  layer.dispose();
  return out;
}

test('BatchNormalization on tensorflow (fused kernels) equals the stock layer on cpu: outputs, gradients, moving averages, inference', { skip }, async () => {
  const cpu = await batchNormLayerOn('cpu');
  const ntf = await batchNormLayerOn('tensorflow');
  assert.deepEqual(ntf.weightNames, ['bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance']);
  assert.ok(relErr(ntf.trainingOutput, cpu.trainingOutput) <= 1e-5, `training output: ${relErr(ntf.trainingOutput, cpu.trainingOutput)}`);
  assert.ok(relErr(ntf.inferenceOutput, cpu.inferenceOutput) <= 1e-5, `inference output: ${relErr(ntf.inferenceOutput, cpu.inferenceOutput)}`);
  cpu.grads.forEach((g, i) => assert.ok(relErr(ntf.grads[i]!, g) <= 1e-4, `gradient ${i}: ${relErr(ntf.grads[i]!, g)}`));
  cpu.weights.forEach((w, i) => assert.ok(relErr(ntf.weights[i]!, w) <= 1e-5, `${cpu.weightNames[i]}: ${relErr(ntf.weights[i]!, w)}`));
  // Three training calls with momentum 0.9 from (0, 1): the moving mean moved away from 0 (the test is not vacuous).
  assert.ok(Math.max(...ntf.weights[2]!.map(Math.abs)) > 0.05);
});

test('on tensorflow, BatchNormalization and ReLU train through FusedBatchNormGradV3 and ReluGrad, and useTensorflowKernels(false) gives the stock ops the same result', { skip }, async () => {
  await selectBackend('tensorflow');
  const bn = new BatchNormalization({ name: 'bn' });
  const relu = new ReLU({ name: 'act' });
  const x = tf.tensor4d(uniform(61, 2 * 4 * 4 * 3, -1, 1), [2, 4, 4, 3]);
  const f = (a: tf.Tensor) => tf.sum(tf.square(relu.apply(bn.apply(a, { training: true }) as tf.Tensor) as tf.Tensor)) as tf.Scalar;
  const grad = () => {
    let g: tf.Tensor | null = null;
    return tf.profile(() => void (g = tf.grad(f)(x))).then((info) => ({ kernels: new Set(info.kernels.map((k) => k.name)), g: Float32Array.from(g!.dataSync()) }));
  };
  const fused = await grad();
  for (const k of ['FusedBatchNormV3', 'FusedBatchNormGradV3', 'ReluGrad']) assert.ok(fused.kernels.has(k), `${k} not run: ${[...fused.kernels]}`);
  assert.ok(!fused.kernels.has('Step'), 'tfjs relu gradient ran');
  const before = useTensorflowKernels(false);
  try {
    const stock = await grad();
    assert.ok(!stock.kernels.has('FusedBatchNormGradV3') && stock.kernels.has('Step'));
    assert.ok(relErr(fused.g, stock.g) <= 1e-4, `fused vs stock: ${relErr(fused.g, stock.g)}`);
  } finally {
    useTensorflowKernels(before);
  }
  tf.dispose(x);
  bn.dispose();
  relu.dispose();
});

test('the fused BatchNorm and ReLU leak no tensors: a training step through them leaves tf.memory().numTensors as it was', { skip }, async () => {
  await selectBackend('tensorflow');
  const bn = new BatchNormalization({ name: 'bn' });
  const relu = new ReLU({ name: 'act' });
  const x = tf.tensor4d(uniform(71, 2 * 3 * 3 * 2, -1, 1), [2, 3, 3, 2]);
  const f = () => tf.sum(relu.apply(bn.apply(x, { training: true }) as tf.Tensor) as tf.Tensor) as tf.Scalar;
  tf.dispose(f()); // builds the weights
  const vars = bn.trainableWeights.map((v) => v.read() as tf.Variable);
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(f, vars);
  tf.dispose([value, ...Object.values(grads)]);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose(x);
  bn.dispose();
  relu.dispose();
});

test('fusedRelu: max(x, 0) and ReluGrad passes ∂y exactly where x > 0 (0 at x = 0), hand-checked', { skip }, async () => {
  await selectBackend('tensorflow');
  const x = tf.tensor1d([-2, -0.5, 0, 0.25, 3]);
  const dy = tf.tensor1d([1, 2, 3, 4, 5]);
  const y = fusedRelu(x);
  assert.deepEqual(Array.from(y.dataSync()), [0, 0, 0, 0.25, 3]);
  const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(fusedRelu(a), dy)))(x);
  assert.deepEqual(Array.from(g.dataSync()), [0, 0, 0, 4, 5]);
  tf.dispose([x, dy, y, g]);
});

test('a CRNN saved on tensorflow keeps the stock layer classes and weight names, and loads back into the fused classes', { skip }, async () => {
  await selectBackend('tensorflow');
  const model = buildCrnn({ net: net('relu'), pooling: { head: 'average', n_init: 1, lambda: 0, lr: null, warmup_epochs: 0, unfreeze_f1: null }, nMels: 8, nClasses: 2, frames: 8 });
  const layers = (model.toJSON(null, false) as unknown as { config: { layers: { class_name: string; name: string }[] } }).config.layers;
  assert.equal(layers.find((l) => l.name === 'conv1_bn')?.class_name, 'BatchNormalization');
  assert.equal(layers.find((l) => l.name === 'conv1_act')?.class_name, 'ReLU');
  assert.deepEqual(
    model.getLayer('conv1_bn').weights.map((w) => w.originalName),
    ['conv1_bn/gamma', 'conv1_bn/beta', 'conv1_bn/moving_mean', 'conv1_bn/moving_variance'],
  );
  const dir = join(tmp, 'saved-relu');
  await saveModel(model, dir);
  const loaded = await loadModel(dir);
  assert.ok(loaded.getLayer('conv1_bn') instanceof BatchNormalization);
  assert.ok(loaded.getLayer('conv1_act') instanceof ReLU);
  model.dispose();
  loaded.dispose();
});

/** x, the six weight arrays and ∂L/∂out for a BiGRU problem. */
function gruProblem(batch: number, frames: number, dims: number, units: number) {
  return {
    batch, frames, dims, units,
    x: uniform(11, batch * frames * dims, -1.5, 1.5),
    w: [dims * 3 * units, units * 3 * units, 3 * units, dims * 3 * units, units * 3 * units, 3 * units].map((n, i) => uniform(20 + i, n, -0.8, 0.8)),
    dy: uniform(30, batch * frames * 2 * units, -1, 1),
  };
}

/** Output and the 7 gradients (x, then the six weights) of Σ out·dy through `impl`. */
function runGru(impl: typeof fusedBiGru, p: ReturnType<typeof gruProblem>) {
  const x = tf.tensor3d(p.x, [p.batch, p.frames, p.dims]);
  const shapes = [[p.dims, 3 * p.units], [p.units, 3 * p.units], [3 * p.units]];
  const w = p.w.map((v, i) => tf.tensor(v, shapes[i % 3]));
  const dy = tf.tensor3d(p.dy, [p.batch, p.frames, 2 * p.units]);
  const asWeights = (k: tf.Tensor[], o: number): GruWeights => ({ kernel: k[o] as tf.Tensor2D, recurrentKernel: k[o + 1] as tf.Tensor2D, bias: k[o + 2] as tf.Tensor1D });
  const f = (...args: tf.Tensor[]) => tf.sum(tf.mul(impl(args[0] as tf.Tensor3D, asWeights(args, 1), asWeights(args, 4)), dy));
  const out = impl(x, asWeights(w, 0), asWeights(w, 3));
  const grads = tf.grads(f)([x, ...w]);
  const res = { out: Float32Array.from(out.dataSync()), grads: grads.map((g) => Float32Array.from(g.dataSync())) };
  tf.dispose([x, dy, out, ...w, ...grads]);
  return res;
}

test('the fused BiGRU on tensorflow: output and all 7 gradients ≤ 1e-4 of the per-step autodiff path on cpu', { skip }, async () => {
  for (const [batch, frames] of [[1, 1], [3, 7], [4, 20]] as const) {
    const p = gruProblem(batch, frames, 6, 5);
    await selectBackend('cpu');
    const want = runGru(biGruTfOps, p);
    await selectBackend('tensorflow');
    const got = runGru(fusedBiGru, p);
    assert.ok(relErr(got.out, want.out) <= 1e-4, `out ${batch}×${frames}: ${relErr(got.out, want.out)}`);
    want.grads.forEach((g, i) => assert.ok(relErr(got.grads[i]!, g) <= 1e-4, `grad ${i} ${batch}×${frames}: ${relErr(got.grads[i]!, g)}`));
  }
});

test('the FusedBiGru layer runs a sequence on tensorflow as a few large kernels, not per time step', { skip }, async () => {
  await selectBackend('tensorflow');
  const layer = new FusedBiGru({ units: 8 });
  const x = tf.tensor3d(uniform(5, 2 * 60 * 4, -1, 1), [2, 60, 4]);
  const vars = () => layer.trainableWeights.map((v) => v.read() as tf.Variable);
  tf.dispose(layer.apply(x) as tf.Tensor);
  // Forward and backward over 60 frames: the per-step path launches hundreds of kernels (≥ 10 per frame).
  const info = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar, vars());
    tf.dispose([value, ...Object.values(grads)]);
  });
  assert.ok(info.kernels.length < 60, `${info.kernels.length} kernels for 60 frames`);
  tf.dispose(x);
  layer.dispose();
});

test('a CRNN saved on tensorflow loads back with identical weights and predictions', { skip }, async () => {
  await selectBackend('tensorflow');
  const model = buildCrnn({ net: net('glu'), pooling: { head: 'power', n_init: 1, lambda: 0.01, lr: null, warmup_epochs: 0, unfreeze_f1: null }, nMels: 8, nClasses: 2, frames: 8 });
  const x = tf.tensor3d(uniform(6, 3 * 8 * 8, -1, 1), [3, 8, 8]);
  const dir = join(tmp, 'saved');
  await saveModel(model, dir);
  const loaded = await loadModel(dir);
  model.getWeights().forEach((w, i) => assert.deepEqual(loaded.getWeights()[i]!.dataSync(), w.dataSync()));
  const [a, b] = [model.predict(x) as tf.Tensor[], loaded.predict(x) as tf.Tensor[]];
  a.forEach((t, i) => assert.deepEqual(b[i]!.dataSync(), t.dataSync(), `output ${i}`));
  tf.dispose([x, ...a, ...b]);
  model.dispose();
  loaded.dispose();
});

// A tiny synthetic set and CRNN (as in train.test.ts) so that a run takes seconds.
const base = {
  data: { layout: 'dcase2019', root: join(tmp, 'synth') },
  features: { n_fft: 512, win_length: 512, hop_length: 640, n_mels: 16, f_max: 8000 },
  net: { conv: [{ filters: 4, kernel: [3, 3], pool: [2, 4] }, { filters: 8, kernel: [3, 3], pool: [2, 4] }], rnn: { type: 'bigru', units: 8, layers: 1 } },
  pooling: { head: 'power', n_init: 1, lambda: 0.001, lr: 0.05, warmup_epochs: 0 },
  train: { epochs: 2, batch_size: 8, lr: 0.01, seed: 3, backend: 'tensorflow', select_metric: 'clip_f1_macro' },
};
const config = (): SedConfig => resolveConfig(structuredClone(base));
const featuresDir = join(tmp, 'features');
let prepared: Promise<void> | null = null;
const prepare = () =>
  (prepared ??= (async () => {
    await synthesizeDataset({ layout: 'dcase2019', outDir: join(tmp, 'synth'), clips: 24, seed: 5, validationClips: 6, unlabeledClips: 0, syntheticStrongClips: 0 });
    const c = config();
    await runFeatures(c.data, c.features, { out: featuresDir }, silentLogger, { jobs: 1 });
  })());

const readMetrics = (run: string) => readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('an interrupted run on tensorflow resumed with --resume ends exactly like an uninterrupted one', { skip }, async () => {
  await prepare();
  const straight = join(tmp, 'run-straight');
  const resumed = join(tmp, 'run-resumed');
  await runTrain(config(), { features: featuresDir, out: straight }, silentLogger);
  let reads = 0;
  const signal = { get aborted() { return ++reads >= 4; } } as AbortSignal; // mid-way through epoch 2
  const first = await runTrain(config(), { features: featuresDir, out: resumed }, silentLogger, { signal });
  assert.equal(first.interrupted, true);
  await runTrain(config(), { features: featuresDir, out: resumed }, silentLogger, { resume: true });
  const [a, b] = [readMetrics(straight), readMetrics(resumed)];
  assert.equal(b.length, 2);
  for (let i = 0; i < 2; i++) {
    assert.equal(b[i].train.loss, a[i].train.loss, `epoch ${i + 1} train loss`);
    assert.deepEqual(b[i].per_class, a[i].per_class);
  }
  assert.deepEqual(readFileSync(join(resumed, 'checkpoints/last/weights.bin')), readFileSync(join(straight, 'checkpoints/last/weights.bin')));
});

test('`sed train --backend tensorflow` then `sed eval --backend tensorflow` on synthetic data', { skip }, async () => {
  await prepare();
  const run = join(tmp, 'run-cli');
  const cfgFile = join(tmp, 'config.yaml');
  const { stringify } = await import('yaml');
  (await import('node:fs')).writeFileSync(cfgFile, stringify({ ...base, train: { ...base.train, backend: 'auto' } }));
  const err: string[] = [];
  const io = { stdout: () => {}, stderr: (t: string) => void err.push(t) };
  const trainCode = await main(['node', 'sed', '--log-format', 'json', 'train', '--config', cfgFile, '--features', featuresDir, '--out', run, '--backend', 'tensorflow', '--epochs', '1'], io);
  assert.equal(trainCode, 0, err.join(''));
  assert.match(err.join(''), /^  backend: tensorflow$/m);
  assert.ok(existsSync(join(run, 'best/model.json')));
  const out: string[] = [];
  const evalCode = await main(['node', 'sed', 'eval', '--run', run, '--features', featuresDir, '--out', join(tmp, 'eval'), '--backend', 'tensorflow', '--json'], { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) });
  assert.equal(evalCode, 0, err.join(''));
  const summary = JSON.parse(out.join(''));
  assert.equal(summary.clips, 6, JSON.stringify(summary));
});
