/**
 * Real-input FFT of a power-of-two size N, computed as one complex radix-4 FFT of size N/2 plus a split step
 * (pack even samples as real and odd samples as imaginary parts, transform, then untangle the two
 * spectra). Tables are built once per size; `forward` allocates nothing, so a feature extractor can
 * call it once per frame.
 *
 * Why not meyda's FFT: meyda calls fftjs, a complex FFT that rebuilds its bit-reversal table and
 * twiddles on every call and allocates an object per butterfly, and meyda's amplitude spectrum drops
 * the Nyquist bin (n_fft/2 bins instead of n_fft/2 + 1), which torch.stft keeps.
 */

/** True for 1, 2, 4, 8, …. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/**
 * Real-input FFT of a fixed power-of-two size N, tables built once (radix-4 complex FFT of N/2 points plus the
 * real-split step): N real samples → N/2 + 1 complex bins, unnormalised like numpy.fft.rfft.
 */
export class RealFft {
  /** Real input length N. */
  readonly size: number;
  /** Output bins N/2 + 1 (DC through Nyquist). */
  readonly bins: number;
  private readonly half: number; // M = N/2, the complex FFT size
  private readonly bitRev: Uint32Array; // [M] bit-reversed index of each position
  private readonly oddStages: boolean; // log2(M) odd: one radix-2 pass before the radix-4 passes
  private readonly tw4: Float64Array; // per radix-4 pass of length L, for j < L/4: cos, sin of 2πj/L, 4πj/L, 6πj/L
  private readonly cosN: Float64Array; // [M/2 + 1] cos(2πk/N), split-step twiddles
  private readonly sinN: Float64Array; // [M/2 + 1] sin(2πk/N)
  private readonly ones: Float64Array; // [N] the window used when none is given
  private readonly zr: Float64Array; // [M] work buffer, real part
  private readonly zi: Float64Array; // [M] work buffer, imaginary part

