/**
 * What the trainer needs from a pooling head beyond its forward pass: its per-class parameters (n_c, α_c) for
 * n_c.json, the projection that keeps them in range after each step, and the λ Σ n_c² term.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface PoolingHead extends tfl.layers.Layer {
  perClassParameters(): { name: string; values: number[] } | null;
  projectParameters?(): void;
  regularizationLoss?(lambda: number): tf.Scalar | null;
}

export function findPoolingHead(model: tfl.LayersModel): PoolingHead | null {
  return (model.layers.find((l) => typeof (l as Partial<PoolingHead>).perClassParameters === 'function') as PoolingHead | undefined) ?? null;
}
