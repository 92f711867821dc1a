/**
 * Pooling heads by the name used in the config (`pooling.head`). Importing this module registers every head's
 * class for (de)serialisation, which `tf.loadLayersModel` needs.
 */
import type { PoolingConfig, PoolingName } from '../../config/types.ts';
import { ConfigError } from '../../errors.ts';
import { AttentionPooling } from './attention-pooling.ts';
import { AutoPooling } from './auto-pooling.ts';
import { AveragePooling } from './average-pooling.ts';
import { ExpSoftmaxPooling } from './exp-softmax-pooling.ts';
import { LinearSoftmaxPooling } from './linear-softmax-pooling.ts';
import { MaxPooling } from './max-pooling.ts';
import type { PoolingHead } from './pooling-head.ts';
import { PowerPooling } from './power-pooling.ts';

export const POOLING_NAMES: readonly PoolingName[] = [
  'max',
  'average',
  'linear_softmax',
  'exp_softmax',
  'attention',
  'auto_pool',
  'power',
];

/** Builds the head named by `cfg.head` for `nClasses` classes; the layer is named 'pooling'. */
export function createPoolingHead(cfg: PoolingConfig, nClasses: number, name = 'pooling'): PoolingHead {
  const args = { name, nClasses };
  switch (cfg.head) {
    case 'max':
      return new MaxPooling(args);
    case 'average':
      return new AveragePooling(args);
    case 'linear_softmax':
      return new LinearSoftmaxPooling(args);
    case 'exp_softmax':
      return new ExpSoftmaxPooling(args);
    case 'attention':
      return new AttentionPooling(args);
    case 'auto_pool':
      return new AutoPooling(args);
    case 'power':
      if (!(cfg.n_init >= 0)) throw new ConfigError('pooling.n_init', `must be ≥ 0 (${cfg.n_init} given)`);
      return new PowerPooling({ ...args, nInit: cfg.n_init });
    default:
      throw new ConfigError('pooling.head', `unknown head '${String(cfg.head)}'; one of ${POOLING_NAMES.join(', ')}`);
  }
}

export {
  AttentionPooling,
  AutoPooling,
  AveragePooling,
  ExpSoftmaxPooling,
  LinearSoftmaxPooling,
  MaxPooling,
  PowerPooling,
};
export type { PoolingHead };
