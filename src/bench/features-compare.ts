/**
 * `sed bench features --compare-torchaudio`: whole-process feature extraction here and in torchaudio, on the same
 * files, in one command, one thread each.
 *
 * A DCASE 2019 layout folder of `clips` 10 s 44.1 kHz 16-bit stereo WAVs (the features bench's synthetic clips, all
 * in `unlabel_in_domain`) is written once to a temporary folder. Each run is a fresh process, alternating:
 * `sed features --jobs 1` with the DESED settings (everything it does: decode, downmix, 44.1→16 kHz, log-mel,
 * .npy writes with fsync and rename, journal, manifests, statistics), then scripts/torchaudio_features.py (load,
 * downmix, Resample, MelSpectrogram, AmplitudeToDB, numpy.save), each into an empty output folder. Wall-clock time
 * of each process, start-up included; the result is the median over runs, and the ratio is ours / torchaudio's.
 * torchaudio is optional: without it that side is null with the reason.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { SedError, UsageError } from '../errors.ts';
import { DESED_FEATURES, synthClipWav } from './features-bench.ts';
import { defaultPython, median, threadEnvVars } from './train-compare.ts';

export interface FeaturesCompareOptions {
  clips?: number;
  /** Fresh processes per side (default 3). */
  runs?: number;
  python?: string;
  /** Replaces a side's command line (program then arguments; the paths are appended). For tests. */
  commands?: { sed?: string[]; torchaudio?: string[] };
  onRun?: (side: 'sed' | 'torchaudio', run: number) => void;
}

export interface FeaturesSide {
  /** Median wall-clock seconds of the whole process. */
  seconds: number;
  runs_sec: number[];
  ms_per_clip: number;
  /** Version string of what ran. */
  version: string;
}

export interface FeaturesCompareResult {
  bench: 'features_compare_torchaudio';
  clips: number;
  threads: 1;
  setting: string;
  sed: FeaturesSide;
  torchaudio: FeaturesSide | null;
  torchaudio_unavailable?: string;
  /** sed / torchaudio wall-clock (> 1: we are slower); null without torchaudio. */
  ratio: number | null;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SED_BIN = fileURLToPath(new URL('../../bin/sed.js', import.meta.url));
const TORCHAUDIO_SCRIPT = fileURLToPath(new URL('../../scripts/torchaudio_features.py', import.meta.url));
const AUDIO_SUBDIR = 'audio/train/unlabel_in_domain';

/** Writes the DCASE 2019 layout folder: every clip unlabelled, the other metadata files header-only. */
export function writeBenchDataset(root: string, clips: number): string[] {
  const audio = join(root, AUDIO_SUBDIR);
  mkdirSync(audio, { recursive: true });
  for (const d of ['audio/train/weak', 'audio/train/synthetic', 'audio/validation', 'metadata/train', 'metadata/validation']) mkdirSync(join(root, d), { recursive: true });
  const names = Array.from({ length: clips }, (_, i) => `bench_${String(i).padStart(4, '0')}.wav`);
  names.forEach((name, i) => writeFileSync(join(audio, name), synthClipWav(i)));
  writeFileSync(join(root, 'metadata/train/weak.tsv'), 'filename\tevent_labels\n');
  writeFileSync(join(root, 'metadata/train/synthetic.tsv'), 'filename\tonset\toffset\tevent_label\n');
  writeFileSync(join(root, 'metadata/validation/validation.tsv'), 'filename\tonset\toffset\tevent_label\n');
  writeFileSync(join(root, 'metadata/train/unlabel_in_domain.tsv'), `filename\n${names.join('\n')}\n`);
  return names;
}

interface Timed {
  code: number | null;
  seconds: number;
  stdout: string;
  stderr: string;
  spawnError?: string;
}

function timeChild(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ code: null, seconds: 0, stdout, stderr, spawnError: err.message }));
    child.on('close', (code) => resolve({ code, seconds: (performance.now() - t0) / 1000, stdout, stderr }));
  });
}

const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ').slice(0, 400);
const round3 = (x: number) => Math.round(x * 1000) / 1000;

