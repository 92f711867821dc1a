/**
 * Registers on the wasm backend the kernels that training needs and tfjs-backend-wasm 4.22 lacks or gets wrong.
 * Found by running a CRNN training step on wasm (every conv-block activation, batch norm, GRU, each pooling head)
 * and comparing every gradient with the cpu backend (test/backend.test.ts): Conv2DBackpropFilter is missing, and
 * the stock MaxPoolGrad is wrong for non-square pool windows. Conv2DBackpropInput, Tile, Sum, Mean, (transposed)
 * BatchMatMul and Conv2D/FusedConv2D (on a length-1 axis) are replaced because they dominated a wasm training step (scripts/bench-train-step.ts --profile). Idempotent; call before or after the backend
 * initialises. A kernel registered by tfjs itself is replaced only where it is wrong (`replace: true`).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { keepStockWasmKernel } from './call-kernel.ts';
import { batchMatMulWasmConfig } from './batch-mat-mul.ts';
import { conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter.ts';
import { conv2DBackpropInputWasmConfig } from './conv2d-backprop-input.ts';
import { conv2DNarrowWasmConfig, fusedConv2DNarrowWasmConfig } from './conv2d-narrow.ts';
import { maxPoolGradWasmConfig } from './max-pool-grad.ts';
import { meanWasmConfig, sumWasmConfig } from './reduce-leading.ts';
import { tileWasmConfig } from './tile.ts';

const CONFIGS: Array<{ config: tf.KernelConfig; replace: boolean }> = [
  { config: conv2DBackpropFilterWasmConfig, replace: false },
  { config: maxPoolGradWasmConfig, replace: true },
  // Replaced for speed (a training step's profile), each handing the cases it does not cover back to the stock kernel.
  { config: conv2DBackpropInputWasmConfig, replace: true },
  { config: tileWasmConfig, replace: true },
  { config: sumWasmConfig, replace: true },
  { config: meanWasmConfig, replace: true },
  { config: batchMatMulWasmConfig, replace: true },
  { config: conv2DNarrowWasmConfig, replace: true },
  { config: fusedConv2DNarrowWasmConfig, replace: true },
];

/** Kernel names this module adds to (or replaces on) the wasm backend. */
export const WASM_TRAINING_KERNELS: readonly string[] = CONFIGS.map((c) => c.config.kernelName);

/** Registers the kernels listed above on the wasm backend; idempotent. */
export function registerWasmTrainingKernels(): void {
  for (const { config, replace } of CONFIGS) {
    const existing = tf.getKernel(config.kernelName, 'wasm');
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing != null) {
      if (!replace) continue;
      keepStockWasmKernel(existing);
      tf.unregisterKernel(config.kernelName, 'wasm');
    }
    tf.registerKernel(config);
  }
}
