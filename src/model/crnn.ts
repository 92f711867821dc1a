/**
 * The CRNN built from the config's `net:` and `pooling:` sections.
 *
 *   input [batch, frames, mels] → add a channel axis → conv blocks (Conv2D 'same', optional BatchNorm,
 *   ReLU / LeakyReLU(0.2) / GLU, max-pool (time, freq), dropout) → [batch, frames', freq', filters]
 *   → reshape [batch, frames', freq'·filters] → bidirectional GRU stack (dropout between layers) → dropout
 *   → Dense(classes, sigmoid) per frame = 'frame_prob' [batch, frames', classes]
 *   → pooling head = 'clip_prob' [batch, classes].
 *
 * Outputs are [frame_prob, clip_prob] in that order. Convolutions before a BatchNorm have no bias (BatchNorm's
 * offset replaces it). LeakyReLU uses slope 0.2 as the DESED_task CNN does. GLU doubles the conv's filters and
 * gates half of them with the sigmoid of the other half.
 */
import { layers, model as functionalModel, input, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import type { ConvBlockConfig, NetConfig, PoolingConfig } from '../config/types.ts';
import { ConfigError } from '../errors.ts';
// tfjs-layers' GRU initialiser needs tensor methods the Node bundle of tfjs-core lacks.
import './tensor-chained-ops.ts';
import { BatchNormalization } from './fused-batch-norm.ts';
import { ReLU } from './fused-relu.ts';
import { Glu } from './glu.ts';
import { applyBiGru, type BiGruImplementation } from './recurrent.ts';
import { createPoolingHead } from './pooling/registry.ts';
import type { PoolingHead } from './pooling/pooling-head.ts';

export interface CrnnOptions {
  net: NetConfig;
  pooling: PoolingConfig;
  nMels: number;
  nClasses: number;
  /** Input frames; null/undefined accepts any length (each must be divisible by timePoolingFactor). */
  frames?: number | null;
  /** How the bidirectional GRU is computed (same function either way); default 'fused'. */
  gru?: BiGruImplementation;
}

/** Names of the model's two outputs, in output order. */
export const FRAME_PROB = 'frame_prob';
export const CLIP_PROB = 'clip_prob';

/** Π of the conv blocks' time pools: input frames per output frame. */
export function timePoolingFactor(net: NetConfig): number {
  return net.conv.reduce((f, block) => f * block.pool[0], 1);
}

/** Frequency bins left after the conv blocks' frequency pools (each pool floors, as 'valid' max-pooling does). */
export function freqBinsAfterConv(net: NetConfig, nMels: number): number {
  return net.conv.reduce((bins, block) => Math.floor(bins / block.pool[1]), nMels);
}

function checkNet(opts: CrnnOptions): void {
  const { net, nMels, nClasses, frames } = opts;
  if (net.conv.length === 0) throw new ConfigError('net.conv', 'needs at least one conv block');
  net.conv.forEach((b, i) => {
    if (b.pool[0] < 1 || b.pool[1] < 1) throw new ConfigError(`net.conv[${i}].pool`, `must be ≥ 1 (${b.pool} given)`);
  });
  if (freqBinsAfterConv(net, nMels) < 1) {
    const pool = net.conv.reduce((p, b) => p * b.pool[1], 1);
    throw new ConfigError('net.conv', `frequency pools (×${pool} in all) reduce features.n_mels = ${nMels} mel bands to nothing: use smaller pools or more mel bands`);
  }
  if (frames != null && frames % timePoolingFactor(net) !== 0) {
    throw new ConfigError('net.conv', `${frames} frames are not divisible by the time pooling ${timePoolingFactor(net)}`);
  }
  if (net.rnn.layers < 1) throw new ConfigError('net.rnn.layers', `must be ≥ 1 (${net.rnn.layers} given)`);
  if (nClasses < 1) throw new ConfigError('data.classes', 'no classes');
}

function applyConvBlock(x: SymbolicTensor, block: ConvBlockConfig, index: number): SymbolicTensor {
  const name = `conv${index + 1}`;
  const glu = block.activation === 'glu';
  let y = layers
    .conv2d({
      filters: glu ? 2 * block.filters : block.filters,
      kernelSize: block.kernel,
      padding: 'same',
      useBias: !block.batch_norm,
      name,
    })
    .apply(x) as SymbolicTensor;
  // tfjs-layers' BatchNormalization and ReLU, with TensorFlow's fused gradients on the tensorflow backend.
  if (block.batch_norm) y = new BatchNormalization({ axis: -1, name: `${name}_bn` }).apply(y) as SymbolicTensor;
  if (glu) y = new Glu({ name: `${name}_glu` }).apply(y) as SymbolicTensor;
  else if (block.activation === 'leaky_relu') y = layers.leakyReLU({ alpha: 0.2, name: `${name}_act` }).apply(y) as SymbolicTensor;
  else y = new ReLU({ name: `${name}_act` }).apply(y) as SymbolicTensor;
  if (block.pool[0] > 1 || block.pool[1] > 1) {
    y = layers.maxPooling2d({ poolSize: block.pool, strides: block.pool, name: `${name}_pool` }).apply(y) as SymbolicTensor;
  }
  if (block.dropout > 0) y = layers.dropout({ rate: block.dropout, name: `${name}_dropout` }).apply(y) as SymbolicTensor;
  return y;
}

/**
 * The CRNN: input [B, frames, n_mels] → conv blocks (conv, batch norm, activation, pool, dropout) → BiGRU →
 * per-frame sigmoid `frame_prob` [B, frames / timePool, C] → pooling head (registry) → `clip_prob` [B, C]. Throws
 * ConfigError naming the net key when it does not fit the input (no conv block, a pool < 1, frequency pools that
 * reduce n_mels to nothing, frames not divisible by the time pooling, rnn.layers < 1).
 */
export function buildCrnn(opts: CrnnOptions): LayersModel {
  checkNet(opts);
  const { net, nMels, nClasses } = opts;
  const frames = opts.frames ?? null;
  const features = input({ shape: [frames, nMels], name: 'features' }); // [batch, frames, mels]
  let x = layers.reshape({ targetShape: [-1, nMels, 1], name: 'add_channel' }).apply(features) as SymbolicTensor;
  net.conv.forEach((block, i) => {
    x = applyConvBlock(x, block, i);
  });
  const lastFilters = net.conv[net.conv.length - 1]!.filters;
  const bins = freqBinsAfterConv(net, nMels);
  // [batch, frames', freq', filters] → [batch, frames', freq'·filters]
  x = layers.reshape({ targetShape: [-1, bins * lastFilters], name: 'to_sequence' }).apply(x) as SymbolicTensor;
  for (let i = 0; i < net.rnn.layers; i++) {
    x = applyBiGru(x, { units: net.rnn.units, name: `bigru${i + 1}`, implementation: opts.gru });
    if (i < net.rnn.layers - 1 && net.rnn.dropout > 0) {
      x = layers.dropout({ rate: net.rnn.dropout, name: `bigru${i + 1}_dropout` }).apply(x) as SymbolicTensor;
    }
  }
  if (net.dropout > 0) x = layers.dropout({ rate: net.dropout, name: 'dropout' }).apply(x) as SymbolicTensor;
  const embeddings = x; // [batch, frames', 2·units]
  const frameProb = layers
    .dense({ units: nClasses, activation: 'sigmoid', name: FRAME_PROB })
    .apply(embeddings) as SymbolicTensor; // [batch, frames', classes]
  const head = createPoolingHead(opts.pooling, nClasses, CLIP_PROB);
  const clipProb = head.apply(head.takesEmbeddings ? [embeddings, frameProb] : frameProb) as SymbolicTensor;
  return functionalModel({ inputs: features, outputs: [frameProb, clipProb], name: 'crnn' });
}

/** The model's pooling head (for n_c / α, projection and the λ term). */
export function poolingHeadOf(model: LayersModel): PoolingHead {
  return model.getLayer(CLIP_PROB) as PoolingHead;
}
