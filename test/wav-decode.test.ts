import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { decodeWav } from '../src/audio/wav-decode.ts';
import { loadAudio } from '../src/audio/load.ts';
import { encodeWav, type WavEncoding } from '../src/audio/wav-encode.ts';
import { DataError } from '../src/errors.ts';

const FILE = 'clips/a.wav';

// wav-decoder ships no types; this is the part of its API the cross-check uses.
const wavDecoder = createRequire(import.meta.url)('wav-decoder') as {
  decode: { sync(buffer: ArrayBuffer, opts?: { symmetric?: boolean }): { sampleRate: number; channelData: Float32Array[] } };
};

/** A WAV assembled by hand from chunks, independent of encodeWav. Pads odd chunks unless told not to. */
function riff(chunks: { id: string; body: number[] | Uint8Array; declaredSize?: number }[]): Uint8Array {
  const parts: number[] = [];
  const u32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
  for (const c of chunks) {
    parts.push(...Array.from(c.id, (ch) => ch.charCodeAt(0)), ...u32(c.declaredSize ?? c.body.length), ...c.body);
    if (c.body.length % 2 === 1) parts.push(0);
  }
  return new Uint8Array([...Array.from('RIFF', (c) => c.charCodeAt(0)), ...u32(parts.length + 4), ...Array.from('WAVE', (c) => c.charCodeAt(0)), ...parts]);
}

function fmtBody(tag: number, channels: number, rateHz: number, bits: number): number[] {
  const block = channels * (bits / 8);
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, tag, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rateHz, true);
  v.setUint32(8, rateHz * block, true);
  v.setUint16(12, block, true);
  v.setUint16(14, bits, true);
  return Array.from(b);
}

function decodeError(bytes: Uint8Array, file = FILE): DataError {
  try {
    decodeWav(bytes, file);
  } catch (err) {
    assert.ok(err instanceof DataError, `expected DataError, got ${err}`);
    assert.equal(err.file, file);
    assert.ok(err.message.startsWith(`${file}: `), err.message);
    return err;
  }
  assert.fail('decodeWav did not throw');
}

// A test signal that hits full scale on both sides and values between steps.
function signal(length: number, channel: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = Math.sin(0.37 * i + channel) * 0.999;
  x[0] = -1;
  x[1] = 0.5;
  return x;
}

const FORMATS: WavEncoding[] = [
  { format: 'pcm', bitDepth: 8 },
  { format: 'pcm', bitDepth: 16 },
  { format: 'pcm', bitDepth: 24 },
  { format: 'pcm', bitDepth: 32 },
  { format: 'float', bitDepth: 32 },
  { format: 'float', bitDepth: 64 },
  { format: 'pcm', bitDepth: 16, extensible: true },
  { format: 'pcm', bitDepth: 24, extensible: true },
  { format: 'float', bitDepth: 32, extensible: true },
];

for (const enc of FORMATS) {
  for (const channelCount of [1, 2, 6]) {
    test(`round trip ${enc.format}${enc.bitDepth}${enc.extensible ? ' extensible' : ''}, ${channelCount} channel(s)`, () => {
      const channels = Array.from({ length: channelCount }, (_, c) => signal(101, c)); // odd length: data pad byte for 8-bit mono
      const decoded = decodeWav(encodeWav({ channels, sampleRateHz: 22050 }, enc), FILE);
      assert.equal(decoded.sampleRateHz, 22050);
      assert.equal(decoded.channels.length, channelCount);
      assert.deepEqual(decoded.warnings, []);
      const full = 2 ** (enc.bitDepth - 1);
      for (let c = 0; c < channelCount; c++) {
        assert.equal(decoded.channels[c].length, 101);
        for (let i = 0; i < 101; i++) {
          const got = decoded.channels[c][i];
          if (enc.format === 'float') assert.equal(got, channels[c][i]);
          else {
            // The largest code is (full - 1) / full: the encoder clips above it.
            const want = Math.min(channels[c][i], (full - 1) / full);
            // Integers: within half a step of the input; -1 and 0.5 sit on the grid and come back exactly.
            // 32-bit: q / 2^31 stored as float32 adds up to 2^-25 of rounding.
            const tol = 0.5 / full + (enc.bitDepth === 32 ? 2 ** -25 : 0);
            assert.ok(Math.abs(got - want) <= tol, `${c}/${i}: ${got} vs ${want}`);
            if (i < 2) assert.equal(got, want);
          }
        }
      }
    });
  }
}

