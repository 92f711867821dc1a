/**
 * Pieces shared by the two ways of making a data set (built-in synthetic sounds, and mixes of real recordings):
 * DCASE-style file names, metadata text files, strong label rows, and writing clips as 16-bit WAV.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeWav } from '../audio/wav-encode.ts';
import { streamSeed, SynthRandom } from './random.ts';

const WRITE_CONCURRENCY = 8;

/** One strong label row: clip, times (s) and class. */
export interface StrongRow {
  clip: string;
  onsetSec: number;
  offsetSec: number;
  label: string;
}

/** `filename<TAB>onset<TAB>offset<TAB>event_label` lines, times to the millisecond. */
export function strongLines(rows: StrongRow[]): string[] {
  return rows.map((r) => `${r.clip}\t${r.onsetSec.toFixed(3)}\t${r.offsetSec.toFixed(3)}\t${r.label}`);
}

/** Writes lines (each ended by `eol`), creating the folder. */
export async function writeText(path: string, lines: string[], eol = '\n') {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, lines.map((l) => l + eol).join(''));
}

export /** Fake YouTube ids: 11 characters of [A-Za-z0-9_-], unique per dataset, times `<start>.000_<end>.000`. */
class YoutubeNames {
  private static readonly ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  private readonly rng: SynthRandom;
  private readonly used = new Set<string>();
  private readonly startOf = new Map<string, number>();
  private count = 0;

  constructor(
    seed: number,
    private readonly clipSeconds: number,
  ) {
    this.rng = new SynthRandom(streamSeed(seed, 0x6e616d65));
  }

  /** DCASE 2019 style: `Y<id>_<start>_<end>.wav`. */
  next2019(): string {
    return `Y${this.next()}`;
  }

  /**
   * DCASE 2017 ground-truth style: `<id>_<start>_<end>.wav` without the `Y`. Every 4th id starts with `Y` (its audio
   * file then starts with `YY`) and every 3rd contains both `_` and `-`, to exercise the reader.
   */
  next2017(): string {
    return this.next();
  }

  times(name: string): [number, number] {
    const start = this.startOf.get(name)!;
    return [start, start + this.clipSeconds];
  }

  private next(): string {
    const k = this.count++;
    for (;;) {
      const chars = Array.from({ length: 11 }, () => this.rng.pick([...YoutubeNames.ALPHABET]));
      if (k % 4 === 0) chars[0] = 'Y';
      if (k % 3 === 0) [chars[3], chars[7]] = ['_', '-'];
      const id = chars.join('');
      if (this.used.has(id)) continue;
      this.used.add(id);
      const start = this.clipSeconds * this.rng.int(0, 30);
      const name = `${id}_${start.toFixed(3)}_${(start + this.clipSeconds).toFixed(3)}.wav`;
      this.startOf.set(name, start);
      this.startOf.set(`Y${name}`, start);
      return name;
    }
  }
}

/**
 * Renders and writes clips as 16-bit PCM WAV, keeping a few writes in flight while the next clip renders.
 * `render` is called once per clip, in order.
 */
export async function writeWavClips(dir: string, clips: { fileName: string; render: () => Float32Array }[], sampleRateHz: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const pending = new Set<Promise<void>>();
  let failure: unknown = null;
  for (const clip of clips) {
    if (failure) break;
    const bytes = encodeWav({ channels: [clip.render()], sampleRateHz }, { format: 'pcm', bitDepth: 16 });
    const p: Promise<void> = writeFile(join(dir, clip.fileName), bytes).then(
      () => void pending.delete(p),
      (err) => void (pending.delete(p), (failure ??= err)),
    );
    pending.add(p);
    if (pending.size >= WRITE_CONCURRENCY) await Promise.race(pending);
  }
  await Promise.all(pending);
  if (failure) throw failure;
}
