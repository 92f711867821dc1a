/**
 * Scoring recordings of any length with a model trained on fixed-length clips: cut the audio into windows of the
 * training clip length, score each window as one clip, and average the frame probabilities where windows overlap.
 * Pure (no Node APIs): `sed predict` and the browser page (`sed export`) run this same code.
 *
 * Grid. The model's output frame j of a window starting at sample s covers samples [s + j·F, s + (j+1)·F), with
 * F = hop_length · time_pool (the convention of frames-to-events.ts). Windows start on multiples of F, so every
 * window's frames land on one global frame grid and averaging needs no interpolation. Times are computed from
 * integer sample counts by data/time-grid.ts (frame · F / sample_rate), never from a rounded hop in seconds.
 *
 * Plan, for a recording of L samples at the model's rate, N = ceil(L / F) output frames and K frames per window:
 * - L ≤ window: one window at 0, zero-padded to the window length exactly as training pads short clips (fixLength);
 * - otherwise windows at 0, H, 2H, … (H = the hop in frames, 1 ≤ H ≤ K) while they end before frame N, then one
 *   last window ending at frame N (starting at N − K), so the tail is scored by a window that is almost all audio
 *   (it runs past the end by less than one frame, zero-padded).
 * A recording shorter than one output frame (L < F) has no frame to score: an error for that recording.
 */
import { SampleQueue } from '../audio/sample-queue.ts';

export interface WindowGeometry {
  sampleRateHz: number;
  /** Samples per output frame: hop_length · time_pool. */
  frameSamples: number;
  /** Samples per window: round(clip_seconds · sample_rate), the length the model was trained on. */
  windowSamples: number;
  /** Log-mel frames the model gets per window: K · time_pool (the trailing frames that do not fill a pool are dropped, as in training). */
  inputFrames: number;
  /** Output frames per window (K). */
  framesPerWindow: number;
  /** Window hop in output frames (H), 1 ≤ H ≤ K. */
  hopFrames: number;
}

export interface GeometrySettings {
  sample_rate: number;
  hop_length: number;
  n_fft: number;
  center: boolean;
  clip_seconds: number | null;
}

/** Thrown for a recording that cannot be windowed (too short, no samples); callers turn it into a per-file error. */
export class WindowingError extends Error {}

/** Thrown for a window hop outside 1..K frames; callers turn it into a usage error naming their flag. */
export class WindowHopError extends Error {}

/** Window length used when the run was trained on variable-length clips (features.clip_seconds: null). */
export const DEFAULT_WINDOW_SECONDS = 10;

/** torch.stft's frame count (see log-mel.ts frameCountFor), repeated here to keep this module free of the extractor. */
function stftFrames(sampleCount: number, nFft: number, hopLength: number, center: boolean): number {
  const padded = center ? sampleCount + 2 * Math.floor(nFft / 2) : sampleCount;
  return padded < nFft ? 0 : 1 + Math.floor((padded - nFft) / hopLength);
}

/**
 * The window geometry of a run: windows of `clip_seconds` (or DEFAULT_WINDOW_SECONDS), hop `hopSec` seconds rounded to
 * whole output frames (default: half a window, rounded down). Throws WindowHopError when the hop rounds outside 1..K.
 */
export function windowGeometry(features: GeometrySettings, timePool: number, hopSec?: number): WindowGeometry {
  const sampleRateHz = features.sample_rate;
  const frameSamples = features.hop_length * timePool;
  const windowSamples = Math.round((features.clip_seconds ?? DEFAULT_WINDOW_SECONDS) * sampleRateHz);
  const framesPerWindow = Math.floor(stftFrames(windowSamples, features.n_fft, features.hop_length, features.center) / timePool);
  if (framesPerWindow < 1) throw new WindowingError(`a window of ${windowSamples} samples gives no output frame`);
  let hopFrames = Math.max(1, Math.floor(framesPerWindow / 2));
  if (hopSec !== undefined) {
    hopFrames = Math.round((hopSec * sampleRateHz) / frameSamples);
    if (!(hopFrames >= 1 && hopFrames <= framesPerWindow)) {
      const frameSec = frameSamples / sampleRateHz;
      throw new WindowHopError(
        `must be between one output frame (${frameSec} s) and one window (${(framesPerWindow * frameSamples) / sampleRateHz} s); ${hopSec} s given`,
      );
    }
  }
  return { sampleRateHz, frameSamples, windowSamples, inputFrames: framesPerWindow * timePool, framesPerWindow, hopFrames };
}

/** Output frames of a recording of `totalSamples` samples: ceil(L / F), the last one possibly partial. */
export function outputFrameCount(totalSamples: number, g: WindowGeometry): number {
  return Math.ceil(totalSamples / g.frameSamples);
}

/** Start frames of the windows that cover a recording (see the module comment). Throws WindowingError when L < F. */
export function windowStartFrames(totalSamples: number, g: WindowGeometry): number[] {
  if (totalSamples < g.frameSamples) {
    throw new WindowingError(
      `too short: ${totalSamples} samples at ${g.sampleRateHz} Hz, less than one output frame (${g.frameSamples} samples = ${g.frameSamples / g.sampleRateHz} s)`,
    );
  }
  const total = outputFrameCount(totalSamples, g);
  const k = g.framesPerWindow;
  if (totalSamples <= g.windowSamples || total <= k) return [0];
  const starts: number[] = [];
  for (let s = 0; s + k < total; s += g.hopFrames) starts.push(s);
  starts.push(total - k);
  return starts;
}