export async function compareFeaturesWithTorchaudio(opts: FeaturesCompareOptions = {}): Promise<FeaturesCompareResult> {
  const { clips = 100, runs = 3 } = opts;
  if (!Number.isInteger(clips) || clips < 1) throw new UsageError(`--clips must be a positive integer (${clips} given)`);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs must be a positive integer (${runs} given)`);
  const python = opts.python ?? defaultPython();
  const env = { ...process.env, ...threadEnvVars(1) };
  const dir = mkdtempSync(join(tmpdir(), 'sed-bench-features-'));
  try {
    const root = join(dir, 'data');
    writeBenchDataset(root, clips);
    const configFile = join(dir, 'desed.yaml');
    writeFileSync(configFile, stringify({ data: { layout: 'dcase2019', root }, features: DESED_FEATURES }));
    const sedCmd = opts.commands?.sed ?? [process.execPath, SED_BIN, '--quiet', 'features', '--config', configFile, '--jobs', '1', '--out'];
    const taCmd = opts.commands?.torchaudio ?? [python, TORCHAUDIO_SCRIPT, '--threads', '1', join(root, AUDIO_SUBDIR)];

    const sedRuns: number[] = [];
    const taRuns: number[] = [];
    let taVersion = '';
    let unavailable: string | undefined;
    for (let r = 0; r < runs; r++) {
      const sedOut = join(dir, `sed-${r}`);
      opts.onRun?.('sed', r);
      const ours = await timeChild(sedCmd[0]!, [...sedCmd.slice(1), sedOut], env);
      if (ours.code !== 0) throw new SedError(`sed features failed with exit code ${ours.code}: ${ours.spawnError ?? tail(ours.stderr)}`);
      sedRuns.push(ours.seconds);
      rmSync(sedOut, { recursive: true, force: true });
      if (unavailable) continue;
      const taOut = join(dir, `torchaudio-${r}`);
      opts.onRun?.('torchaudio', r);
      const ta = await timeChild(taCmd[0]!, [...taCmd.slice(1), taOut], env);
      if (ta.code !== 0) {
        unavailable = `${[...taCmd, taOut].join(' ')} failed (exit ${ta.code}): ${ta.spawnError ?? tail(ta.stderr)}`;
        continue;
      }
      taRuns.push(ta.seconds);
      try {
        const line = JSON.parse(ta.stdout.trim().split('\n').pop()!) as { torch?: string; torchaudio?: string };
        taVersion = `torch ${line.torch}, torchaudio ${line.torchaudio}`;
      } catch {
        taVersion = 'torchaudio';
      }
      rmSync(taOut, { recursive: true, force: true });
    }
    const side = (runsSec: number[], version: string): FeaturesSide => {
      const seconds = median(runsSec);
      return { seconds: round3(seconds), runs_sec: runsSec.map(round3), ms_per_clip: Math.round((seconds * 1e5) / clips) / 100, version };
    };
    const sed = side(sedRuns, 'sed features --jobs 1');
    const torchaudio = unavailable ? null : side(taRuns, taVersion);
    const result: FeaturesCompareResult = {
      bench: 'features_compare_torchaudio',
      clips,
      threads: 1,
      setting: `${clips} × 10 s 44.1 kHz 16-bit stereo WAV → 16 kHz mono, n_fft 2048, hop 256, 128 mels, hamming, dB, .npy per clip; whole process`,
      sed,
      torchaudio,
      ratio: torchaudio ? Math.round((sed.seconds / torchaudio.seconds) * 100) / 100 : null,
    };
    if (unavailable) result.torchaudio_unavailable = unavailable;
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatFeaturesCompare(r: FeaturesCompareResult): string {
  const side = (s: FeaturesSide) => `${s.seconds.toFixed(2)} s (${s.ms_per_clip} ms/clip; median of ${s.runs_sec.length} runs: ${s.runs_sec.join(', ')} s; ${s.version})`;
  const lines = [
    `feature extraction, ${r.setting}, 1 thread`,
    `  sed:        ${side(r.sed)}`,
    `  torchaudio: ${r.torchaudio ? side(r.torchaudio) : `unavailable: ${r.torchaudio_unavailable}`}`,
  ];
  if (r.ratio !== null) lines.push(`  ratio:      ${r.ratio.toFixed(2)}× torchaudio`);
  return `${lines.join('\n')}\n`;
}
