/**
 * The GRU of tfjs-layers (Keras resetAfter = false, gates in the order z, r, h), written twice:
 *
 *   z  = σ(x·K_z + b_z + h₋·U_z)          r = σ(x·K_r + b_r + h₋·U_r)
 *   h~ = tanh(x·K_h + b_h + (r ⊙ h₋)·U_h)  h = z ⊙ h₋ + (1 − z) ⊙ h~
 *
 * with K [dims, 3·units], U [units, 3·units], b [3·units] and h₋ = 0 before the first step. A backward
 * direction walks time from the last frame to the first; its outputs stay aligned with the input's frames.
 *
 * `gruForwardJs` / `gruBackwardJs` run the recurrence of one direction on Float32Arrays (the input projections
 * x·K + b are computed beforehand for all frames by one matMul), so a sequence costs no tensor per time step;
 * the backward pass is backpropagation through time and leaves the gate gradients of every frame in one array,
 * from which the kernel, bias and input gradients are single matMuls. `biGruTfOps` is the same network in
 * per-step tf ops with autodiff: the path for backends where plain-JS loops would be the slow side (tensorflow),
 * and the reference the fused path is tested against.
 */
import * as tf from '@tensorflow/tfjs-core';

/** What the backward pass needs from the forward pass of one direction; every array is [batch·frames, units]. */
export interface GruTrace {
  z: Float32Array;
  r: Float32Array;
  /** The candidate state h~. */
  hh: Float32Array;
  /** The state before each step (zeros for the direction's first step). */
  hPrev: Float32Array;
  /** r ⊙ h₋, the left factor of U_h. */
  rh: Float32Array;
}

/** Shapes and the layout of the shared arrays: row b·frames + t, this direction's columns from `offset`. */
export interface GruGeometry {
  batch: number;
  frames: number;
  units: number;
  /** Walk time from the last frame to the first. */
  reverse: boolean;
}

/** Zeroed buffers for the gates and states a fused GRU pass keeps for its backward pass, each [batch, frames, units]. */
export function newGruTrace(batch: number, frames: number, units: number): GruTrace {
  const n = batch * frames * units;
  return { z: new Float32Array(n), r: new Float32Array(n), hh: new Float32Array(n), hPrev: new Float32Array(n), rh: new Float32Array(n) };
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * dst[b·dstStride + o] = Σ_{j<len} vec[vecStart + b·vecStride + j] · w[o·wStride + wOff + j], for b < rows and
 * o < outs: a small [rows, len] × [len, outs] product in dot-product form, four rows at a time so that every
 * weight read serves four accumulators (register blocking; ~2× the plain loop under V8).
 */
function rowsDot(
  vec: Float32Array, vecStart: number, vecStride: number, rows: number,
  w: Float32Array, wStride: number, wOff: number, len: number, outs: number,
  dst: Float32Array, dstStride: number,
): void {
  for (let o = 0; o < outs; o++) {
    const wo = o * wStride + wOff;
    let b = 0;
    for (; b + 3 < rows; b += 4) {
      const v0 = vecStart + b * vecStride;
      const v1 = v0 + vecStride;
      const v2 = v1 + vecStride;
      const v3 = v2 + vecStride;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let j = 0; j < len; j++) {
        const wv = w[wo + j]!;
        s0 += wv * vec[v0 + j]!;
        s1 += wv * vec[v1 + j]!;
        s2 += wv * vec[v2 + j]!;
        s3 += wv * vec[v3 + j]!;
      }
      dst[b * dstStride + o] = s0;
      dst[(b + 1) * dstStride + o] = s1;
      dst[(b + 2) * dstStride + o] = s2;
      dst[(b + 3) * dstStride + o] = s3;
    }
    for (; b < rows; b++) {
      const v0 = vecStart + b * vecStride;
      let s0 = 0;
      for (let j = 0; j < len; j++) s0 += w[wo + j]! * vec[v0 + j]!;
      dst[b * dstStride + o] = s0;
    }
  }
}

/** U [units, 3·units] → Uᵀ [3·units, units], so that the forward products read contiguous weight rows. */
function transposed(u: Float32Array, units: number): Float32Array {
  const n3 = 3 * units;
  const t = new Float32Array(u.length);
  for (let k = 0; k < units; k++) for (let j = 0; j < n3; j++) t[j * units + k] = u[k * n3 + j]!;
  return t;
}

