/**
 * A bidirectional GRU as one op with its own gradient, for the backends where tfjs-layers' GRU is slow because it
 * runs every time step as a dozen tiny ops (wasm, cpu: issue 5). Same formula and weights as
 * `layers.bidirectional({layer: layers.gru({recurrentActivation: 'sigmoid', returnSequences: true})})` — see
 * gru-math.ts — so `getWeights()` / `setWeights()` take the same six arrays in the same order (forward kernel,
 * recurrent kernel, bias, then backward ones).
 *
 * On wasm and cpu the forward pass is one matMul for the input projections of all frames and both directions,
 * then the recurrence in plain JS; the backward pass is BPTT in plain JS plus four matMuls (∂x, ∂K, ∂U per
 * direction over all frames at once). On any other backend (tensorflow, CUDA) the layer runs the same math in
 * per-step tf ops, where the native kernels are fast and autodiff gives the gradient.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable, type Shape } from '@tensorflow/tfjs-layers';
import { ShapeError } from '../errors.ts';
import {
  biGruTfOps,
  gruBackwardJs,
  gruForwardJs,
  newGruTrace,
  type GruTrace,
  type GruWeights,
} from './gru-math.ts';

/** Backends on which the plain-JS recurrence is the fast path (their tensors live in JS-reachable memory). */
const FUSED_BACKENDS = new Set(['wasm', 'cpu', 'tensorflow']);

/**
 * The fused op: x [batch, frames, dims] and both directions' weights → [batch, frames, 2·units], differentiable
 * with respect to every input.
 */
export function fusedBiGru(x: tf.Tensor3D, forward: GruWeights, backward: GruWeights): tf.Tensor3D {
  return op(x, forward.kernel, forward.recurrentKernel, forward.bias, backward.kernel, backward.recurrentKernel, backward.bias);
}

const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, kf, uf, bf, kb, ub, bb] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
  const save = args[7] as tf.GradSaveFunc;
  const [batch, frames, dims] = x.shape;
  const units = uf.shape[0];
  const n3 = 3 * units;
  const rows = batch * frames;
  const kernel = tf.concat([kf, kb], 1); // [dims, 6·units]
  const x2d = tf.reshape(x, [rows, dims]);
  const xp = tf.add(tf.matMul(x2d, kernel), tf.concat([bf, bb])).dataSync() as Float32Array; // [rows, 6·units]
  const recurrent = [uf.dataSync() as Float32Array, ub.dataSync() as Float32Array];
  const out = new Float32Array(rows * 2 * units); // [rows, 2·units]: forward | backward
  const traces: GruTrace[] = [];
  for (const dir of [0, 1]) {
    const trace = newGruTrace(batch, frames, units);
    gruForwardJs({ batch, frames, units, reverse: dir === 1 }, xp, 2 * n3, dir * n3, recurrent[dir]!, out, 2 * units, dir * units, trace);
    traces.push(trace);
  }
  save([x2d, kernel]);
  const value = tf.tensor3d(out, [batch, frames, 2 * units]);

  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [xs, k] = saved as [tf.Tensor2D, tf.Tensor2D];
    const dOut = dy.dataSync() as Float32Array;
    const dGates = new Float32Array(rows * 2 * n3); // [rows, 6·units]: forward z r h | backward z r h
    for (const dir of [0, 1]) {
      gruBackwardJs({ batch, frames, units, reverse: dir === 1 }, dOut, 2 * units, dir * units, recurrent[dir]!, traces[dir]!, dGates, 2 * n3, dir * n3);
    }
    const dG = tf.tensor2d(dGates, [rows, 2 * n3]);
    const dx = tf.reshape(tf.matMul(dG, k, false, true), [batch, frames, dims]);
    const [dkf, dkb] = tf.split(tf.matMul(xs, dG, true, false), 2, 1);
    const [dbf, dbb] = tf.split(tf.sum(dG, 0), 2);
    const dU = (dir: number): tf.Tensor2D => {
      const hPrev = tf.tensor2d(traces[dir]!.hPrev, [rows, units]);
      const rh = tf.tensor2d(traces[dir]!.rh, [rows, units]);
      const dzr = tf.slice(dG, [0, dir * n3], [rows, 2 * units]);
      const dh = tf.slice(dG, [0, dir * n3 + 2 * units], [rows, units]);
      return tf.concat([tf.matMul(hPrev, dzr, true, false), tf.matMul(rh, dh, true, false)], 1) as tf.Tensor2D;
    };
    return [dx, dkf!, dU(0), dbf!, dkb!, dU(1), dbb!];
  };
  return { value, gradFunc };
}) as (...inputs: tf.Tensor[]) => tf.Tensor3D;

export interface FusedBiGruArgs {
  /** Units per direction; the output has 2·units features per frame (forward, then backward). */
  units: number;
  name?: string;
  trainable?: boolean;
}

/**
 * [batch, frames, dims] → [batch, frames, 2·units], returning sequences. Initialisers are those of tfjs-layers'
 * GRU: glorotNormal kernel, orthogonal recurrent kernel, zero bias.
 */
export class FusedBiGru extends layers.Layer {
  static className = 'SedFusedBiGru';
  readonly units: number;
  private weightsOf: { forward: GruVariables; backward: GruVariables } | null = null;

  constructor(args: FusedBiGruArgs) {
    super({ name: args.name, trainable: args.trainable });
    if (!Number.isInteger(args.units) || args.units < 1) {
      throw new ShapeError(`${args.name ?? 'FusedBiGru'} units`, 'a positive integer', String(args.units));
    }
    this.units = args.units;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const dims = shape[shape.length - 1];
    if (shape.length !== 3 || dims == null) {
      throw new ShapeError(`${this.name} input`, '[batch, frames, dims] with known dims', `[${shape.join(', ')}]`);
    }
    const n3 = 3 * this.units;
    const direction = (prefix: string): GruVariables => ({
      kernel: this.addWeight(`${prefix}_kernel`, [dims, n3], 'float32', initializers.glorotNormal({})),
      recurrentKernel: this.addWeight(`${prefix}_recurrent_kernel`, [this.units, n3], 'float32', initializers.orthogonal({})),
      bias: this.addWeight(`${prefix}_bias`, [n3], 'float32', initializers.zeros()),
    });
    this.weightsOf = { forward: direction('forward'), backward: direction('backward') };
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0]!, shape[1]!, 2 * this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
      const read = (v: GruVariables): GruWeights => ({
        kernel: v.kernel.read() as tf.Tensor2D,
        recurrentKernel: v.recurrentKernel.read() as tf.Tensor2D,
        bias: v.bias.read() as tf.Tensor1D,
      });
      const forward = read(this.weightsOf!.forward);
      const backward = read(this.weightsOf!.backward);
      return FUSED_BACKENDS.has(tf.getBackend()) ? fusedBiGru(x, forward, backward) : biGruTfOps(x, forward, backward);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}
tf.serialization.registerClass(FusedBiGru);

interface GruVariables {
  kernel: LayerVariable;
  recurrentKernel: LayerVariable;
  bias: LayerVariable;
}
