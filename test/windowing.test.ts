import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resampler } from '../src/audio/resample.ts';
import { StreamingResampler } from '../src/audio/resample-stream.ts';
import {
  FrameStitcher,
  outputFrameCount,
  scoreRecording,
  WindowAssembler,
  windowGeometry,
  WindowHopError,
  WindowingError,
  windowStartFrames,
  type WindowGeometry,
} from '../src/infer/windowing.ts';
import { rng } from './helpers/tensors.ts';

// The default config: 16 kHz, hop 320, n_fft 1024 centred, time pooling 2·2·1 = 4, 10 s clips.
const FEATURES = { sample_rate: 16000, hop_length: 320, n_fft: 1024, center: true, clip_seconds: 10 };

test('geometry of the default config: 80 ms frames, 125 per 10 s window, hop half a window', () => {
  const g = windowGeometry(FEATURES, 4);
  // 1 + floor(160000 / 320) = 501 log-mel frames → floor(501 / 4) = 125 output frames of 320·4 = 1280 samples.
  assert.deepEqual(g, { sampleRateHz: 16000, frameSamples: 1280, windowSamples: 160000, inputFrames: 500, framesPerWindow: 125, hopFrames: 62 });
  // 2.5 s = 40000 samples = 31.25 frames → 31; 10 s = 125 frames is the largest hop, 0.04 s rounds to 1 frame.
  assert.equal(windowGeometry(FEATURES, 4, 2.5).hopFrames, 31);
  assert.equal(windowGeometry(FEATURES, 4, 10).hopFrames, 125);
  assert.equal(windowGeometry(FEATURES, 4, 0.04).hopFrames, 1);
  assert.throws(() => windowGeometry(FEATURES, 4, 10.1), WindowHopError);
  assert.throws(() => windowGeometry(FEATURES, 4, 0.03), WindowHopError);
});

test('window plan: one zero-padded window up to the clip length, hops then a last window ending at the last frame', () => {
  const g = windowGeometry(FEATURES, 4);
  assert.deepEqual(windowStartFrames(1280, g), [0]);
  assert.deepEqual(windowStartFrames(48000, g), [0]); // 3 s
  assert.deepEqual(windowStartFrames(160000, g), [0]); // exactly one clip: what `sed eval` scores
  // 35 s: ceil(560000 / 1280) = 438 frames; starts 0, 62, …, 310 (310 + 125 = 435 < 438), then 438 − 125 = 313.
  assert.deepEqual(windowStartFrames(560000, g), [0, 62, 124, 186, 248, 310, 313]);
  assert.throws(() => windowStartFrames(1279, g), WindowingError);
  assert.throws(() => windowStartFrames(0, g), /too short: 0 samples/);
});

test('every frame of every length is covered, by windows inside the recording except for less than one frame', () => {
  for (const hop of [0.08, 3, 5, 10]) {
    const g = windowGeometry(FEATURES, 4, hop);
    for (let samples = 1280; samples < 700000; samples += 4999) {
      const frames = outputFrameCount(samples, g);
      const covered = new Uint8Array(frames);
      for (const s of windowStartFrames(samples, g)) {
        covered.fill(1, s, Math.min(s + g.framesPerWindow, frames));
        if (samples > g.windowSamples) assert.ok(s * g.frameSamples + g.windowSamples < samples + g.frameSamples, `window at ${s} runs past the end`);
      }
      assert.ok(covered.every((c) => c === 1), `hop ${hop}, ${samples} samples`);
    }
  }
});