/**
 * One direction's recurrence. `xp` holds x·K + b for every (batch, frame) row, `xpStride` floats a row, this
 * direction's 3·units columns from `xpOffset`; `u` is U [units, 3·units] row-major. Writes h into `out`
 * (row stride `outStride`, columns from `outOffset`) and fills `trace`.
 */
export function gruForwardJs(
  g: GruGeometry,
  xp: Float32Array, xpStride: number, xpOffset: number,
  u: Float32Array,
  out: Float32Array, outStride: number, outOffset: number,
  trace: GruTrace,
): void {
  const { batch, frames, units: n, reverse } = g;
  const n2 = 2 * n;
  const { z: Z, r: R, hh: HH, hPrev: HP, rh: RH } = trace;
  const uT = transposed(u, n);
  const azr = new Float32Array(batch * n2); // h₋ · U_zr, [batch, 2·units]
  const ah = new Float32Array(batch * n); // (r ⊙ h₋) · U_h, [batch, units]
  const rowStride = frames * n; // between batch rows of the trace arrays at one frame
  for (let s = 0; s < frames; s++) {
    const t = reverse ? frames - 1 - s : s;
    const tPrev = reverse ? t + 1 : t - 1;
    if (s > 0) {
      for (let b = 0; b < batch; b++) {
        const po = (b * frames + tPrev) * outStride + outOffset;
        const base = (b * frames + t) * n;
        for (let k = 0; k < n; k++) HP[base + k] = out[po + k]!;
      }
      rowsDot(HP, t * n, rowStride, batch, uT, n, 0, n, n2, azr, n2);
    } // else h₋ = 0: HP stays zero (fresh arrays), azr is still zero
    for (let b = 0; b < batch; b++) {
      const base = (b * frames + t) * n;
      const xo = (b * frames + t) * xpStride + xpOffset;
      const ao = b * n2;
      for (let j = 0; j < n; j++) {
        const zj = sigmoid(xp[xo + j]! + azr[ao + j]!);
        const rj = sigmoid(xp[xo + n + j]! + azr[ao + n + j]!);
        Z[base + j] = zj;
        R[base + j] = rj;
        RH[base + j] = rj * HP[base + j]!;
      }
    }
    if (s > 0) rowsDot(RH, t * n, rowStride, batch, uT, n, n2 * n, n, n, ah, n);
    for (let b = 0; b < batch; b++) {
      const row = b * frames + t;
      const base = row * n;
      const xo = row * xpStride + xpOffset + n2;
      const oo = row * outStride + outOffset;
      for (let j = 0; j < n; j++) {
        const hh = Math.tanh(xp[xo + j]! + ah[b * n + j]!);
        HH[base + j] = hh;
        const zj = Z[base + j]!;
        out[oo + j] = zj * HP[base + j]! + (1 - zj) * hh;
      }
    }
  }
}

/**
 * Backpropagation through time for one direction. `dOut` is ∂L/∂h for every (batch, frame) row (stride, offset as
 * in the forward pass). Writes ∂L/∂(x·K + b + h₋·U) per gate — the pre-activation gradients [dz, dr, dh~] — into
 * `dGates` (row stride `gStride`, columns from `gOffset`); ∂L/∂U is then hPrevᵀ·dG_zr and rhᵀ·dG_h.
 */
