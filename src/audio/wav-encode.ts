import type { Waveform } from './waveform.ts';

export interface WavEncoding {
  /** 'pcm' = signed integers (8-bit unsigned, as WAV defines it); 'float' = IEEE float. */
  format: 'pcm' | 'float';
  bitDepth: 8 | 16 | 24 | 32 | 64;
  /** Write a WAVE_FORMAT_EXTENSIBLE (0xFFFE) header instead of the plain one. */
  extensible?: boolean;
}

/**
 * Writes a RIFF/WAVE file. Integer samples use symmetric scaling (full scale = 2^(bits-1)), rounded and clipped,
 * so decode(encode(x)) returns x to within half a quantisation step.
 */
export function encodeWav(wave: Waveform, encoding: WavEncoding = { format: 'pcm', bitDepth: 16 }): Uint8Array {
  const { format, bitDepth } = encoding;
  if (format === 'float' && bitDepth !== 32 && bitDepth !== 64) throw new Error(`float WAV needs 32 or 64 bits, got ${bitDepth}`);
  if (format === 'pcm' && bitDepth === 64) throw new Error('64-bit PCM WAV is not supported');
  const channelCount = wave.channels.length;
  const frameCount = channelCount ? wave.channels[0].length : 0;
  const bytesPerSample = bitDepth / 8;
  const blockAlign = channelCount * bytesPerSample;
  const dataBytes = frameCount * blockAlign;
  const fmtBytes = encoding.extensible ? 40 : 16;
  const padByte = dataBytes % 2;
  const total = 12 + 8 + fmtBytes + 8 + dataBytes + padByte;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) out[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, total - 8, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, fmtBytes, true);
  const formatTag = format === 'pcm' ? 1 : 3;
  view.setUint16(20, encoding.extensible ? 0xfffe : formatTag, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, wave.sampleRateHz, true);
  view.setUint32(28, wave.sampleRateHz * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, bitDepth, true);
  let offset = 36;
  if (encoding.extensible) {
    view.setUint16(36, 22, true); // cbSize
    view.setUint16(38, bitDepth, true); // valid bits per sample
    view.setUint32(40, 0, true); // channel mask: unspecified
    // SubFormat GUID: {0000000X-0000-0010-8000-00aa00389b71}, X = format tag
    const guidTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
    view.setUint16(44, formatTag, true);
    guidTail.forEach((b, i) => (out[46 + i] = b));
    offset = 60;
  }
  ascii(offset, 'data');
  view.setUint32(offset + 4, dataBytes, true);
  offset += 8;
  writeSamples(out, view, offset, wave.channels, frameCount, format, bitDepth);
  return out;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Writes the interleaved sample data at `offset`. One dedicated loop per (format, bitDepth), so no per-sample
 * branching on the encoding. Integer samples: q = clip(round(x * 2^(bits-1)), -2^(bits-1), 2^(bits-1) - 1); a NaN
 * sample is written as 0 (8-bit: 0x00), exactly as DataView's integer setters store it.
 * The data offset is 44 (plain header) or 68 (extensible): 4-byte aligned, so on a little-endian host 16/32-bit
 * samples go through Int16Array/Int32Array/Float32Array views of `out`; float64 (not 8-byte aligned there) is
 * interleaved into a scratch Float64Array and copied.
 */
