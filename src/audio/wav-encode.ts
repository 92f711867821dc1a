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
  const full = 2 ** (bitDepth - 1);
  for (let f = 0; f < frameCount; f++) {
    for (let c = 0; c < channelCount; c++) {
      const x = wave.channels[c][f];
      if (format === 'float') {
        if (bitDepth === 32) view.setFloat32(offset, x, true);
        else view.setFloat64(offset, x, true);
      } else {
        const q = Math.max(-full, Math.min(full - 1, Math.round(x * full)));
        if (bitDepth === 8) view.setUint8(offset, q + 128);
        else if (bitDepth === 16) view.setInt16(offset, q, true);
        else if (bitDepth === 24) {
          view.setUint8(offset, q & 0xff);
          view.setUint8(offset + 1, (q >> 8) & 0xff);
          view.setInt8(offset + 2, q >> 16);
        } else view.setInt32(offset, q, true);
      }
      offset += bytesPerSample;
    }
  }
  return out;
}
