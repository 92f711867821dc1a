/**
 * decodeWavMono, the one-pass decode + downmix of the features hot path, against the two-step path it replaces
 * (decodeWav then monoFromWaveform): the same float32 values to the bit, for every channel count and alignment the
 * fast path takes and for the formats it hands back to the two-step path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeWav, decodeWavMono } from '../src/audio/wav-decode.ts';
import { encodeWav, type WavEncoding } from '../src/audio/wav-encode.ts';
import { monoFromWaveform } from '../src/audio/waveform.ts';
import { rng } from './helpers/tensors.ts';

/** Channels of uniform noise in [-1, 1) with both int16 extremes planted, so that full-scale sums are covered. */
function channels(count: number, frames: number, seed: number): Float32Array[] {
  const rand = rng(seed);
  return Array.from({ length: count }, (_, c) => {
    const x = Float32Array.from({ length: frames }, () => 2 * rand() - 1);
    x[c % frames] = -1;
    x[(c + 1) % frames] = 32767 / 32768;
    return x;
  });
}

function assertSameBits(actual: Float32Array, expected: Float32Array, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== e[i]) assert.fail(`${what}: sample ${i}: ${actual[i]} != ${expected[i]}`);
}

function twoStep(bytes: Uint8Array) {
  const wave = decodeWav(bytes, 'x.wav');
  return { samples: monoFromWaveform(wave), sampleRateHz: wave.sampleRateHz, warnings: wave.warnings, truncated: wave.truncated };
}

test('decodeWavMono: 16-bit PCM, 1/2/3/6 channels, bit-identical to decodeWav + monoFromWaveform', () => {
  for (const count of [1, 2, 3, 6]) {
    const bytes = encodeWav({ channels: channels(count, 1001, count), sampleRateHz: 44100 }, { format: 'pcm', bitDepth: 16 });
    const mono = decodeWavMono(bytes, 'x.wav');
    const ref = twoStep(bytes);
    assert.equal(mono.sampleRateHz, 44100);
    assertSameBits(mono.samples, ref.samples, `${count} channels`);
  }
});

test('decodeWavMono: data at an odd byte address (DataView path) gives the same bits as the aligned path', () => {
  const bytes = encodeWav({ channels: channels(2, 777, 9), sampleRateHz: 16000 }, { format: 'pcm', bitDepth: 16 });
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const odd = shifted.subarray(1);
  assertSameBits(decodeWavMono(odd, 'x.wav').samples, twoStep(bytes).samples, 'odd offset');
});

test('decodeWavMono: a stereo pair of full-scale samples averages exactly: (−32768 + −32768) → −1, (32767 + −32768) → −1/65536', () => {
  // Hand-worked: ((-32768) + (-32768)) / 32768 · 0.5 = -1; (32767 - 32768) / 32768 · 0.5 = -1/65536.
  const bytes = encodeWav({ channels: [Float32Array.of(-1, 32767 / 32768), Float32Array.of(-1, -1)], sampleRateHz: 8000 }, { format: 'pcm', bitDepth: 16 });
  assert.deepEqual(Array.from(decodeWavMono(bytes, 'x.wav').samples), [-1, -1 / 65536]);
});

test('decodeWavMono: other formats go through decodeWav + monoFromWaveform unchanged', () => {
  const encodings: WavEncoding[] = [
    { format: 'pcm', bitDepth: 8 },
    { format: 'pcm', bitDepth: 24 },
    { format: 'pcm', bitDepth: 32 },
    { format: 'float', bitDepth: 32 },
    { format: 'float', bitDepth: 64 },
  ];
  for (const enc of encodings) {
    const bytes = encodeWav({ channels: channels(2, 300, enc.bitDepth), sampleRateHz: 22050 }, enc);
    assertSameBits(decodeWavMono(bytes, 'x.wav').samples, twoStep(bytes).samples, `${enc.format} ${enc.bitDepth}`);
  }
});

test('decodeWavMono: a truncated data chunk keeps its warning and whole frames, as decodeWav does', () => {
  const bytes = encodeWav({ channels: channels(2, 100, 5), sampleRateHz: 16000 }, { format: 'pcm', bitDepth: 16 });
  const cut = bytes.subarray(0, bytes.length - 6); // 1.5 frames short
  const mono = decodeWavMono(cut, 'cut.wav');
  const ref = twoStep(cut);
  assert.equal(mono.samples.length, 98);
  assert.deepEqual(mono.warnings, ref.warnings);
  assert.equal(mono.truncated, true);
  assert.match(mono.warnings[0] ?? '', /truncated/);
  assertSameBits(mono.samples, ref.samples, 'truncated');
});
