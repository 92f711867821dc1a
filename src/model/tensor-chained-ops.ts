/**
 * Tensor methods (`t.flatten()`, `t.sign()`, …) that tfjs-layers calls internally — e.g. its Orthogonal
 * initializer, the GRU's default recurrent initializer — but that tfjs-core's Node bundle does not install:
 * the umbrella '@tensorflow/tfjs' package registers them, and it is not a dependency here. Each method forwards to
 * the op of the same name, as tfjs-core's own chained-op files do. Installing is idempotent and never replaces a
 * method that already exists.
 */
import * as tf from '@tensorflow/tfjs-core';

type AnyFn = (...args: unknown[]) => unknown;

/** Methods whose op has the same name and takes the tensor as its first argument. */
const SAME_NAME = [
  'abs', 'acos', 'acosh', 'add', 'all', 'any', 'argMax', 'argMin', 'asin', 'asinh', 'atan', 'atan2', 'atanh',
  'avgPool', 'batchToSpaceND', 'batchNorm', 'broadcastTo', 'cast', 'ceil', 'clipByValue', 'conv1d',
  'conv2d', 'conv2dTranspose', 'cos', 'cosh', 'cumprod', 'cumsum', 'depthToSpace', 'depthwiseConv2d', 'dilation2d',
  'div', 'divNoNan', 'dot', 'elu', 'equal', 'erf', 'euclideanNorm', 'exp', 'expandDims', 'expm1', 'floor',
  'floorDiv', 'gather', 'greater', 'greaterEqual', 'isFinite', 'isInf', 'isNaN', 'leakyRelu', 'less', 'lessEqual',
  'localResponseNormalization', 'log', 'log1p', 'logSigmoid', 'logSoftmax', 'logSumExp', 'logicalAnd', 'logicalNot',
  'logicalOr', 'logicalXor', 'matMul', 'max', 'maxPool', 'maximum', 'mean', 'min', 'minimum', 'mirrorPad', 'mod',
  'mul', 'neg', 'norm', 'notEqual', 'oneHot', 'onesLike', 'pad', 'pool', 'pow', 'prelu', 'prod', 'reciprocal',
  'relu', 'relu6', 'reshape', 'reverse', 'round', 'rsqrt', 'selu', 'separableConv2d', 'sigmoid', 'sign', 'sin',
  'sinh', 'slice', 'softmax', 'softplus', 'spaceToBatchND', 'split', 'sqrt', 'square', 'squaredDifference',
  'squeeze', 'step', 'stridedSlice', 'sub', 'sum', 'tan', 'tanh', 'tile', 'topk', 'transpose', 'unique',
  'unsortedSegmentSum', 'unstack', 'zerosLike',
] as const;

/** Installs the methods listed here on tf.Tensor.prototype (see above); idempotent, never replaces an existing one. */
export function installTensorChainedOps(): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, AnyFn>;
  const ops = tf as unknown as Record<string, AnyFn>;
  const define = (name: string, fn: AnyFn) => {
    if (typeof proto[name] !== 'function') proto[name] = fn;
  };
  for (const name of SAME_NAME) {
    const op = ops[name];
    if (typeof op === 'function') {
      define(name, function (this: tf.Tensor, ...args: unknown[]) {
        return op(this, ...args);
      });
    }
  }
  // The three whose tensor is not the op's first argument.
  define('concat', function (this: tf.Tensor, x: unknown, axis?: unknown) {
    const rest = Array.isArray(x) ? (x as tf.Tensor[]) : [x as tf.Tensor];
    return tf.concat([this, ...rest], axis as number | undefined);
  });
  define('stack', function (this: tf.Tensor, x: unknown, axis?: unknown) {
    const rest = Array.isArray(x) ? (x as tf.Tensor[]) : [x as tf.Tensor];
    return tf.stack([this, ...rest], axis as number | undefined);
  });
  define('where', function (this: tf.Tensor, condition: unknown, x: unknown) {
    return tf.where(condition as tf.Tensor, this, x as tf.Tensor);
  });
  define('flatten', function (this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  });
  define('asScalar', function (this: tf.Tensor) {
    return tf.reshape(this, []);
  });
  for (const [name, rank] of [['as1D', 1], ['as2D', 2], ['as3D', 3], ['as4D', 4], ['as5D', 5]] as const) {
    define(name, function (this: tf.Tensor, ...shape: unknown[]) {
      return tf.reshape(this, rank === 1 ? [this.size] : (shape as number[]));
    });
  }
  define('asType', function (this: tf.Tensor, dtype: unknown) {
    return tf.cast(this, dtype as tf.DataType);
  });
  define('toFloat', function (this: tf.Tensor) {
    return tf.cast(this, 'float32');
  });
  define('toInt', function (this: tf.Tensor) {
    return tf.cast(this, 'int32');
  });
  define('toBool', function (this: tf.Tensor) {
    return tf.cast(this, 'bool');
  });
  define('reshapeAs', function (this: tf.Tensor, other: unknown) {
    return tf.reshape(this, (other as tf.Tensor).shape);
  });
}

installTensorChainedOps();
