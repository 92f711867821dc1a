/**
 * A Resampler over audio that arrives in chunks, with the same output, sample for sample and bit for bit, as one
 * `Resampler.process` over the whole signal; it holds only the input that later outputs still need.
 *
 * How: output k of the whole signal is a dot product of the table row for phase (k·down) mod up with the input around
 * p(k) = floor(k·down / up), reaching less than `tapCount` samples either side of p(k), zeros outside the signal.
 * Processing the input from sample m·down on (a multiple of `down`) gives output k − m·up the same phase and the same
 * input samples, so each output is recomputed exactly: we keep those whose taps lie inside what we passed (or past
 * the signal's true end, where process() pads with the same zeros).
 */
import type { Resampler } from './resample.ts';
import { SampleQueue } from './sample-queue.ts';

/** Wraps one Resampler (shared, stateless between calls) with the state of one stream; use one per signal. */
export class StreamingResampler {
  private readonly input = new SampleQueue(); // input.start is always a multiple of `down`
  private received = 0;
  private produced = 0;
  private finished = false;

  constructor(readonly resampler: Resampler) {}

  /** Outputs a whole signal of `inputLength` samples gives (ceil(n · to / from)). */
  outputLength(inputLength: number): number {
    return this.resampler.outputLength(inputLength);
  }

  /** Adds input; returns the outputs it completes (possibly none), in order. */
  push(chunk: Float32Array): Float32Array {
    if (this.finished) throw new Error('StreamingResampler: push after finish');
    if (this.resampler.passthrough) {
      this.received += chunk.length;
      this.produced += chunk.length;
      return chunk;
    }
    this.input.append(chunk);
    this.received += chunk.length;
    const { up, down, tapCount } = this.resampler;
    // Outputs whose taps all lie inside the input so far: p(k) + tapCount ≤ received.
    const last = this.received - tapCount;
    const end = last < 0 ? 0 : Math.floor(((last + 1) * up - 1) / down) + 1;
    return this.emit(Math.min(end, this.outputLength(this.received)));
  }

  /** Ends the signal; returns the remaining outputs (those near the end see zeros past it, as process() does). */
  finish(): Float32Array {
    if (this.finished) throw new Error('StreamingResampler: finish called twice');
    this.finished = true;
    if (this.resampler.passthrough) return new Float32Array(0);
    return this.emit(this.outputLength(this.received));
  }

  /** The first input block index m (input from m·down) whose process() gets output `k` exactly. */
  private blockFor(k: number): number {
    const { up, down, tapCount } = this.resampler;
    return Math.max(0, Math.floor((Math.floor((k * down) / up) - tapCount) / down));
  }

  private emit(end: number): Float32Array {
    const start = this.produced;
    if (end <= start) return new Float32Array(0);
    const { up, down } = this.resampler;
    const m = this.blockFor(start);
    const out = this.resampler.process(this.input.view(m * down));
    const result = out.slice(start - m * up, end - m * up);
    this.produced = end;
    // Keep input from the block the next output needs.
    this.input.dropBefore(this.blockFor(end) * down);
    return result;
  }
}