test('WindowAssembler: windows are the same however the samples are chunked, zero past the end', () => {
  const g = windowGeometry(FEATURES, 4);
  const random = rng(3);
  const total = 560000 + 77;
  const signal = Float32Array.from({ length: total }, () => random() - 0.5);
  const whole = new WindowAssembler(g, total);
  const expected = [...whole.push(signal), ...whole.finish()];
  assert.equal(expected.length, 7);
  const chunked = new WindowAssembler(g, total);
  const got = [];
  for (let at = 0; at < total; ) {
    const n = Math.min(total - at, 1 + Math.floor(random() * 50000));
    got.push(...chunked.push(signal.subarray(at, at + n)));
    at += n;
  }
  got.push(...chunked.finish());
  assert.deepEqual(
    got.map((w) => w.startFrame),
    expected.map((w) => w.startFrame),
  );
  for (let i = 0; i < got.length; i++) {
    const start = expected[i].startFrame * 1280;
    // Independent reference: the window cut directly from the signal, padded with zeros.
    const ref = new Float32Array(160000);
    ref.set(signal.subarray(start, Math.min(start + 160000, total)));
    assert.deepEqual(got[i].samples, ref);
    assert.deepEqual(expected[i].samples, ref);
  }
});

test('FrameStitcher averages overlapping windows frame by frame', () => {
  const s = new FrameStitcher(4, 2);
  s.add(0, Float32Array.from([1, 10, 2, 20, 3, 30])); // frames 0..2
  s.add(1, Float32Array.from([5, 50, 6, 60, 7, 70])); // frames 1..3
  // frame 1: (2 + 5) / 2, frame 2: (3 + 6) / 2, frame 3: 7 alone
  assert.deepEqual(Array.from(s.mean()), [1, 10, 3.5, 35, 4.5, 45, 7, 70]);
  assert.throws(() => new FrameStitcher(2, 1).mean(), /frame 0 of 2 is covered by no window/);
});

test('scoreRecording puts each window frame on the recording grid (staircase signal, one value per frame)', async () => {
  const g: WindowGeometry = windowGeometry(FEATURES, 4);
  const total = 560000; // 35 s
  // Sample n holds the index of its frame, so a scorer that reads each frame's first sample returns the frame index
  // on the recording's grid only if the window was cut at the right place.
  const signal = Float32Array.from({ length: total }, (_, n) => Math.floor(n / 1280) / 1024);
  const score = async (w: Float32Array) => Float32Array.from({ length: g.framesPerWindow }, (_, k) => w[k * 1280]);
  const track = await scoreRecording([signal.subarray(0, 200000), signal.subarray(200000)], total, g, 1, score);
  assert.equal(track.frames, 438);
  assert.equal(track.windows, 7);
  assert.deepEqual(Array.from(track.prob), Array.from({ length: 438 }, (_, t) => t / 1024));
});

test('StreamingResampler gives the whole-signal resampling bit for bit, however the input is chunked', () => {
  const random = rng(11);
  // 44.1 and 48 kHz (exact phases), 8 kHz (upsampling), 16001 Hz (more phases than the table holds: interpolated).
  for (const [from, to] of [
    [44100, 16000],
    [48000, 16000],
    [8000, 16000],
    [44100, 16001],
    [16000, 16000],
  ]) {
    const input = Float32Array.from({ length: 3 * from + 123 }, () => random() * 2 - 1);
    const resampler = new Resampler(from, to);
    const whole = resampler.process(input);
    for (const maxChunk of [1, 999, 20000]) {
      const stream = new StreamingResampler(resampler);
      const parts: Float32Array[] = [];
      for (let at = 0; at < input.length; ) {
        const n = Math.min(input.length - at, 1 + Math.floor(random() * maxChunk));
        parts.push(stream.push(input.slice(at, at + n)));
        at += n;
        if (maxChunk === 1 && at > 2000) {
          parts.push(stream.push(input.slice(at))); // one-sample pushes for a while, then the rest
          at = input.length;
        }
      }
      parts.push(stream.finish());
      const joined = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        joined.set(p, at);
        at += p.length;
      }
      assert.equal(joined.length, whole.length, `${from}→${to}`);
      assert.deepEqual(joined, whole, `${from}→${to}, chunks up to ${maxChunk}`);
    }
  }
});
