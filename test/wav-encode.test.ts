/**
 * encodeWav byte for byte on small hand-computed cases (symmetric scaling q = clip(round(x * 2^(b-1))), 8-bit offset
 * by 128, little-endian, interleaved frames, RIFF pad byte), and decodeWav(encodeWav(x)) ≈ x for every encoding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeWav, type WavEncoding } from '../src/audio/wav-encode.ts';
import { decodeWav } from '../src/audio/wav-decode.ts';

const mono = (...xs: number[]) => ({ channels: [Float32Array.from(xs)], sampleRateHz: 16000 });
/** The sample bytes after a plain (44-byte) header. */
const dataOf = (bytes: Uint8Array, headerBytes = 44) => Array.from(bytes.subarray(headerBytes));

test('16-bit PCM: 0.5 → 0x4000, −1 → 0x8000, 1.0 and 0.99999 clip to 0x7FFF, −1.00001 clips to 0x8000', () => {
  const out = encodeWav(mono(0.5, -1, 1, 0.99999, -1.00001, 0, -0.5), { format: 'pcm', bitDepth: 16 });
  assert.equal(out.length, 44 + 14);
  assert.deepEqual(dataOf(out), [0x00, 0x40, 0x00, 0x80, 0xff, 0x7f, 0xff, 0x7f, 0x00, 0x80, 0x00, 0x00, 0x00, 0xc0]);
});

test('header of a plain 16-bit mono file', () => {
  const out = encodeWav(mono(0, 0), { format: 'pcm', bitDepth: 16 });
  const text = (o: number) => String.fromCharCode(...out.subarray(o, o + 4));
  const view = new DataView(out.buffer);
  assert.equal(text(0), 'RIFF');
  assert.equal(view.getUint32(4, true), out.length - 8);
  assert.equal(text(8), 'WAVE');
  assert.equal(text(12), 'fmt ');
  assert.equal(view.getUint32(16, true), 16);
  assert.equal(view.getUint16(20, true), 1); // PCM
  assert.equal(view.getUint16(22, true), 1); // channels
  assert.equal(view.getUint32(24, true), 16000);
  assert.equal(view.getUint32(28, true), 32000); // byte rate
  assert.equal(view.getUint16(32, true), 2); // block align
  assert.equal(view.getUint16(34, true), 16);
  assert.equal(text(36), 'data');
  assert.equal(view.getUint32(40, true), 4);
});

test('8-bit PCM is unsigned with 0 → 128; an odd data size gets a pad byte', () => {
  const out = encodeWav(mono(0, 1, -1, 0.5, -0.5), { format: 'pcm', bitDepth: 8 });
  assert.equal(new DataView(out.buffer).getUint32(40, true), 5);
  assert.equal(out.length, 44 + 5 + 1);
  assert.deepEqual(dataOf(out), [128, 255, 0, 192, 64, 0]);
});

test('24-bit and 32-bit PCM', () => {
  assert.deepEqual(dataOf(encodeWav(mono(0.5, -1, 1, -0.5), { format: 'pcm', bitDepth: 24 })), [
    0x00, 0x00, 0x40, 0x00, 0x00, 0x80, 0xff, 0xff, 0x7f, 0x00, 0x00, 0xc0,
  ]);
  assert.deepEqual(dataOf(encodeWav(mono(0.5, -1, 1), { format: 'pcm', bitDepth: 32 })), [
    0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff, 0x7f,
  ]);
});

test('float 32 and 64 store the sample as is (no clipping)', () => {
  assert.deepEqual(dataOf(encodeWav(mono(0.5, -2), { format: 'float', bitDepth: 32 })), [0, 0, 0, 0x3f, 0, 0, 0, 0xc0]);
  assert.deepEqual(dataOf(encodeWav(mono(1, -1.5), { format: 'float', bitDepth: 64 })), [
    0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0xf8, 0xbf,
  ]);
});