test('exact symmetric scaling on hand-built bytes', () => {
  const cases: { bits: number; tag?: number; bytes: number[]; want: number[] }[] = [
    // 8-bit is unsigned with offset 128: 0 → -128/128, 128 → 0, 255 → 127/128, 64 → -64/128
    { bits: 8, bytes: [0x00, 0x80, 0xff, 0x40], want: [-1, 0, 127 / 128, -0.5] },
    // int16 LE: 0x8000 = -32768 → -1; 0x7FFF → 32767/32768; 0x0001 → 1/32768; 0xFFFF = -1 → -1/32768
    { bits: 16, bytes: [0x00, 0x80, 0xff, 0x7f, 0x01, 0x00, 0xff, 0xff], want: [-1, 32767 / 32768, 1 / 32768, -1 / 32768] },
    // int24 LE: 0x800000 → -1 (wav-decoder's symmetric mode returns +1 here); 0x7FFFFF → (2^23-1)/2^23;
    // 0xFFFFFF = -1 → -2^-23; 0x400000 → 0.5; 0xC00000 = -2^22 → -0.5
    {
      bits: 24,
      bytes: [0x00, 0x00, 0x80, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x00, 0x00, 0x40, 0x00, 0x00, 0xc0],
      want: [-1, Math.fround(8388607 / 8388608), -(2 ** -23), 0.5, -0.5],
    },
    // int32 LE: 0x80000000 → -1; 0x40000000 → 0.5; 0x00000001 → 2^-31
    { bits: 32, bytes: [0, 0, 0, 0x80, 0, 0, 0, 0x40, 1, 0, 0, 0], want: [-1, 0.5, 2 ** -31] },
    // float32 LE: 0x3E800000 = 0.25, 0xBF800000 = -1
    { bits: 32, tag: 3, bytes: [0, 0, 0x80, 0x3e, 0, 0, 0x80, 0xbf], want: [0.25, -1] },
  ];
  for (const { bits, tag, bytes, want } of cases) {
    const wav = riff([{ id: 'fmt ', body: fmtBody(tag ?? 1, 1, 8000, bits) }, { id: 'data', body: bytes }]);
    assert.deepEqual(Array.from(decodeWav(wav, FILE).channels[0]), want, `${bits}-bit tag ${tag ?? 1}`);
  }
});

test('agrees with wav-decoder (symmetric mode) where that decoder is correct: 16/32-bit PCM, float 32/64', () => {
  const channels = [signal(300, 0), signal(300, 1)];
  for (const enc of FORMATS.filter((e) => !e.extensible && (e.format === 'float' || e.bitDepth === 16 || e.bitDepth === 32))) {
    const bytes = encodeWav({ channels, sampleRateHz: 16000 }, enc);
    const ref = wavDecoder.decode.sync(bytes.buffer.slice(0) as ArrayBuffer, { symmetric: true });
    const ours = decodeWav(bytes, FILE);
    assert.equal(ours.sampleRateHz, ref.sampleRate);
    for (let c = 0; c < 2; c++) assert.deepEqual(ours.channels[c], ref.channelData[c], `${enc.format}${enc.bitDepth}`);
  }
});

test('odd-sized chunks are skipped with their pad byte, before fmt, between fmt and data, and after data', () => {
  const data = [0x00, 0x40, 0x00, 0xc0]; // int16 16384, -16384 → 0.5, -0.5
  const wav = riff([
    { id: 'JUNK', body: [1] },
    { id: 'fmt ', body: fmtBody(1, 1, 8000, 16) },
    { id: 'LIST', body: [0x49, 0x4e, 0x46] }, // 3 bytes + pad
    { id: 'data', body: data },
    { id: 'LIST', body: [1, 2, 3, 4, 5] },
  ]);
  const decoded = decodeWav(wav, FILE);
  assert.deepEqual(Array.from(decoded.channels[0]), [0.5, -0.5]);
  assert.deepEqual(decoded.warnings, []);
});

