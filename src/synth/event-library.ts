/**
 * Libraries of real recordings for `sed synth --events DIR --backgrounds DIR` (Scaper-style mixing): reading a folder
 * with one subfolder per class of isolated event recordings (or a flat folder of backgrounds), decoding any format
 * our WAV reader or sox reads, trimming leading/trailing silence, and splitting the source files into
 * train/validation/eval so that no source file is used in two splits.
 */
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { loadAudio } from '../audio/load.ts';
import { getResampler } from '../audio/resample.ts';
import { decodeWav } from '../audio/wav-decode.ts';
import { monoFromWaveform } from '../audio/waveform.ts';
import { DataError, UsageError } from '../errors.ts';
import { streamSeed, SynthRandom } from './random.ts';

/** File name endings taken as audio; anything else in a library folder (licence texts, tables) is ignored. */
export const AUDIO_EXTENSIONS: readonly string[] = ['.wav', '.wave', '.ogg', '.oga', '.opus', '.flac', '.mp3', '.aif', '.aiff', '.au', '.snd'];

export type Split = 'train' | 'validation' | 'eval';
export const SPLITS: readonly Split[] = ['train', 'validation', 'eval'];

/** One recording after decoding and trimming. */
export interface SourceRecording {
  /** Path relative to the library folder, `/`-separated (what the provenance table names). */
  relPath: string;
  /** The class (subfolder) for events; null for backgrounds. */
  label: string | null;
  samples: Float32Array; // mono, at the mixing rate, silence trimmed off both ends
  /** Where the trimmed part starts in the original file, in seconds. */
  trimStartSec: number;
}

export interface EventLibrary {
  classes: string[]; // sorted subfolder names
  byClass: Map<string, SourceRecording[]>; // sorted by relPath
}

const execFileAsync = promisify(execFile);

/**
 * Decodes one audio file to mono float samples at `sampleRateHz`. WAV goes through our own reader; any other format
 * (or a WAV our reader refuses) through `sox FILE -t wav -e floating-point -b 32 -` and then our reader and resampler,
 * so that every source is resampled the same way. Throws DataError naming the file when neither can read it.
 */
export async function decodeAnyAudio(path: string, sampleRateHz: number): Promise<Float32Array> {
  const ext = extname(path).toLowerCase();
  if (ext === '.wav' || ext === '.wave') {
    try {
      return (await loadAudio(path, sampleRateHz)).samples;
    } catch (err) {
      if (!(err instanceof DataError)) throw err;
      // some WAV variants (ADPCM, µ-law) are for sox
    }
  }
  let stdout: Buffer;
  try {
    ({ stdout } = await execFileAsync('sox', ['-V1', path, '-t', 'wav', '-e', 'floating-point', '-b', '32', '-'], { encoding: 'buffer', maxBuffer: 1 << 30 }));
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === 'ENOENT') throw new DataError(path, 'not a WAV file our reader takes, and sox is not installed to decode it (apt-get install sox libsox-fmt-all)');
    throw new DataError(path, `sox cannot decode it: ${(e.stderr?.toString() ?? e.message).trim().split('\n').pop()}`);
  }
  // sox writes an unknown data size (0xFFFFFFFF or 0) to a pipe; our reader then decodes to the last whole frame
  const wave = decodeWav(new Uint8Array(stdout.buffer, stdout.byteOffset, stdout.byteLength), path);
  return getResampler(wave.sampleRateHz, sampleRateHz).process(monoFromWaveform(wave));
}

/**
 * The non-silent extent of a recording: [start, end) in samples, from the first to the last 10 ms window whose RMS is
 * within `thresholdDb` of the loudest window's. Null for a silent file (loudest window RMS below 1e-5).
 */
export function nonSilentExtent(samples: Float32Array, sampleRateHz: number, thresholdDb = -40): [number, number] | null {
  const win = Math.max(1, Math.round(sampleRateHz / 100));
  const nWin = Math.ceil(samples.length / win);
  const power = new Float64Array(nWin);
  let maxPower = 0;
  for (let w = 0; w < nWin; w++) {
    let s = 0;
    const end = Math.min(samples.length, (w + 1) * win);
    for (let i = w * win; i < end; i++) s += samples[i] * samples[i];
    power[w] = s / (end - w * win);
    maxPower = Math.max(maxPower, power[w]);
  }
  if (!(maxPower > 1e-10)) return null;
  const floor = maxPower * 10 ** (thresholdDb / 10);
  let first = 0;
  while (power[first] < floor) first++;
  let last = nWin - 1;
  while (power[last] < floor) last--;
  return [first * win, Math.min(samples.length, (last + 1) * win)];
}

