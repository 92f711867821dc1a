/**
 * Gated linear unit over the channel axis: the input's 2F channels are split into a (first F) and b (last F),
 * output a · sigmoid(b) with F channels. The conv before it therefore has twice the block's filters.
 */
import * as tf from '@tensorflow/tfjs-core';
import { layers, type Shape } from '@tensorflow/tfjs-layers';
import { ShapeError } from '../errors.ts';

export interface GluArgs {
  name?: string;
}

/** The GLU layer described above: [.., 2F] → [.., F]. */
export class Glu extends layers.Layer {
  static className = 'SedGlu';

  constructor(args: GluArgs = {}) {
    super({ name: args.name });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const channels = shape[shape.length - 1];
    if (channels == null || channels % 2 !== 0) {
      throw new ShapeError(`${this.name} input`, 'an even, known channel count (last axis)', `[${shape.join(', ')}]`);
    }
    return [...shape.slice(0, -1), channels / 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [a, b] = tf.split(x, 2, -1);
      return tf.mul(a!, tf.sigmoid(b!));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig() };
  }
}
tf.serialization.registerClass(Glu);