function writeSamples(
  out: Uint8Array,
  view: DataView,
  offset: number,
  channels: Float32Array[],
  frameCount: number,
  format: 'pcm' | 'float',
  bitDepth: number,
): void {
  const channelCount = channels.length;
  const n = frameCount * channelCount;
  if (n === 0) return;
  if (!LITTLE_ENDIAN_HOST) {
    writeSamplesDataView(view, offset, channels, frameCount, format, bitDepth);
    return;
  }
  if (format === 'float') {
    if (bitDepth === 32) {
      const dst = new Float32Array(out.buffer, out.byteOffset + offset, n);
      if (channelCount === 1) dst.set(channels[0].subarray(0, frameCount));
      else
        for (let c = 0; c < channelCount; c++) {
          const src = channels[c];
          for (let f = 0, i = c; f < frameCount; f++, i += channelCount) dst[i] = src[f];
        }
    } else {
      const tmp = new Float64Array(n);
      for (let c = 0; c < channelCount; c++) {
        const src = channels[c];
        for (let f = 0, i = c; f < frameCount; f++, i += channelCount) tmp[i] = src[f];
      }
      out.set(new Uint8Array(tmp.buffer), offset);
    }
    return;
  }
  if (bitDepth === 8) {
    for (let c = 0; c < channelCount; c++) {
      const src = channels[c];
      for (let f = 0, i = offset + c; f < frameCount; f++, i += channelCount) {
        let q = Math.round(src[f] * 128);
        if (q > 127) q = 127;
        else if (q < -128) q = -128;
        out[i] = q + 128;
      }
    }
  } else if (bitDepth === 16) {
    const dst = new Int16Array(out.buffer, out.byteOffset + offset, n);
    for (let c = 0; c < channelCount; c++) {
      const src = channels[c];
      for (let f = 0, i = c; f < frameCount; f++, i += channelCount) {
        let q = Math.round(src[f] * 32768);
        if (q > 32767) q = 32767;
        else if (q < -32768) q = -32768;
        dst[i] = q;
      }
    }
  } else if (bitDepth === 24) {
    const stride = 3 * channelCount;
    for (let c = 0; c < channelCount; c++) {
      const src = channels[c];
      for (let f = 0, i = offset + 3 * c; f < frameCount; f++, i += stride) {
        let q = Math.round(src[f] * 8388608);
        if (q > 8388607) q = 8388607;
        else if (q < -8388608) q = -8388608;
        out[i] = q & 0xff;
        out[i + 1] = (q >> 8) & 0xff;
        out[i + 2] = (q >> 16) & 0xff;
      }
    }
  } else {
    const dst = new Int32Array(out.buffer, out.byteOffset + offset, n);
    for (let c = 0; c < channelCount; c++) {
      const src = channels[c];
      for (let f = 0, i = c; f < frameCount; f++, i += channelCount) {
        let q = Math.round(src[f] * 2147483648);
        if (q > 2147483647) q = 2147483647;
        else if (q < -2147483648) q = -2147483648;
        dst[i] = q;
      }
    }
  }
}

/** Big-endian hosts: the same samples through DataView's little-endian setters, one loop per encoding. */
function writeSamplesDataView(
  view: DataView,
  offset: number,
  channels: Float32Array[],
  frameCount: number,
  format: 'pcm' | 'float',
  bitDepth: number,
): void {
  const channelCount = channels.length;
  const bytes = bitDepth / 8;
  const stride = bytes * channelCount;
  const full = 2 ** (bitDepth - 1);
  const quantize = (x: number) => Math.max(-full, Math.min(full - 1, Math.round(x * full)));
  for (let c = 0; c < channelCount; c++) {
    const src = channels[c];
    const start = offset + c * bytes;
    if (format === 'float' && bitDepth === 32) for (let f = 0, o = start; f < frameCount; f++, o += stride) view.setFloat32(o, src[f], true);
    else if (format === 'float') for (let f = 0, o = start; f < frameCount; f++, o += stride) view.setFloat64(o, src[f], true);
    else if (bitDepth === 8) for (let f = 0, o = start; f < frameCount; f++, o += stride) view.setUint8(o, quantize(src[f]) + 128);
    else if (bitDepth === 16) for (let f = 0, o = start; f < frameCount; f++, o += stride) view.setInt16(o, quantize(src[f]), true);
    else if (bitDepth === 24)
      for (let f = 0, o = start; f < frameCount; f++, o += stride) {
        const q = quantize(src[f]);
        view.setUint8(o, q & 0xff);
        view.setUint8(o + 1, (q >> 8) & 0xff);
        view.setInt8(o + 2, q >> 16);
      }
    else for (let f = 0, o = start; f < frameCount; f++, o += stride) view.setInt32(o, quantize(src[f]), true);
  }
}
