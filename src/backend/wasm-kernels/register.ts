/**
 * Registers on the wasm backend the kernels that training needs and tfjs-backend-wasm 4.22 lacks.
 * Found by running a CRNN training step on wasm (every conv-block activation, batch norm, GRU, each pooling head):
 * only Conv2DBackpropFilter was missing. Idempotent; call before or after the backend initialises.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter.ts';

const CONFIGS: tf.KernelConfig[] = [conv2DBackpropFilterWasmConfig];

/** Kernel names this module adds to the wasm backend. */
export const WASM_TRAINING_KERNELS: readonly string[] = CONFIGS.map((c) => c.kernelName);

export function registerWasmTrainingKernels(): void {
  for (const config of CONFIGS) {
    if (tf.getKernel(config.kernelName, 'wasm') == null) tf.registerKernel(config);
  }
}