async function listAudio(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  return names.filter((n) => !n.startsWith('.') && AUDIO_EXTENSIONS.includes(extname(n).toLowerCase())).sort();
}

async function readRecording(dir: string, relPath: string, label: string | null, sampleRateHz: number): Promise<SourceRecording> {
  const path = join(dir, relPath);
  const samples = await decodeAnyAudio(path, sampleRateHz);
  const extent = nonSilentExtent(samples, sampleRateHz);
  if (!extent) throw new DataError(path, 'silent recording (nothing within 40 dB of full scale): remove it from the library');
  return { relPath, label, samples: samples.slice(extent[0], extent[1]), trimStartSec: extent[0] / sampleRateHz };
}

/**
 * Reads an event library: every subfolder of `dir` is a class (its name is the label, so it may not contain a comma
 * or a tab), every audio file directly in it one isolated event recording. Throws UsageError for an empty library or
 * a class folder without audio, DataError for a file that cannot be decoded or is silent.
 */
export async function readEventLibrary(dir: string, sampleRateHz: number): Promise<EventLibrary> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: Error) => {
    throw new UsageError(`--events ${dir}: cannot read the folder (${err.message})`);
  });
  const classes = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  if (!classes.length) throw new UsageError(`--events ${dir}: no class subfolders (expected one folder per class of isolated event recordings)`);
  const byClass = new Map<string, SourceRecording[]>();
  for (const label of classes) {
    if (/[,\t\n]/.test(label)) throw new UsageError(`--events ${join(dir, label)}: a class name may not contain a comma, tab or newline (DCASE label lists are comma-separated)`);
    const files = await listAudio(join(dir, label));
    if (!files.length) throw new UsageError(`--events ${join(dir, label)}: no audio files (${AUDIO_EXTENSIONS.join(' ')}) in this class folder`);
    const recs: SourceRecording[] = [];
    for (const f of files) recs.push(await readRecording(dir, `${label}/${f}`, label, sampleRateHz));
    byClass.set(label, recs);
  }
  return { classes, byClass };
}

/** Reads a flat folder of background recordings (ambiences), each looped or cropped to the clip length when mixed. */
export async function readBackgrounds(dir: string, sampleRateHz: number): Promise<SourceRecording[]> {
  if (!(await stat(dir).catch(() => null))?.isDirectory()) throw new UsageError(`--backgrounds ${dir}: not a folder`);
  const files = await listAudio(dir);
  if (!files.length) throw new UsageError(`--backgrounds ${dir}: no audio files (${AUDIO_EXTENSIONS.join(' ')})`);
  const recs: SourceRecording[] = [];
  for (const f of files) recs.push(await readRecording(dir, f, null, sampleRateHz));
  return recs;
}

/**
 * Splits source files into train/validation/eval by file, deterministically for (seed, group): the sorted list is
 * shuffled, then validation and eval take round(n·fraction) files each (at least one), train the rest (at least one).
 * `fractions` are the validation and eval shares. Throws UsageError naming the group when it has fewer than 3 files.
 */
export function splitSources<T extends { relPath: string }>(items: readonly T[], fractions: { validation: number; eval: number }, seed: number, group: string): Record<Split, T[]> {
  const n = items.length;
  if (n < 3) throw new UsageError(`${group}: ${n} source file(s); at least 3 are needed to put different files in train, validation and eval`);
  const rng = new SynthRandom(streamSeed(seed, 0x73706c74, hashString(group)));
  const order = rng.shuffle([...items].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0)));
  let nVal = Math.max(1, Math.round(n * fractions.validation));
  let nEval = Math.max(1, Math.round(n * fractions.eval));
  while (n - nVal - nEval < 1) {
    if (nVal >= nEval && nVal > 1) nVal--;
    else nEval--;
  }
  return { validation: order.slice(0, nVal), eval: order.slice(nVal, nVal + nEval), train: order.slice(nVal + nEval) };
}

/** FNV-1a over UTF-16 code units: a stable 32-bit number for a name. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}
