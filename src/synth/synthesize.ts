/**
 * `sed synth`: writes a deterministic DCASE-like dataset in the exact folder layout the readers read
 * (src/data/dcase2019.ts, src/data/dcase2017.ts), with 16-bit WAV audio, metadata, and classes.json (class names,
 * mean event durations, descriptions), which overrides the official class list when the folder is read.
 *
 * DCASE 2019 subsets: weak (weak labels), synthetic (strong), unlabel_in_domain (no labels), validation (strong,
 * for checkpoint selection), eval/public (strong, for reporting only).
 * DCASE 2017 subsets: training (weak ground truth, one row per label grouped by label, YouTube-style ids with
 * `_`, `-` and some leading `Y`), testing (strong + weak ground truth), evaluation (strong, CRLF like the real file).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Layout } from '../config/types.ts';
import { CLASSES_JSON, type ClassInfo } from '../data/classes.ts';
import { DCASE2017_AUDIO_DIRS, DCASE2017_FILES } from '../data/dcase2017.ts';
import { UsageError } from '../errors.ts';
import { planClips, renderClip, type PlannedClip } from './clip-plan.ts';
import { strongLines, writeText, writeWavClips, YoutubeNames } from './layout-writer.ts';
import { SYNTH_CLASSES } from './sound-classes.ts';

export interface SynthOptions {
  layout: Layout;
  outDir: string;
  /** Weakly labelled training clips (2019 weak, 2017 training). */
  clips: number;
  seed: number;
  sampleRateHz?: number; // default 16000
  clipSeconds?: number; // default 10
  /** Strongly labelled clips of 2019 validation, and of each of 2017 testing and evaluation (default clips/4). */
  validationClips?: number;
  /** 2019 eval/public clips (strong labels, held out from training and checkpoint selection; default: validationClips). */
  evalClips?: number;
  /** 2019 unlabel_in_domain clips (default clips/2). */
  unlabeledClips?: number;
  /** 2019 synthetic (strong training) clips (default clips/2). */
  syntheticStrongClips?: number;
}

export interface SynthSummary {
  layout: Layout;
  out: string;
  seed: number;
  sample_rate_hz: number;
  clip_seconds: number;
  classes: number;
  clips: number;
  subsets: Record<string, number>;
  events: number;
  audio_hours: number;
  seconds: number;
}

interface ClipRecord {
  name: string; // as written in the metadata
  plan: PlannedClip;
}

/**
 * Writes the dataset described in the file header into `opts.outDir` (same options, same bytes): 16-bit WAV clips of
 * `opts.clipSeconds` (default 10) at `opts.sampleRateHz` (default 16000) with events of the synthetic classes
 * (synth/sound-classes.ts), the layout's metadata (DCASE 2019 with eval/public) and classes.json. Throws UsageError for a count, seed, sample rate
 * or clip length out of range.
 */
