/**
 * tfjs-layers' BatchNormalization, with its training-mode forward and gradient as TensorFlow's fused kernels
 * (FusedBatchNormV3 / FusedBatchNormGradV3) while `tensorflowKernelsActive()`; everywhere else, and in inference mode,
 * it is the stock layer. tfjs differentiates the stock training path (tf.moments, then tf.batchNorm) as a dozen
 * broadcast ops over the activations; TensorFlow's backward op is one pass.
 *
 * Same semantics as the stock layer (tfjs-layers 4.22 normalization.js): normalised with the batch mean and the biased
 * batch variance Σ(x − μ)²/n, n the elements per channel; the moving averages updated in the same way and the same
 * order, moving ← moving − (moving − batch)·(1 − momentum), with the biased variance; the same ε. It is registered
 * under the stock class name, with the stock config and weights (gamma, beta, moving_mean, moving_variance), so saved
 * models are unchanged and every model loaded from model.json gets this class. Covered: channels-last 4-D float32
 * input (every conv block of the CRNN) with center and scale on; any other case runs the stock code.
 */
import * as tf from '@tensorflow/tfjs-core';
import { layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import type { BatchNormalization as StockBatchNormalization } from '@tensorflow/tfjs-layers/dist/layers/normalization.js';
import { FUSED_BATCH_NORM, FUSED_BATCH_NORM_GRAD, tensorflowKernelsActive } from '../backend/tensorflow-kernels.ts';

export interface BatchStatistics {
  /** Normalised output, same shape as x. */
  y: tf.Tensor4D;
  /** Batch mean per channel [C]; not differentiable. */
  mean: tf.Tensor1D;
  /** Biased batch variance per channel [C] (what tf.moments gives); not differentiable. */
  variance: tf.Tensor1D;
}

/**
 * Training-mode batch normalisation of x [N, H, W, C] with γ (scale) and β (offset) [C] through FusedBatchNormV3,
 * differentiable in x, γ and β through FusedBatchNormGradV3. Needs `tensorflowKernelsActive()`. The caller owns (and
 * disposes) `mean` and `variance`.
 */
export function fusedBatchNormTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): BatchStatistics {
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  let mean: tf.Tensor1D | null = null;
  let variance: tf.Tensor1D | null = null;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xx, scale, offset] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
    const save = args[3] as tf.GradSaveFunc;
    const [y, batchMean, batchVariance, r1, r2, r3] = tf.engine().runKernel(FUSED_BATCH_NORM, { x: xx, scale, offset }, { epsilon }) as tf.Tensor[];
    save([xx, scale, r1!, r2!, r3!]);
    mean = tf.keep(batchMean as tf.Tensor1D);
    // TensorFlow reports Σ(x − μ)²/(n − 1) (n − 1 floored at 1); the layer's moving variance takes Σ(x − μ)²/n.
    variance = tf.keep(n > 1 ? tf.mul(batchVariance!, (n - 1) / n) : tf.zerosLike(batchVariance!)) as tf.Tensor1D;
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [sx, sScale, s1, s2, s3] = saved;
      const inputs = { dy, x: sx!, scale: sScale!, reserve1: s1!, reserve2: s2!, reserve3: s3! };
      return tf.engine().runKernel(FUSED_BATCH_NORM_GRAD, inputs, { epsilon }) as tf.Tensor[];
    };
    return { value: y as tf.Tensor4D, gradFunc };
  });
  const y = op(x, gamma, beta) as tf.Tensor4D;
  return { y, mean: mean!, variance: variance! };
}

/** The stock layer's private fields this class reads (tfjs-layers is pinned at 4.22.0; the parity tests cover it). */
interface StockFields {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: LayerVariable;
  beta: LayerVariable;
  movingMean: LayerVariable;
  movingVariance: LayerVariable;
}

// The stock class, taken from an instance: tfjs-layers' package entry does not export it, and a deep import of its
// dist/ files would load a second copy of tfjs-layers.
const Stock = layers.batchNormalization({}).constructor as typeof StockBatchNormalization;

/** `layers.batchNormalization` with TensorFlow's fused training kernels where they are active (see above). */
export class BatchNormalization extends Stock {
  static override className = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const f = this as unknown as StockFields;
    const axis = f.axis < 0 ? f.axis + x.rank : f.axis;
    const fused = kwargs['training'] === true && tensorflowKernelsActive() && x.rank === 4 && axis === 3 && f.center && f.scale && x.dtype === 'float32';
    if (!fused) return super.call(inputs, kwargs);
    return tf.tidy(() => {
      const { y, mean, variance } = fusedBatchNormTraining(x as tf.Tensor4D, f.gamma.read() as tf.Tensor1D, f.beta.read() as tf.Tensor1D, f.epsilon);
      // The stock layer's moving-average update, op for op.
      const decay = 1 - f.momentum;
      for (const [variable, value] of [[f.movingMean, mean], [f.movingVariance, variance]] as const) {
        tf.tidy(() => {
          const orig = variable.read();
          variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), decay)));
        });
      }
      tf.dispose([mean, variance]);
      return y;
    });
  }
}
// Replaces the stock class under its own name: models loaded from model.json get this one.
tf.serialization.registerClass(BatchNormalization);