test('an extensible fmt chunk with a 3-byte LIST chunk after it', () => {
  const enc = encodeWav({ channels: [new Float32Array([0.25, -0.75, 1 / 3])], sampleRateHz: 48000 }, { format: 'float', bitDepth: 32, extensible: true });
  // Splice a 3-byte LIST chunk (+ pad) between fmt (ends at byte 60) and data.
  const list = [0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 7, 8, 9, 0];
  const wav = new Uint8Array([...enc.subarray(0, 60), ...list, ...enc.subarray(60)]);
  new DataView(wav.buffer).setUint32(4, wav.length - 8, true);
  assert.deepEqual(Array.from(decodeWav(wav, FILE).channels[0]), [0.25, -0.75, Math.fround(1 / 3)]);
});

test('a streaming placeholder data size (0xFFFFFFFF) reads to the end of the file without a warning', () => {
  const wav = riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }, { id: 'data', body: [0x00, 0x40, 0x00, 0xc0], declaredSize: 0xffffffff }]);
  const decoded = decodeWav(wav, FILE);
  assert.deepEqual(Array.from(decoded.channels[0]), [0.5, -0.5]);
  assert.deepEqual(decoded.warnings, []);
});

test('a truncated data chunk decodes the whole frames present and warns', () => {
  const wave = { channels: [signal(10, 0), signal(10, 1)], sampleRateHz: 8000 };
  const bytes = encodeWav(wave, { format: 'pcm', bitDepth: 16 });
  // Header 44 bytes, 4 bytes per stereo frame: cutting 6 bytes leaves 8 whole frames and half of one.
  const cut = bytes.subarray(0, bytes.length - 6);
  const decoded = decodeWav(cut, FILE);
  assert.equal(decoded.channels[0].length, 8);
  assert.deepEqual(decoded.channels[1], decodeWav(bytes, FILE).channels[1].subarray(0, 8));
  assert.equal(decoded.warnings.length, 1);
  assert.match(decoded.warnings[0], /declares 40 bytes but only 34 are present/);
  assert.equal(decoded.truncated, true, 'flagged, so that callers can refuse or count it');
  assert.equal(decodeWav(bytes, FILE).truncated, false);
});

test('a data chunk declaring 0 bytes with samples after it reads to the end of the file, with a warning; with nothing after it is an error', () => {
  const wav = riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }, { id: 'data', body: [0x00, 0x40, 0x00, 0xc0], declaredSize: 0 }]);
  const decoded = decodeWav(wav, FILE);
  assert.deepEqual(Array.from(decoded.channels[0]), [0.5, -0.5]); // 0x4000 / 32768, 0xc000 → −16384 / 32768
  assert.equal(decoded.truncated, false);
  assert.match(decoded.warnings[0], /declares 0 bytes but 4 follow it/);
  assert.match(decodeError(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }, { id: 'data', body: [] }])).message, /no audio/);
});