export async function synthesizeDataset(opts: SynthOptions): Promise<SynthSummary> {
  const startMs = Date.now();
  const sampleRateHz = opts.sampleRateHz ?? 16000;
  const clipSeconds = opts.clipSeconds ?? 10;
  checkCount('clips', opts.clips, 1);
  if (!Number.isInteger(opts.seed)) throw new UsageError(`seed must be an integer (${opts.seed} given)`);
  if (!Number.isInteger(sampleRateHz) || sampleRateHz < 16000) throw new UsageError(`sampleRateHz must be an integer ≥ 16000, for the 4 kHz hiss class (${sampleRateHz} given)`);
  if (!(clipSeconds >= 1 && clipSeconds <= 600)) throw new UsageError(`clipSeconds must be between 1 and 600 (${clipSeconds} given)`);
  const validationClips = opts.validationClips ?? Math.max(1, Math.round(opts.clips / 4));
  const unlabeledClips = opts.unlabeledClips ?? Math.round(opts.clips / 2);
  const syntheticClips = opts.syntheticStrongClips ?? Math.round(opts.clips / 2);
  const evalClips = opts.evalClips ?? validationClips;
  checkCount('validationClips', validationClips, 0);
  checkCount('evalClips', evalClips, 0);
  checkCount('unlabeledClips', unlabeledClips, 0);
  checkCount('syntheticStrongClips', syntheticClips, 0);

  const classes = SYNTH_CLASSES;
  const names = new YoutubeNames(opts.seed, clipSeconds);
  const writeClips = (dir: string, clips: { fileName: string; plan: PlannedClip }[]) =>
    writeWavClips(dir, clips.map((c) => ({ fileName: c.fileName, render: () => renderClip(c.plan, classes, sampleRateHz, clipSeconds) })), sampleRateHz);
  const out = opts.outDir;
  const subsets: Record<string, number> = {};
  let events = 0;
  const plan = (count: number, subsetIndex: number) => planClips(count, classes, clipSeconds, opts.seed, subsetIndex);
  const labelOf = (classIndex: number) => classes[classIndex].name;

  if (opts.layout === 'dcase2019') {
    const weak = plan(opts.clips, 0).map((p) => ({ name: names.next2019(), plan: p }));
    const synthetic = plan(syntheticClips, 1).map((p, i) => ({ name: `${i}.wav`, plan: p }));
    const unlabeled = plan(unlabeledClips, 2).map((p) => ({ name: names.next2019(), plan: p }));
    const validation = plan(validationClips, 3).map((p) => ({ name: names.next2019(), plan: p }));
    // DESED's eval/public names (and audio files) lack the `Y` prefix
    const evalPublic = plan(evalClips, 4).map((p) => ({ name: names.next2017(), plan: p }));
    await writeText(join(out, 'metadata/train/weak.tsv'), ['filename\tevent_labels', ...weak.map((c) => `${c.name}\t${weakLabels(c.plan).map(labelOf).join(',')}`)]);
    await writeText(join(out, 'metadata/train/synthetic.tsv'), ['filename\tonset\toffset\tevent_label', ...strongRows(synthetic, labelOf)]);
    await writeText(join(out, 'metadata/train/unlabel_in_domain.tsv'), ['filename', ...unlabeled.map((c) => c.name)]);
    await writeText(join(out, 'metadata/validation/validation.tsv'), ['filename\tonset\toffset\tevent_label', ...strongRows(validation, labelOf)]);
    if (evalClips) await writeText(join(out, 'metadata/eval/public.tsv'), ['filename\tonset\toffset\tevent_label', ...strongRows(evalPublic, labelOf)]);
    const parts: [string, string, ClipRecord[]][] = [
      ['weak', 'audio/train/weak', weak],
      ['synthetic', 'audio/train/synthetic', synthetic],
      ['unlabel_in_domain', 'audio/train/unlabel_in_domain', unlabeled],
      ['validation', 'audio/validation', validation],
      ...(evalClips ? [['eval_public', 'audio/eval/public', evalPublic] as [string, string, ClipRecord[]]] : []),
    ];
    for (const [subset, dir, clips] of parts) {
      await writeClips(join(out, dir), clips.map((c) => ({ fileName: c.name, plan: c.plan })));
      subsets[subset] = clips.length;
      events += clips.reduce((n, c) => n + c.plan.events.length, 0);
    }
  } else {
    const training = plan(opts.clips, 0).map((p) => ({ name: names.next2017(), plan: p }));
    const testing = plan(validationClips, 1).map((p) => ({ name: names.next2017(), plan: p }));
    const evaluation = plan(validationClips, 2).map((p) => ({ name: names.next2017(), plan: p }));
    await writeText(join(out, DCASE2017_FILES.trainingWeak), weakRows2017(training, clipSeconds, labelOf, names));
    await writeText(join(out, DCASE2017_FILES.testingWeak), weakRows2017(testing, clipSeconds, labelOf, names));
    await writeText(join(out, DCASE2017_FILES.testingStrong), strongRows(testing, labelOf));
    await writeText(join(out, DCASE2017_FILES.evaluationStrong), strongRows(evaluation, labelOf), '\r\n');
    const parts: [string, string, ClipRecord[]][] = [
      ['training', DCASE2017_AUDIO_DIRS.training, training],
      ['testing', DCASE2017_AUDIO_DIRS.testing, testing],
      ['evaluation', DCASE2017_AUDIO_DIRS.evaluation, evaluation],
    ];
    for (const [subset, dir, clips] of parts) {
      // the audio file of ground-truth name N is `Y` + N (see dcase2017.ts)
      await writeClips(join(out, dir), clips.map((c) => ({ fileName: `Y${c.name}`, plan: c.plan })));
      subsets[subset] = clips.length;
      events += clips.reduce((n, c) => n + c.plan.events.length, 0);
    }
  }

  const info: ClassInfo[] = classes.map((c) => ({ name: c.name, mean_duration_sec: c.meanDurationSec, description: c.description }));
  await writeFile(join(out, CLASSES_JSON), `${JSON.stringify({ classes: info }, null, 2)}\n`);

  const clips = Object.values(subsets).reduce((a, b) => a + b, 0);
  return {
    layout: opts.layout,
    out,
    seed: opts.seed,
    sample_rate_hz: sampleRateHz,
    clip_seconds: clipSeconds,
    classes: classes.length,
    clips,
    subsets,
    events,
    audio_hours: (clips * clipSeconds) / 3600,
    seconds: (Date.now() - startMs) / 1000,
  };
}

function checkCount(name: string, value: number, min: number) {
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${name} must be an integer ≥ ${min} (${value} given)`);
}

const weakLabels = (plan: PlannedClip) => [...new Set(plan.events.map((e) => e.classIndex))];

function strongRows(clips: ClipRecord[], labelOf: (c: number) => string): string[] {
  return strongLines(clips.flatMap((c) => c.plan.events.map((e) => ({ clip: c.name, onsetSec: e.onsetSec, offsetSec: e.offsetSec, label: labelOf(e.classIndex) }))));
}

/** One row per (clip, label), grouped by label as in the real 2017 list, so a clip's rows are not adjacent. */
function weakRows2017(clips: ClipRecord[], clipSeconds: number, labelOf: (c: number) => string, names: YoutubeNames): string[] {
  const rows: { classIndex: number; text: string }[] = [];
  for (const c of clips) {
    const [startSec, endSec] = names.times(c.name);
    for (const k of weakLabels(c.plan)) rows.push({ classIndex: k, text: `${c.name}\t${startSec.toFixed(3)}\t${endSec.toFixed(3)}\t${labelOf(k)}` });
  }
  return rows.sort((a, b) => a.classIndex - b.classIndex).map((r) => r.text); // stable sort: clip order within a label
}

