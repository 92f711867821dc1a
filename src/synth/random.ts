/**
 * Random draws for the synthetic data generator, on the project's seeded sfc32 stream (util/rng.ts).
 * Each clip gets its own stream derived from (seed, subset, clip index), so clips can be rendered in any order
 * or in parallel and still come out bit-identical.
 */
import { Rng } from '../util/rng.ts';

/** One clip's (or subset's) random stream: uniform, normal and integer draws on a seeded sfc32 Rng. */
export class SynthRandom {
  private readonly rng: Rng;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.rng.next();
  }

  /** A 32-bit seed for a fast local generator (see uniformNoiseSource). */
  seed32(): number {
    return this.rng.nextUint32();
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.rng.next();
  }

  /** Integer in [low, high], both ends included. */
  int(low: number, high: number): number {
    return low + Math.floor(this.rng.next() * (high - low + 1));
  }

  /** Standard normal by Box–Muller; the second value of each pair is kept for the next call. */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.rng.next(); // log(0) guard
    const v = this.rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** median × exp(σ·z): a lognormal draw whose median is `median`. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng.next() * items.length)];
  }

  shuffle<T>(items: T[]): T[] {
    return this.rng.shuffle(items);
  }
}

/** A 32-bit seed for one stream, mixed from the run seed and integer coordinates (murmur3 finalizer). */
export function streamSeed(seed: number, ...coords: number[]): number {
  let h = seed >>> 0;
  for (const c of coords) {
    h = Math.imul(h ^ (c >>> 0), 0x9e3779b1) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * A fast uniform source in [-1, 1) for filling noise buffers (mulberry32, inlined by the JIT), seeded from the
 * clip's stream: sample-rate noise through the sfc32 class wrapper cost several ms per 10 s clip.
 */
export function uniformNoiseSource(rng: SynthRandom): () => number {
  let a = rng.seed32();
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2147483648 - 1;
  };
}