test('three channels are interleaved frame by frame', () => {
  const wave = { channels: [Float32Array.of(0.5, 0), Float32Array.of(-1, 1), Float32Array.of(0, -0.5)], sampleRateHz: 8000 };
  const out = encodeWav(wave, { format: 'pcm', bitDepth: 16 });
  assert.equal(new DataView(out.buffer).getUint16(32, true), 6); // block align
  assert.deepEqual(dataOf(out), [0x00, 0x40, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0xff, 0x7f, 0x00, 0xc0]);
  const out8 = encodeWav(wave, { format: 'pcm', bitDepth: 8 });
  assert.deepEqual(dataOf(out8), [192, 0, 128, 128, 255, 64]);
});

test('extensible header: tag 0xFFFE, subformat GUID, data at byte 68', () => {
  for (const [format, tag] of [['pcm', 1], ['float', 3]] as const) {
    const out = encodeWav(mono(0.5), { format, bitDepth: 32, extensible: true });
    const view = new DataView(out.buffer);
    assert.equal(view.getUint16(20, true), 0xfffe);
    assert.equal(view.getUint16(36, true), 22);
    assert.equal(view.getUint16(44, true), tag);
    assert.deepEqual(Array.from(out.subarray(46, 60)), [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]);
    assert.equal(String.fromCharCode(...out.subarray(60, 64)), 'data');
    assert.deepEqual(dataOf(out, 68), format === 'pcm' ? [0, 0, 0, 0x40] : [0, 0, 0, 0x3f]);
  }
});

test('no channels or no frames: a header-only file', () => {
  assert.equal(encodeWav({ channels: [], sampleRateHz: 16000 }).length, 44);
  assert.equal(encodeWav({ channels: [new Float32Array(0), new Float32Array(0)], sampleRateHz: 16000 }).length, 44);
});

test('decodeWav(encodeWav(x)) returns x to within half a quantisation step, every encoding, 1 and 3 channels', () => {
  const encodings: WavEncoding[] = [];
  for (const extensible of [false, true]) {
    for (const bitDepth of [8, 16, 24, 32] as const) encodings.push({ format: 'pcm', bitDepth, extensible });
    for (const bitDepth of [32, 64] as const) encodings.push({ format: 'float', bitDepth, extensible });
  }
  for (const channelCount of [1, 3]) {
    const frames = 101; // odd, so 8-bit mono needs a pad byte
    const channels = Array.from({ length: channelCount }, (_, c) =>
      Float32Array.from({ length: frames }, (_, i) => (i === 0 ? -1 : i === 1 ? 0.99999 : Math.sin(0.37 * i + c) * 0.98)),
    );
    for (const enc of encodings) {
      const decoded = decodeWav(encodeWav({ channels, sampleRateHz: 22050 }, enc), 'x.wav');
      const label = `${enc.format}${enc.bitDepth}${enc.extensible ? ' extensible' : ''} ×${channelCount}`;
      assert.equal(decoded.sampleRateHz, 22050, label);
      assert.deepEqual(decoded.warnings, [], label);
      assert.equal(decoded.channels.length, channelCount, label);
      const tol = enc.format === 'float' ? 0 : 0.5 / 2 ** (enc.bitDepth - 1) + 1e-12;
      for (let c = 0; c < channelCount; c++) {
        assert.equal(decoded.channels[c].length, frames, label);
        for (let i = 0; i < frames; i++) {
          const want = channels[c][i];
          // 0.99999 rounds up to full scale and clips to the largest code, one step below +1
          const slack = want > 0.99 && enc.format === 'pcm' ? 1 / 2 ** (enc.bitDepth - 1) : 0;
          assert.ok(Math.abs(decoded.channels[c][i] - want) <= tol + slack, `${label} ch${c}[${i}]: ${decoded.channels[c][i]} vs ${want}`);
        }
      }
    }
  }
});
