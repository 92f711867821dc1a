/** Audio file → mono samples at the target rate: read, decode, average channels, resample. */
import { readFile } from 'node:fs/promises';
import { DataError } from '../errors.ts';
import { decodeWavMono } from './wav-decode.ts';
import { getResampler } from './resample.ts';

export interface LoadedAudio {
  samples: Float32Array; // mono, at the target rate
  sourceRateHz: number;
  /** Of the source audio: frames / source rate. */
  durationSec: number;
  /** Non-fatal decoding problems (e.g. a truncated data chunk that was decoded as far as it goes). */
  warnings: string[];
  /** The data chunk was cut short (see decodeWav): the caller decides whether the clip may be used. */
  truncated: boolean;
}

/** Reads a WAV file; every failure (missing file, bad format) is a DataError naming `path`. */
export async function loadAudio(path: string, targetHz: number): Promise<LoadedAudio> {
  let bytes: Uint8Array;
  try {
    const buffer = await readFile(path);
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (err) {
    throw new DataError(path, `cannot read audio file: ${(err as Error).message}`);
  }
  const { samples: mono, sampleRateHz, warnings, truncated } = decodeWavMono(bytes, path);
  return {
    samples: getResampler(sampleRateHz, targetHz).process(mono),
    sourceRateHz: sampleRateHz,
    durationSec: mono.length / sampleRateHz,
    warnings,
    truncated,
  };
}