test('errors name the file: empty, not RIFF/WAVE, truncated header, missing chunks, unsupported formats, no frame', () => {
  assert.match(decodeError(new Uint8Array(0)).message, /empty file/);
  assert.match(decodeError(new TextEncoder().encode('ID3\u0003 this is an mp3, honest')).message, /not a RIFF\/WAVE file/);
  const riffAvi = riff([]);
  riffAvi.set([0x41, 0x56, 0x49, 0x20], 8); // 'AVI '
  assert.match(decodeError(riffAvi).message, /not a RIFF\/WAVE file/);
  assert.match(decodeError(new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0])).message, /truncated header/);
  const ok = encodeWav({ channels: [signal(4, 0)], sampleRateHz: 8000 });
  assert.match(decodeError(ok.subarray(0, 30)).message, /truncated header/); // fmt chunk cut short
  assert.match(decodeError(ok.subarray(0, 12)).message, /no fmt chunk/);
  assert.match(decodeError(riff([{ id: 'data', body: [0, 0] }])).message, /no fmt chunk/);
  assert.match(decodeError(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }, { id: 'LIST', body: [1] }])).message, /no data chunk/);
  assert.match(decodeError(riff([{ id: 'fmt ', body: fmtBody(2, 1, 8000, 4) }, { id: 'data', body: [0] }])).message, /format tag 0x0002/);
  assert.match(decodeError(riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 12) }, { id: 'data', body: [0, 0] }])).message, /PCM bit depth 12/);
  assert.match(decodeError(riff([{ id: 'fmt ', body: fmtBody(3, 1, 8000, 16) }, { id: 'data', body: [0, 0] }])).message, /float bit depth 16/);
  assert.match(decodeError(riff([{ id: 'fmt ', body: fmtBody(1, 0, 8000, 16) }, { id: 'data', body: [] }])).message, /0 channels/);
  const extensible = encodeWav({ channels: [signal(4, 0)], sampleRateHz: 8000 }, { format: 'pcm', bitDepth: 16, extensible: true });
  extensible[50] = 0x11; // corrupt the GUID tail: not KSDATAFORMAT_SUBTYPE_PCM any more
  assert.match(decodeError(extensible).message, /subformat GUID/);
  // Header says 8 bytes of 16-bit stereo (2 frames); only 3 bytes arrived: not one whole frame.
  const stub = riff([{ id: 'fmt ', body: fmtBody(1, 2, 8000, 16) }, { id: 'data', body: [1, 2, 3], declaredSize: 8 }]);
  assert.match(decodeError(stub.subarray(0, stub.length - 1)).message, /no complete frame/);
});

test('loadAudio averages channels, keeps the rate when it matches, reports source rate and duration', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sed-wav-'));
  const path = join(dir, 'stereo.wav');
  writeFileSync(path, encodeWav({ channels: [new Float32Array([0.5, 0.25, -1]), new Float32Array([-0.25, 0.25, 0])], sampleRateHz: 16000 }, { format: 'float', bitDepth: 32 }));
  const audio = await loadAudio(path, 16000);
  // (0.5 - 0.25) / 2, (0.25 + 0.25) / 2, (-1 + 0) / 2
  assert.deepEqual(Array.from(audio.samples), [0.125, 0.25, -0.5]);
  assert.equal(audio.sourceRateHz, 16000);
  assert.equal(audio.durationSec, 3 / 16000);

  const six = join(dir, 'six.wav');
  // Six channels of DC, c / 10 for c = 0..5: mean 0.25; 1.5 s at 44.1 kHz → 16 kHz gives ceil(66150 · 160 / 441) = 24000.
  const channels = Array.from({ length: 6 }, (_, c) => new Float32Array(66150).fill(c / 10));
  writeFileSync(six, encodeWav({ channels, sampleRateHz: 44100 }, { format: 'float', bitDepth: 32 }));
  const resampled = await loadAudio(six, 16000);
  assert.equal(resampled.samples.length, 24000);
  assert.equal(resampled.durationSec, 1.5);
  assert.ok(Math.abs(resampled.samples[12000] - 0.25) < 1e-6, `${resampled.samples[12000]}`);
});

test('loadAudio on a missing file is a DataError naming it', async () => {
  const path = join(tmpdir(), 'sed-no-such-dir', 'missing.wav');
  await assert.rejects(loadAudio(path, 16000), (err: unknown) => err instanceof DataError && err.file === path && /cannot read audio file/.test(err.message));
});

test('the streamed reader (sed predict) follows the same rule: declared 0 bytes with samples after it reads to the end', async () => {
  const { openWavStream } = await import('../src/audio/wav-stream.ts');
  const dir = mkdtempSync(join(tmpdir(), 'sed-wav-stream-'));
  const path = join(dir, 'unpatched.wav');
  writeFileSync(path, riff([{ id: 'fmt ', body: fmtBody(1, 1, 8000, 16) }, { id: 'data', body: [0x00, 0x40, 0x00, 0xc0], declaredSize: 0 }]));
  const wav = await openWavStream(path);
  assert.equal(wav.frameCount, 2);
  assert.match(wav.warnings[0], /declares 0 bytes but 4 follow it/);
  const blocks = [];
  for await (const block of wav.monoBlocks()) blocks.push(...block);
  assert.deepEqual(blocks, [0.5, -0.5]);
});