export function gruBackwardJs(
  g: GruGeometry,
  dOut: Float32Array, outStride: number, outOffset: number,
  u: Float32Array,
  trace: GruTrace,
  dGates: Float32Array, gStride: number, gOffset: number,
): void {
  const { batch, frames, units: n, reverse } = g;
  const n2 = 2 * n;
  const n3 = 3 * n;
  const { z: Z, r: R, hh: HH, hPrev: HP } = trace;
  const carry = new Float32Array(batch * n); // ∂L/∂h₋ flowing to the previous step, [batch, units]
  const dhPrev = new Float32Array(batch * n);
  const dg = new Float32Array(batch * n3); // this step's [dz, dr, dh~] pre-activation gradients, [batch, 3·units]
  const drh = new Float32Array(batch * n); // ∂L/∂(r ⊙ h₋)
  const back = new Float32Array(batch * n); // [dz, dr] · U_zrᵀ
  for (let s = frames - 1; s >= 0; s--) {
    const t = reverse ? frames - 1 - s : s;
    for (let b = 0; b < batch; b++) {
      const row = b * frames + t;
      const base = row * n;
      const oo = row * outStride + outOffset;
      const go = b * n3;
      for (let j = 0; j < n; j++) {
        const dh = dOut[oo + j]! + carry[b * n + j]!;
        const zj = Z[base + j]!;
        const hh = HH[base + j]!;
        dhPrev[b * n + j] = dh * zj;
        dg[go + n2 + j] = dh * (1 - zj) * (1 - hh * hh);
        dg[go + j] = dh * (HP[base + j]! - hh) * zj * (1 - zj);
      }
    }
    rowsDot(dg, n2, n3, batch, u, n3, n2, n, n, drh, n); // dh~ · U_hᵀ
    for (let b = 0; b < batch; b++) {
      const base = (b * frames + t) * n;
      for (let k = 0; k < n; k++) {
        const rk = R[base + k]!;
        const d = drh[b * n + k]!;
        dhPrev[b * n + k] += d * rk;
        dg[b * n3 + n + k] = d * HP[base + k]! * rk * (1 - rk);
      }
    }
    rowsDot(dg, 0, n3, batch, u, n3, 0, n2, n, back, n); // [dz, dr] · U_zrᵀ
    for (let b = 0; b < batch; b++) {
      for (let k = 0; k < n; k++) carry[b * n + k] = dhPrev[b * n + k]! + back[b * n + k]!;
      const go = (b * frames + t) * gStride + gOffset;
      for (let j = 0; j < n3; j++) dGates[go + j] = dg[b * n3 + j]!;
    }
  }
}

/** One direction's weights: kernel [dims, 3·units], recurrent kernel [units, 3·units], bias [3·units]. */
export interface GruWeights {
  kernel: tf.Tensor2D;
  recurrentKernel: tf.Tensor2D;
  bias: tf.Tensor1D;
}

/** One direction in per-step tf ops: [batch, frames, dims] → [batch, frames, units]. */
export function gruTfOps(x: tf.Tensor3D, w: GruWeights, reverse: boolean): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, frames, dims] = x.shape;
    const units = w.recurrentKernel.shape[0];
    const xp = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [batch * frames, dims]), w.kernel), w.bias), [batch, frames, 3 * units]);
    // frames × [batch, 3·units]. Not unstack when frames = 1: tfjs 4.22's Unpack gradient then gets one tensor
    // instead of a list and throws ('Argument tensors passed to stack must be a `Tensor[]`').
    const steps = frames === 1 ? [tf.reshape(xp, [batch, 3 * units])] : tf.unstack(xp, 1);
    const uzr = tf.slice(w.recurrentKernel, [0, 0], [units, 2 * units]);
    const uh = tf.slice(w.recurrentKernel, [0, 2 * units], [units, units]);
    let h: tf.Tensor2D = tf.zeros([batch, units]);
    const outs: tf.Tensor2D[] = new Array(frames);
    for (let s = 0; s < frames; s++) {
      const t = reverse ? frames - 1 - s : s;
      const [xz, xr, xh] = tf.split(steps[t]!, 3, 1);
      const [rz, rr] = tf.split(tf.matMul(h, uzr), 2, 1);
      const z = tf.sigmoid(tf.add(xz!, rz!));
      const r = tf.sigmoid(tf.add(xr!, rr!));
      const hh = tf.tanh(tf.add(xh!, tf.matMul(tf.mul(r, h), uh)));
      h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), hh));
      outs[t] = h;
    }
    return tf.stack(outs, 1) as tf.Tensor3D;
  });
}

/** Both directions in tf ops, concatenated: [batch, frames, dims] → [batch, frames, 2·units]. */
export function biGruTfOps(x: tf.Tensor3D, forward: GruWeights, backward: GruWeights): tf.Tensor3D {
  return tf.tidy(() => tf.concat([gruTfOps(x, forward, false), gruTfOps(x, backward, true)], 2));
}