export interface AudioWindow {
  /** First output frame of the window on the recording's frame grid. */
  startFrame: number;
  /** windowSamples samples from startFrame · F, zero past the recording's end. */
  samples: Float32Array;
}

/**
 * Cuts the windows of a plan out of samples that arrive in chunks, holding at most about one window of audio.
 * push() returns the windows completed by a chunk; after the last chunk, finish() returns the rest.
 */
export class WindowAssembler {
  private readonly starts: number[];
  private next = 0; // index into starts
  private readonly pending: SampleQueue; // by recording sample index
  private received = 0;

  constructor(
    readonly geometry: WindowGeometry,
    readonly totalSamples: number,
  ) {
    this.starts = windowStartFrames(totalSamples, geometry);
    this.pending = new SampleQueue(geometry.windowSamples * 2);
  }

  get windowCount(): number {
    return this.starts.length;
  }

  push(chunk: Float32Array): AudioWindow[] {
    if (this.received + chunk.length > this.totalSamples) {
      throw new WindowingError(`got ${this.received + chunk.length} samples, more than the ${this.totalSamples} announced`);
    }
    this.pending.append(chunk);
    this.received += chunk.length;
    return this.emit();
  }

  finish(): AudioWindow[] {
    if (this.received !== this.totalSamples) throw new WindowingError(`got ${this.received} samples, ${this.totalSamples} announced`);
    const out = this.emit();
    if (this.next !== this.starts.length) throw new WindowingError(`internal: ${this.starts.length - this.next} windows not emitted`);
    return out;
  }

  private emit(): AudioWindow[] {
    const g = this.geometry;
    const out: AudioWindow[] = [];
    while (this.next < this.starts.length) {
      const startFrame = this.starts[this.next];
      const from = startFrame * g.frameSamples;
      const to = Math.min(from + g.windowSamples, this.totalSamples);
      if (this.received < to) break;
      const samples = new Float32Array(g.windowSamples); // zeros past the end: the padding of fixLength
      samples.set(this.pending.view(from, to));
      out.push({ startFrame, samples });
      this.next++;
    }
    // Drop what no later window needs.
    const keepFrom = this.next < this.starts.length ? this.starts[this.next] * g.frameSamples : this.received;
    this.pending.dropBefore(keepFrom);
    return out;
  }
}

/**
 * Averages the frame probabilities of overlapping windows onto the recording's frame grid. add() takes one window's
 * [K, classes] probabilities; frames past the recording's last frame are ignored. Sums are float64.
 */
export class FrameStitcher {
  private readonly sum: Float64Array; // [frames, classes]
  private readonly count: Uint16Array; // [frames]

  constructor(
    readonly frames: number,
    readonly classes: number,
  ) {
    this.sum = new Float64Array(frames * classes);
    this.count = new Uint16Array(frames);
  }

  add(startFrame: number, prob: Float32Array): void {
    const c = this.classes;
    if (prob.length % c !== 0) throw new RangeError(`window probabilities of length ${prob.length} are not [frames, ${c}]`);
    const end = Math.min(startFrame + prob.length / c, this.frames);
    for (let t = startFrame; t < end; t++) {
      this.count[t]++;
      const row = (t - startFrame) * c;
      for (let k = 0; k < c; k++) this.sum[t * c + k] += prob[row + k];
    }
  }

  /** The averaged track [frames, classes]; throws if some frame was never covered (a bug in the plan). */
  mean(): Float32Array {
    const c = this.classes;
    const out = new Float32Array(this.frames * c);
    for (let t = 0; t < this.frames; t++) {
      const n = this.count[t];
      if (n === 0) throw new RangeError(`frame ${t} of ${this.frames} is covered by no window`);
      for (let k = 0; k < c; k++) out[t * c + k] = this.sum[t * c + k] / n;
    }
    return out;
  }
}

/** Scores one window of `windowSamples` samples → its [K, classes] frame probabilities. */
export type WindowScorer = (samples: Float32Array) => Promise<Float32Array>;

export interface Track {
  /** [frames, classes] row-major, averaged over the windows that cover each frame. */
  prob: Float32Array;
  frames: number;
  /** Samples of the recording at the model's rate. */
  totalSamples: number;
  windows: number;
}

/**
 * Frame probabilities of a whole recording given as chunks of mono samples at the model's rate (one chunk for audio in
 * memory, many for a stream). `totalSamples` must be known in advance (the last window ends at the last frame).
 */
export async function scoreRecording(
  chunks: AsyncIterable<Float32Array> | Iterable<Float32Array>,
  totalSamples: number,
  g: WindowGeometry,
  nClasses: number,
  score: WindowScorer,
): Promise<Track> {
  const assembler = new WindowAssembler(g, totalSamples);
  const frames = outputFrameCount(totalSamples, g);
  const stitcher = new FrameStitcher(frames, nClasses);
  for await (const chunk of chunks) {
    for (const w of assembler.push(chunk)) stitcher.add(w.startFrame, await score(w.samples));
  }
  for (const w of assembler.finish()) stitcher.add(w.startFrame, await score(w.samples));
  return { prob: stitcher.mean(), frames, totalSamples, windows: assembler.windowCount };
}