  constructor(size: number) {
    if (!isPowerOfTwo(size) || size < 2) {
      throw new RangeError(`FFT size must be a power of two >= 2 (${size} given)`);
    }
    this.size = size;
    const m = size / 2;
    this.half = m;
    this.bins = m + 1;
    this.bitRev = new Uint32Array(m);
    const bits = Math.round(Math.log2(m));
    for (let i = 0; i < m; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      this.bitRev[i] = r;
    }
    this.oddStages = bits % 2 === 1;
    const tw: number[] = [];
    for (let len = this.oddStages ? 8 : 16; len <= m; len <<= 2) {
      for (let j = 0; j < len / 4; j++) {
        for (let p = 1; p <= 3; p++) {
          const angle = (2 * Math.PI * p * j) / len;
          tw.push(Math.cos(angle), Math.sin(angle));
        }
      }
    }
    this.tw4 = Float64Array.from(tw);
    this.cosN = new Float64Array(Math.floor(m / 2) + 1);
    this.sinN = new Float64Array(Math.floor(m / 2) + 1);
    for (let k = 0; k <= m / 2; k++) {
      this.cosN[k] = Math.cos((2 * Math.PI * k) / size);
      this.sinN[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.ones = new Float64Array(size).fill(1);
    this.zr = new Float64Array(m);
    this.zi = new Float64Array(m);
  }

  /**
   * X[k] = Σ_n x[n]·e^{−2πikn/N} for k = 0..N/2, written to outRe/outIm (length >= N/2 + 1), where
   * x[n] = input[offset + n], times window[n] when a window (length N) is given — fusing the window into
   * the load saves the extractor a pass over every frame. Reads input[offset .. offset + N − 1].
   */
  forward(
    input: Float64Array | Float32Array,
    outRe: Float64Array,
    outIm: Float64Array,
    offset = 0,
    window?: Float64Array,
  ): void {
    const m = this.half;
    const zr = this.zr;
    const zi = this.zi;
    this.loadFirstPass(input, offset, window ?? this.ones);
    this.laterPasses();

    // Untangle: with E = DFT of even samples, O = DFT of odd samples (both length M),
    // E[k] = (Z[k] + conj Z[M−k]) / 2, O[k] = (Z[k] − conj Z[M−k]) / (2i), X[k] = E[k] + W^k·O[k],
    // X[M−k] = conj(E[k] − W^k·O[k]) with W = e^{−2πi/N}; both k and M−k come from one pair.
    outRe[0] = zr[0] + zi[0];
    outIm[0] = 0;
    outRe[m] = zr[0] - zi[0];
    outIm[m] = 0;
    const cosN = this.cosN;
    const sinN = this.sinN;
    for (let k = 1; k <= m / 2; k++) {
      const j = m - k;
      const ar = zr[k];
      const ai = zi[k];
      const br = zr[j];
      const bi = zi[j];
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai - bi);
      const or = 0.5 * (ai + bi);
      const oi = -0.5 * (ar - br);
      // W^k·O with W^k = cos − i·sin
      const c = cosN[k];
      const s = sinN[k];
      const tr = or * c + oi * s;
      const ti = oi * c - or * s;
      outRe[k] = er + tr;
      outIm[k] = ei + ti;
      outRe[j] = er - tr;
      outIm[j] = -(ei - ti);
    }
  }

  /**
   * |X[k]|² for k = 0..N/2 into `out` (length >= N/2 + 1), with the same input conventions as forward.
   * Skips writing and re-reading the complex spectrum when only its power is needed.
   */
  forwardPower(input: Float64Array | Float32Array, out: Float64Array, offset = 0, window?: Float64Array): void {
    const m = this.half;
    this.loadFirstPass(input, offset, window ?? this.ones);
    this.laterPasses();
    const zr = this.zr;
    const zi = this.zi;
    const cosN = this.cosN;
    const sinN = this.sinN;
    out[0] = (zr[0] + zi[0]) ** 2;
    out[m] = (zr[0] - zi[0]) ** 2;
    // Same untangling as forward; |X[M−k]| = |E[k] − W^k·O[k]|.
    for (let k = 1; k <= m / 2; k++) {
      const j = m - k;
      const er = 0.5 * (zr[k] + zr[j]);
      const ei = 0.5 * (zi[k] - zi[j]);
      const or = 0.5 * (zi[k] + zi[j]);
      const oi = -0.5 * (zr[k] - zr[j]);
      const c = cosN[k];
      const s = sinN[k];
      const tr = or * c + oi * s;
      const ti = oi * c - or * s;
      out[k] = (er + tr) * (er + tr) + (ei + ti) * (ei + ti);
      out[j] = (er - tr) * (er - tr) + (ei - ti) * (ei - ti);
    }
  }

  /**
   * Gathers z[n] = x[2n]·w[2n] + i·x[2n+1]·w[2n+1] into bit-reversed order and runs the first
   * decimation-in-time pass on the fly (radix-2 when log2(M) is odd, else a twiddle-free radix-4), which
   * saves a sweep over the buffer. Position p holds z[rev[p]] because bit reversal is its own inverse.
   */
  private loadFirstPass(input: Float64Array | Float32Array, offset: number, window: Float64Array): void {
    const m = this.half;
    const zr = this.zr;
    const zi = this.zi;
    const rev = this.bitRev;
    if (this.oddStages || m < 4) {
      for (let p = 0; p < m; p += 2) {
        const e = 2 * rev[p];
        const o = 2 * rev[p + 1 < m ? p + 1 : p];
        const ar = input[offset + e] * window[e];
        const ai = input[offset + e + 1] * window[e + 1];
        if (m === 1) {
          zr[0] = ar;
          zi[0] = ai;
          return;
        }
        const br = input[offset + o] * window[o];
        const bi = input[offset + o + 1] * window[o + 1];
        zr[p] = ar + br;
        zi[p] = ai + bi;
        zr[p + 1] = ar - br;
        zi[p + 1] = ai - bi;
      }
      return;
    }
    for (let p = 0; p < m; p += 4) {
      const e0 = 2 * rev[p];
      const e1 = 2 * rev[p + 1];
      const e2 = 2 * rev[p + 2];
      const e3 = 2 * rev[p + 3];
      const x0r = input[offset + e0] * window[e0];
      const x0i = input[offset + e0 + 1] * window[e0 + 1];
      const x1r = input[offset + e1] * window[e1];
      const x1i = input[offset + e1 + 1] * window[e1 + 1];
      const x2r = input[offset + e2] * window[e2];
      const x2i = input[offset + e2 + 1] * window[e2 + 1];
      const x3r = input[offset + e3] * window[e3];
      const x3i = input[offset + e3 + 1] * window[e3 + 1];
      // length-4 DFT of quarters (0, 1, 2, 3) = residues (0, 2, 1, 3); every twiddle is 1
      const t0r = x0r + x1r;
      const t0i = x0i + x1i;
      const t1r = x0r - x1r;
      const t1i = x0i - x1i;
      const t2r = x2r + x3r;
      const t2i = x2i + x3i;
      const t3r = x2r - x3r;
      const t3i = x2i - x3i;
      zr[p] = t0r + t2r;
      zi[p] = t0i + t2i;
      zr[p + 1] = t1r + t3i;
      zi[p + 1] = t1i - t3r;
      zr[p + 2] = t0r - t2r;
      zi[p + 2] = t0i - t2i;
      zr[p + 3] = t1r - t3i;
      zi[p + 3] = t1i + t3r;
    }
  }

  /** The remaining radix-4 decimation-in-time passes over zr/zi, in place. */
  private laterPasses(): void {
    const m = this.half;
    const zr = this.zr;
    const zi = this.zi;
    let len = this.oddStages || m < 4 ? 2 : 4; // block length the first pass left behind
    const tw = this.tw4;
    let twBase = 0;
    for (len <<= 2; len <= m; len <<= 2) {
      const q = len >> 2;
      // Block of `len` holds four DFTs of length q; bit-reversed order puts the residue-0, 2, 1, 3
      // subsequences at quarters 0, 1, 2, 3. Twiddle index outside, blocks inside: measured ~25% faster
      // in V8 than blocks outside, even for the last pass.
      for (let j = 0; j < q; j++) {
        const w = twBase + 6 * j; // cos/sin of W^j, W^{2j}, W^{3j}, W = e^{−2πi/len}; W^t = c − i·s
        const c1 = tw[w];
        const s1 = tw[w + 1];
        const c2 = tw[w + 2];
        const s2 = tw[w + 3];
        const c3 = tw[w + 4];
        const s3 = tw[w + 5];
        for (let i0 = j; i0 < m; i0 += len) {
          const i1 = i0 + q;
          const i2 = i1 + q;
          const i3 = i2 + q;
          const a0r = zr[i0];
          const a0i = zi[i0];
          // B2 = W^{2j}·A2 (quarter 1), B1 = W^j·A1 (quarter 2), B3 = W^{3j}·A3 (quarter 3)
          const b2r = zr[i1] * c2 + zi[i1] * s2;
          const b2i = zi[i1] * c2 - zr[i1] * s2;
          const b1r = zr[i2] * c1 + zi[i2] * s1;
          const b1i = zi[i2] * c1 - zr[i2] * s1;
          const b3r = zr[i3] * c3 + zi[i3] * s3;
          const b3i = zi[i3] * c3 - zr[i3] * s3;
          const t0r = a0r + b2r;
          const t0i = a0i + b2i;
          const t1r = a0r - b2r;
          const t1i = a0i - b2i;
          const t2r = b1r + b3r;
          const t2i = b1i + b3i;
          const t3r = b1r - b3r;
          const t3i = b1i - b3i;
          // X[j] = t0 + t2, X[j+q] = t1 − i·t3, X[j+2q] = t0 − t2, X[j+3q] = t1 + i·t3
          zr[i0] = t0r + t2r;
          zi[i0] = t0i + t2i;
          zr[i1] = t1r + t3i;
          zi[i1] = t1i - t3r;
          zr[i2] = t0r - t2r;
          zi[i2] = t0i - t2i;
          zr[i3] = t1r - t3i;
          zi[i3] = t1i + t3r;
        }
      }
      twBase += 6 * q;
    }
  }
}
