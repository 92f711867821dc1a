/**
 * The detector in a web browser: the exported model and metadata (written by `sed export`) behind the page's script
 * API. The numbers are those of `sed predict`: the same resampler, log-mel, normalisation, windowing (windowing.ts),
 * post-processing and pooling-head layer code, bundled for the browser; only the tfjs backend differs (webgl, wasm or
 * cpu here; wasm agrees with Node's wasm to float32 rounding).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../backend/wasm-kernels/register.ts';
import * as tfl from '@tensorflow/tfjs-layers';
// Registers the custom layers (pooling heads, GLU, fused BiGRU) the model.json names.
import '../model/crnn.ts';
import { getResampler } from '../audio/resample.ts';
import type { FeatureSettings, PostprocessConfig } from '../config/types.ts';
import { LogMelExtractor } from '../features/log-mel.ts';
import { eventsFromTrack } from '../infer/track-events.ts';
import { windowScorer } from '../infer/window-scorer.ts';
import { scoreRecording, windowGeometry, type WindowGeometry } from '../infer/windowing.ts';
import { postprocessFromConfig } from '../postprocess/from-config.ts';
import { outputFrameGrid } from '../data/time-grid.ts';

/** metadata.json of an export: everything the page needs besides the model files. */
export interface WebMetadata {
  format: 'sed-web/1';
  classes: string[];
  features: FeatureSettings;
  /** Input frames per model output frame (the conv blocks' time pools). */
  time_pool: number;
  stats: { mean: number[]; std: number[] };
  postprocess: PostprocessConfig;
  /** Window hop `sed predict` uses by default, in seconds (half a window). */
  window_hop_sec: number;
  pooling: string;
  /** Learned power-pooling exponent per class, or null for other heads. */
  n_c: Record<string, number> | null;
  /** The checkpoint's per-class parameters file as written by training (n_c.json), or null. */
  pooling_params: unknown;
  run: string;
  checkpoint: string;
  epoch: number | null;
}

export interface WebEvent {
  onset: number;
  offset: number;
  event_label: string;
}

export interface FrameProbabilities {
  /** Output frame hop in seconds (hop_length · time_pool / sample_rate). */
  hopSec: number;
  classes: string[];
  /** [frames, classes] row-major. */
  prob: Float32Array;
}

export type WebBackend = 'webgl' | 'wasm' | 'cpu';

/** Thrown for input the detector cannot score (no samples, too short, a bad rate); the page shows its message. */
export class InputError extends Error {}

/**
 * Activates the first backend of `order` that initialises here. The wasm binaries are fetched from `wasmBase`
 * (the export folder), never from a CDN.
 */
export async function chooseBackend(order: WebBackend[], wasmBase: string): Promise<WebBackend> {
  setWasmPaths(wasmBase);
  // The kernels Node's wasm backend runs with (select.ts), so that wasm here computes what `sed predict` computes.
  registerWasmTrainingKernels();
  for (const name of order) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch {
      // next one
    }
  }
  throw new Error(`none of the tfjs backends ${order.join(', ')} could start in this browser`);
}

export class SedWeb {
  readonly geometry: WindowGeometry;
  private readonly extractor: LogMelExtractor;
  private readonly post: ReturnType<typeof postprocessFromConfig>;
  /** Compute time and audio length of the last call, for the page's speed display. */
  lastComputeMs = 0;
  lastAudioSec = 0;

  constructor(
    readonly metadata: WebMetadata,
    readonly model: tfl.LayersModel,
    readonly backend: WebBackend,
  ) {
    this.geometry = windowGeometry(metadata.features, metadata.time_pool, metadata.window_hop_sec);
    this.extractor = new LogMelExtractor(metadata.features);
    this.post = postprocessFromConfig(metadata.postprocess, metadata.classes, outputFrameGrid(metadata.features, metadata.time_pool));
  }

  /** Loads `metadata.json` and `model/model.json` from `baseUrl` (the export folder) on the first working backend. */
  static async load(baseUrl: string, order: WebBackend[] = ['webgl', 'wasm', 'cpu']): Promise<SedWeb> {
    const metaUrl = new URL('metadata.json', baseUrl).href;
    const response = await fetch(metaUrl);
    if (!response.ok) throw new Error(`${metaUrl}: HTTP ${response.status}`);
    const metadata = (await response.json()) as WebMetadata;
    if (metadata.format !== 'sed-web/1') throw new Error(`${metaUrl}: not a sed export (format ${String(metadata.format)})`);
    const backend = await chooseBackend(order, new URL('./', baseUrl).href);
    const model = await tfl.loadLayersModel(new URL('model/model.json', baseUrl).href);
    return new SedWeb(metadata, model, backend);
  }

  /** Mono samples at any integer rate → the model's rate, with the same resampler as `sed predict`. */
  private resampled(samples: Float32Array, sampleRateHz: number): Float32Array {
    if (!(samples instanceof Float32Array)) throw new InputError('samples must be a Float32Array of mono audio');
    if (!Number.isInteger(sampleRateHz) || sampleRateHz <= 0) throw new InputError(`sampleRateHz must be a positive whole number (${sampleRateHz} given)`);
    if (samples.length === 0) throw new InputError('no samples: the audio is empty');
    return getResampler(sampleRateHz, this.geometry.sampleRateHz).process(samples);
  }

  private async track(samples: Float32Array, sampleRateHz: number) {
    const start = performance.now();
    const x = this.resampled(samples, sampleRateHz);
    const g = this.geometry;
    if (x.length < g.frameSamples) {
      throw new InputError(`too short: ${(samples.length / sampleRateHz).toFixed(3)} s, less than one output frame (${g.frameSamples / g.sampleRateHz} s)`);
    }
    const score = windowScorer(this.model, this.extractor, this.metadata.stats, g);
    const track = await scoreRecording([x], x.length, g, this.metadata.classes.length, score);
    this.lastComputeMs = performance.now() - start;
    this.lastAudioSec = samples.length / sampleRateHz;
    return track;
  }

  /** Stitched frame probabilities [frames, classes] of a recording of any length (the windows of `sed predict`). */
  async frameProbabilities(samples: Float32Array, sampleRateHz: number): Promise<FrameProbabilities> {
    const track = await this.track(samples, sampleRateHz);
    return { hopSec: this.geometry.frameSamples / this.geometry.sampleRateHz, classes: [...this.metadata.classes], prob: track.prob };
  }

  /** Detected events, post-processed as the run's config says; times in seconds, never past the audio's end. */
  async detect(samples: Float32Array, sampleRateHz: number): Promise<WebEvent[]> {
    return (await this.detectWithTrack(samples, sampleRateHz)).events;
  }

  /** detect() and the track it came from, in one computation (the page draws both). */
  async detectWithTrack(samples: Float32Array, sampleRateHz: number): Promise<{ events: WebEvent[]; probabilities: FrameProbabilities }> {
    const track = await this.track(samples, sampleRateHz);
    const events = eventsFromTrack(track, 'audio', this.geometry, this.post.options, this.post.thresholds).map((e) => ({
      onset: e.onsetSec,
      offset: e.offsetSec,
      event_label: e.label,
    }));
    return { events, probabilities: { hopSec: this.geometry.frameSamples / this.geometry.sampleRateHz, classes: [...this.metadata.classes], prob: track.prob } };
  }
}
