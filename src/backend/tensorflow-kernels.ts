/**
 * TensorFlow's own fused training kernels, registered on tfjs-node's 'tensorflow' backend under their TensorFlow op
 * names, for the layers that tfjs would otherwise differentiate as chains of broadcast ops (issue 11: in a training
 * step of the reference CRNN at batch 32, BatchNorm's and ReLU's gradients over the first block's 16 M-element
 * activations took most of the time as Multiply/RealDiv/Step/Select/Sub calls).
 *
 * - `FusedBatchNormV3` in training mode: y = γ·(x − μ_B)/√(σ²_B + ε) + β over NHWC input, with the batch mean and
 *   variance and TensorFlow's reserve spaces for the backward op.
 * - `FusedBatchNormGradV3` in training mode: ∂x (through the batch statistics), ∂γ, ∂β from ∂y and the reserve spaces.
 * - `ReluGrad`: ∂y where the ReLU's input (or output) is > 0, else 0.
 *
 * These are not tfjs kernel names, so nothing in tfjs calls them: src/model/fused-batch-norm.ts and fused-relu.ts do,
 * and only while `tensorflowKernelsActive()` — the one switch: the active backend is 'tensorflow' and this module
 * registered them (src/backend/tensorflow-node.ts does when tfjs-node loads). Registered as kernels rather than called
 * on the binding directly so that the engine owns their outputs and the kernel profiler sees them. The attributes
 * are those of TensorFlow's op definitions (tensorflow/core/ops/nn_ops.cc), passed through tfjs-node's
 * `executeMultipleOutputs` as its own kernels pass theirs.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs-node's NodeJSKernelBackend these kernels use. */
interface NodeBackend {
  binding: {
    TF_FLOAT: number;
    TF_ATTR_TYPE: number;
    TF_ATTR_FLOAT: number;
    TF_ATTR_STRING: number;
    TF_ATTR_BOOL: number;
  };
  executeMultipleOutputs(name: string, opAttrs: OpAttr[], inputs: tf.TensorInfo[], numOutputs: number): tf.Tensor[];
  executeSingleOutput(name: string, opAttrs: OpAttr[], inputs: tf.TensorInfo[]): tf.Tensor;
}

interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

export const FUSED_BATCH_NORM = 'FusedBatchNormV3';
export const FUSED_BATCH_NORM_GRAD = 'FusedBatchNormGradV3';
export const RELU_GRAD = 'ReluGrad';

const BACKEND = 'tensorflow';

/** T and U (the statistics' type) float32, NHWC, training mode, the layer's ε. */
function batchNormAttrs(backend: NodeBackend, epsilon: number): OpAttr[] {
  const b = backend.binding;
  return [
    { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: 'U', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
    { name: 'epsilon', type: b.TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: b.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: b.TF_ATTR_BOOL, value: true },
  ];
}

function checkFloat32(kernel: string, inputs: tf.NamedTensorInfoMap): void {
  for (const [name, t] of Object.entries(inputs)) {
    if (t != null && t.dtype !== 'float32') throw new TypeError(`${kernel}: input ${name} must be float32 (${t.dtype} given)`);
  }
}

/**
 * inputs {x [N, H, W, C], scale [C], offset [C]}, attrs {epsilon} → [y [N, H, W, C], batchMean [C],
 * batchVariance [C] (Bessel-corrected: Σ(x − μ)²/(n − 1), n = N·H·W, as TensorFlow feeds its moving variance),
 * reserve1, reserve2, reserve3 (opaque, for FusedBatchNormGradV3)].
 */
const fusedBatchNormConfig: tf.KernelConfig = {
  kernelName: FUSED_BATCH_NORM,
  backendName: BACKEND,
  kernelFunc: ({ inputs, attrs, backend }) => {
    checkFloat32(FUSED_BATCH_NORM, inputs);
    const { x, scale, offset } = inputs as { x: tf.TensorInfo; scale: tf.TensorInfo; offset: tf.TensorInfo };
    const nb = backend as unknown as NodeBackend;
    const opAttrs = [
      ...batchNormAttrs(nb, (attrs as { epsilon: number }).epsilon),
      // 1: the outputs are this batch's statistics; the layer keeps its own moving averages.
      { name: 'exponential_avg_factor', type: nb.binding.TF_ATTR_FLOAT, value: 1 },
    ];
    // In training mode with exponential_avg_factor 1 the mean and variance inputs are unused and may be empty.
    const empty = tf.tensor1d([], 'float32');
    try {
      return nb.executeMultipleOutputs(FUSED_BATCH_NORM, opAttrs, [x, scale, offset, empty, empty], 6);
    } finally {
      empty.dispose();
    }
  },
};

/**
 * inputs {dy, x, scale, reserve1, reserve2, reserve3} (the reserves from FusedBatchNormV3 on the same x), attrs
 * {epsilon} → [dx, dScale, dOffset].
 */
const fusedBatchNormGradConfig: tf.KernelConfig = {
  kernelName: FUSED_BATCH_NORM_GRAD,
  backendName: BACKEND,
  kernelFunc: ({ inputs, attrs, backend }) => {
    checkFloat32(FUSED_BATCH_NORM_GRAD, inputs);
    const { dy, x, scale, reserve1, reserve2, reserve3 } = inputs as Record<string, tf.TensorInfo>;
    const nb = backend as unknown as NodeBackend;
    const opAttrs = batchNormAttrs(nb, (attrs as { epsilon: number }).epsilon);
    const [dx, dScale, dOffset, unused4, unused5] = nb.executeMultipleOutputs(
      FUSED_BATCH_NORM_GRAD,
      opAttrs,
      [dy!, x!, scale!, reserve1!, reserve2!, reserve3!],
      5,
    );
    tf.dispose([unused4!, unused5!]);
    return [dx!, dScale!, dOffset!];
  },
};

/** inputs {dy, y} (y the ReLU's output or input, same shape) → dy where y > 0, else 0. */
const reluGradConfig: tf.KernelConfig = {
  kernelName: RELU_GRAD,
  backendName: BACKEND,
  kernelFunc: ({ inputs, backend }) => {
    checkFloat32(RELU_GRAD, inputs);
    const { dy, y } = inputs as { dy: tf.TensorInfo; y: tf.TensorInfo };
    const nb = backend as unknown as NodeBackend;
    return nb.executeSingleOutput(RELU_GRAD, [{ name: 'T', type: nb.binding.TF_ATTR_TYPE, value: nb.binding.TF_FLOAT }], [dy, y]);
  },
};

const CONFIGS = [fusedBatchNormConfig, fusedBatchNormGradConfig, reluGradConfig];

let enabled = true;

/** Registers the kernels above on the 'tensorflow' backend; idempotent (a kernel already there is kept). */
export function registerTensorflowKernels(): void {
  for (const config of CONFIGS) {
    if (tf.getKernel(config.kernelName, BACKEND) == null) tf.registerKernel(config);
  }
}

/**
 * The switch the model code asks: true while the active backend is 'tensorflow' and the kernels above are registered
 * on it (and not turned off with `useTensorflowKernels(false)`).
 */
export function tensorflowKernelsActive(): boolean {
  if (!enabled || tf.getBackend() !== BACKEND) return false;
  return CONFIGS.every((c) => tf.getKernel(c.kernelName, BACKEND) != null);
}

/**
 * Turns the fused path off (false) or back on (true, the default), process-wide: for tests and benchmarks that
 * compare it with tfjs' own ops on the same backend. Returns the previous setting.
 */
export function useTensorflowKernels(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}
