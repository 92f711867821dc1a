/**
 * The samples of a stream that are still needed, addressed by their index in the whole stream: chunks are appended
 * at the end (the store doubles when full, so appending n samples costs O(n) amortised) and samples no longer needed
 * are dropped from the front. Used by the streaming resampler and the streaming windower.
 */
export class SampleQueue {
  private store: Float32Array;
  private length = 0;
  /** Stream index of the first sample kept. */
  start = 0;

  constructor(initialCapacity = 0) {
    this.store = new Float32Array(initialCapacity);
  }

  /** Stream index one past the last sample appended. */
  get end(): number {
    return this.start + this.length;
  }

  append(chunk: Float32Array): void {
    const needed = this.length + chunk.length;
    if (needed > this.store.length) {
      const grown = new Float32Array(Math.max(needed, this.store.length * 2));
      grown.set(this.store.subarray(0, this.length));
      this.store = grown;
    }
    this.store.set(chunk, this.length);
    this.length = needed;
  }

  /** Samples [from, to) by stream index, as a view (valid until the next append or drop); `to` defaults to the end. */
  view(from: number, to = this.end): Float32Array {
    if (from < this.start || to > this.end || to < from) throw new RangeError(`samples [${from}, ${to}) asked of a queue holding [${this.start}, ${this.end})`);
    return this.store.subarray(from - this.start, to - this.start);
  }

  /** Forgets every sample before stream index `index` (clamped to what is held). */
  dropBefore(index: number): void {
    const drop = Math.min(index - this.start, this.length);
    if (drop <= 0) return;
    this.store.copyWithin(0, drop, this.length);
    this.length -= drop;
    this.start += drop;
  }
}
