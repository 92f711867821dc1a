/**
 * A WAV file read in blocks, for recordings too long to hold in memory (`sed predict` on hours of audio).
 *
 * The header is walked here with file reads (chunk ids and sizes only); the samples of each block are decoded by
 * decodeWav itself, given a small RIFF file made of the original fmt chunk and that block, so the sample formats and
 * their scaling are exactly those of whole-file decoding. Data-size rules follow decodeWav: a declared size past the
 * end of the file is read as far as it goes (with a warning), 0xFFFFFFFF reads to the end, so does 0 with bytes after
 * it (with a warning); a data chunk with no complete frame is an error (DataError naming the file).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { DataError } from '../errors.ts';
import { dataChunkExtent, decodeWav } from './wav-decode.ts';
import { monoFromWaveform } from './waveform.ts';

export interface WavStream {
  sampleRateHz: number;
  channelCount: number;
  /** Complete frames (samples per channel) the data chunk holds. */
  frameCount: number;
  warnings: string[];
  /** Mono blocks (channels averaged) of up to `blockFrames` frames, in order; closes the file when done. */
  monoBlocks(blockFrames?: number): AsyncGenerator<Float32Array>;
  close(): Promise<void>;
}

const ascii = (bytes: Uint8Array, at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(out, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return out.subarray(0, got);
}

/** Opens `path` and reads its header; every problem is a DataError naming `path`. */
export async function openWavStream(path: string): Promise<WavStream> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new DataError(path, `cannot read audio file: ${(err as Error).message}`);
  }
  try {
    return await readHeader(handle, path);
  } catch (err) {
    await handle.close();
    throw err;
  }
}

async function readHeader(handle: FileHandle, path: string): Promise<WavStream> {
  const fileBytes = (await handle.stat()).size;
  const head = await readAt(handle, 0, 12);
  // Let decodeWav word the errors of a bad or short RIFF header.
  if (head.length < 12 || ascii(head, 0) !== 'RIFF' || ascii(head, 8) !== 'WAVE') decodeWav(head, path);
  let fmtChunk: Uint8Array | undefined;
  let data: { offset: number; declared: number } | undefined;
  let offset = 12;
  while (offset + 8 <= fileBytes && !(fmtChunk && data)) {
    const header = await readAt(handle, offset, 8);
    const id = ascii(header, 0);
    const size = new DataView(header.buffer, header.byteOffset, 8).getUint32(4, true);
    if (id === 'fmt ') fmtChunk = await readAt(handle, offset, 8 + Math.min(size, 1024));
    else if (id === 'data' && !data) data = { offset: offset + 8, declared: size };
    offset += 8 + size + (size % 2);
  }
  if (!fmtChunk) throw new DataError(path, data ? 'no fmt chunk before the end of the file' : 'truncated header: no fmt chunk');
  if (!data) throw new DataError(path, 'no data chunk');
  // The fmt chunk's own size field may exceed what we copied; rewrite it to the copied body length.
  const fmtBody = fmtChunk.length - 8;
  const fmtCopy = new Uint8Array(8 + fmtBody + (fmtBody % 2));
  fmtCopy.set(fmtChunk);
  new DataView(fmtCopy.buffer).setUint32(4, fmtBody, true);
  const miniFile = (payload: Uint8Array) => {
    const bytes = new Uint8Array(12 + fmtCopy.length + 8 + payload.length);
    const view = new DataView(bytes.buffer);
    bytes.set([0x52, 0x49, 0x46, 0x46], 0); // RIFF
    view.setUint32(4, bytes.length - 8, true);
    bytes.set([0x57, 0x41, 0x56, 0x45], 8); // WAVE
    bytes.set(fmtCopy, 12);
    const at = 12 + fmtCopy.length;
    bytes.set([0x64, 0x61, 0x74, 0x61], at); // data
    view.setUint32(at + 4, payload.length, true);
    bytes.set(payload, at + 8);
    return bytes;
  };
  // Validates the format (decodeWav's errors) and gives rate and channels: a probe with one silent frame (decodeWav
  // refuses a data chunk without one).
  const frameBytes = frameBytesOf(fmtCopy);
  const probe = decodeWav(miniFile(new Uint8Array(Math.ceil(frameBytes))), path);
  const channelCount = probe.channels.length;
  const { dataBytes, warning } = dataChunkExtent(data.declared, fileBytes - data.offset);
  const warnings = warning ? [warning] : [];
  const frameCount = Math.floor(dataBytes / frameBytes);
  if (frameCount === 0) {
    throw new DataError(path, data.declared === 0 ? 'empty data chunk (0 bytes): no audio to score' : `data chunk holds no complete frame (${dataBytes} bytes, ${frameBytes} per frame)`);
  }
  const dataOffset = data.offset;
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  return {
    sampleRateHz: probe.sampleRateHz,
    channelCount,
    frameCount,
    warnings,
    close,
    async *monoBlocks(blockFrames = 1 << 16) {
      try {
        for (let first = 0; first < frameCount; first += blockFrames) {
          const frames = Math.min(blockFrames, frameCount - first);
          const bytes = await readAt(handle, dataOffset + first * frameBytes, frames * frameBytes);
          if (bytes.length < frames * frameBytes) throw new DataError(path, `file shrank while reading: frame ${first} onwards missing`);
          yield monoFromWaveform(decodeWav(miniFile(bytes), path));
        }
      } finally {
        await close();
      }
    },
  };
}

/** Block align from a fmt chunk copy (at byte 8 + 12), at least channels × bytes per sample, as decodeWav uses. */
function frameBytesOf(fmtCopy: Uint8Array): number {
  const view = new DataView(fmtCopy.buffer, fmtCopy.byteOffset);
  const channels = view.getUint16(8 + 2, true);
  const bits = view.getUint16(8 + 14, true);
  return Math.max(view.getUint16(8 + 12, true), (channels * bits) / 8);
}
