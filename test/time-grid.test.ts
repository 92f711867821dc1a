/**
 * Frame ↔ time from integer sample counts (src/data/time-grid.ts), and the two faults it fixes:
 * times printed as 7.6000000000000005 (frame × a rounded hop in seconds) and strong targets one frame too long
 * (0.56 / 0.08 = 7.000000000000001, ceil → 8).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frameFromSec, frameGrid, frameHopSamples, msRounded, secFromFrame, type FrameGrid } from '../src/data/time-grid.ts';
import { eventsFromBinary } from '../src/postprocess/frames-to-events.ts';
import { encodeStrong } from '../src/data/label-encoding.ts';
import type { ManifestClip } from '../src/features/store.ts';
import { ConfigError } from '../src/errors.ts';

const DEFAULT = frameGrid(16000, 320, 4); // the built-in config: 320 × 4 = 1280 samples = 0.08 s per output frame

test('regression: frame 95 of the 0.08 s grid is 7.6 s, not 95 × 0.08 = 7.6000000000000005', () => {
  assert.equal(95 * 0.08, 7.6000000000000005); // the old arithmetic
  // 95 · 1280 = 121600 samples; 121600 / 16000 = 7.6 exactly in decimal, so the double is the literal 7.6.
  assert.equal(secFromFrame(95, DEFAULT), 7.6);
  // Every frame of a 10 s clip prints with at most 2 decimals (k · 0.08 is a multiple of 0.01 s).
  for (let k = 0; k <= 125; k++) assert.match(String(secFromFrame(k, DEFAULT)), /^\d+(\.\d{1,2})?$/, `frame ${k}`);
  const events = eventsFromBinary(new Uint8Array(125).fill(1, 0, 95), ['a'], 'x.wav', { grid: DEFAULT });
  assert.deepEqual(events, [{ file: 'x.wav', onsetSec: 0, offsetSec: 7.6, label: 'a' }]);
});

test('regression: an offset of 0.56 s ends the strong target after frame 6, not 7 (0.56 / 0.08 = 7.000000000000001)', () => {
  assert.equal(Math.ceil(0.56 / 0.08), 8); // the old arithmetic
  // 0.56 s · 16000 = 8960 samples = 7 · 1280: the exclusive end is frame 7, so frames 0…6 are active.
  assert.equal(frameFromSec(0.56, DEFAULT, 'ceil'), 7);
  const clip: ManifestClip = { name: 'c.wav', npy: 'c.npy', frames: 501, duration_sec: 10, source: 'c.wav', weak_labels: null, events: [{ onset: 0.24, offset: 0.56, label: 'b' }] };
  const nFrames = 10;
  const into = new Float32Array(nFrames * 2);
  encodeStrong(clip, new Map([['a', 0], ['b', 1]]), nFrames, DEFAULT, into, 0);
  // onset 0.24 s = 3840 samples = frame 3 exactly; end frame 7 (exclusive): class b active in frames 3, 4, 5, 6.
  const active = Array.from({ length: nFrames }, (_, t) => into[t * 2 + 1]);
  assert.deepEqual(active, [0, 0, 0, 1, 1, 1, 1, 0, 0, 0]);
  assert.ok(Array.from({ length: nFrames }, (_, t) => into[t * 2]).every((v) => v === 0));
});

test('property: seconds → frames → seconds stays within one hop, for every time on a 1 ms grid up to 20 s', () => {
  // Grids: the built-in one, DCASE 2019 baseline (16 kHz, hop 255, pool 4), 22.05 kHz / 512 (a hop that is no whole
  // number of ms), 44.1 kHz / 882 / 2, and 8 kHz / 80 / 1 (a 10 ms hop, where the 1 ms grid hits every boundary).
  const grids: FrameGrid[] = [DEFAULT, frameGrid(16000, 255, 4), frameGrid(22050, 512, 1), frameGrid(44100, 882, 2), frameGrid(8000, 80, 1)];
  for (const grid of grids) {
    const hopSec = frameHopSamples(grid) / grid.sampleRateHz;
    const halfSampleSec = 0.5 / grid.sampleRateHz; // seconds are first taken to the nearest sample
    for (let ms = 0; ms <= 20000; ms++) {
      const t = ms / 1000;
      const down = secFromFrame(frameFromSec(t, grid, 'floor'), grid);
      const up = secFromFrame(frameFromSec(t, grid, 'ceil'), grid);
      const near = secFromFrame(frameFromSec(t, grid, 'round'), grid);
      const where = `t = ${t} s on ${JSON.stringify(grid)}`;
      assert.ok(down <= t + halfSampleSec && t - down < hopSec, `floor: ${down} for ${where}`);
      assert.ok(up >= t - halfSampleSec && up - t < hopSec, `ceil: ${up} for ${where}`);
      assert.ok(Math.abs(near - t) <= hopSec / 2 + halfSampleSec, `round: ${near} for ${where}`);
      assert.ok(up - down === 0 || Math.abs(up - down - hopSec) < 1e-12, `floor and ceil one hop apart at most: ${where}`);
    }
  }
});

test('property: a time on a frame boundary maps to that frame exactly, whatever the rounding', () => {
  for (const grid of [DEFAULT, frameGrid(22050, 512, 1), frameGrid(16000, 255, 4)]) {
    for (let k = 0; k <= 1000; k++) {
      const t = secFromFrame(k, grid);
      for (const mode of ['floor', 'ceil', 'round'] as const) assert.equal(frameFromSec(t, grid, mode), k, `frame ${k} (${t} s), ${mode}`);
    }
  }
});

test('msRounded: nearest millisecond, never -0', () => {
  assert.equal(msRounded(7.6000000000000005), 7.6);
  assert.equal(msRounded(2 / 3), 0.667);
  assert.equal(msRounded(0.0004), 0);
  assert.ok(Object.is(msRounded(-0.0001), 0));
  // 512 / 22050 = 0.023219954… s → 0.023
  assert.equal(msRounded(secFromFrame(1, frameGrid(22050, 512, 1))), 0.023);
});

test('frameGrid rejects what is not a whole number of samples, naming the key', () => {
  assert.throws(() => frameGrid(16000.5, 320, 4), (e: unknown) => e instanceof ConfigError && e.keyPath === 'features.sample_rate');
  assert.throws(() => frameGrid(16000, 0, 4), (e: unknown) => e instanceof ConfigError && e.keyPath === 'features.hop_length');
  assert.throws(() => frameGrid(16000, 320, 0), (e: unknown) => e instanceof ConfigError && e.keyPath === 'net.conv');
});
