/**
 * What the trainer needs from a pooling head beyond its forward pass: its per-class parameters (n_c, α_c) for
 * n_c.json, the projection that keeps n_c ≥ 0 after each step (tfjs applies no constraints in custom loops), and
 * the λ Σ n_c² term. Only power pooling has the last two.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { poolingHeadOf } from './crnn.ts';
import type { PoolingHead } from './pooling/pooling-head.ts';

export interface PoolingHooks {
  head: PoolingHead;
  project(): void;
  regularization(lambda: number): tf.Scalar | null;
}

/** The hooks of the model's pooling head (the layer named 'pooling'); no-ops for heads without them. */
export function poolingHooks(model: tfl.LayersModel): PoolingHooks {
  const head = poolingHeadOf(model);
  const extra = head as PoolingHead & { projectNonNegative?: () => void; regularizationLoss?: (lambda: number) => tf.Scalar };
  return {
    head,
    project: () => extra.projectNonNegative?.(),
    regularization: (lambda) => extra.regularizationLoss?.(lambda) ?? null,
  };
}
