/**
 * `sed synth --events DIR --backgrounds DIR`: soundscapes mixed from real recordings, the way DESED's synthetic sets
 * are made with Scaper. Each clip is one background recording (looped or cropped to the clip length, at a fixed RMS)
 * plus 1–3 isolated events at a random SNR. Source files are split into train/validation/eval first, so no recording
 * is heard in two splits; train feeds weak, synthetic and unlabel_in_domain, validation feeds validation (checkpoint
 * selection), eval feeds eval/public (reporting). Writes the DCASE 2019 layout, classes.json with the measured mean
 * duration of each class's placed events, provenance.tsv (the source of every event and background, and where in it
 * the mix starts) and sources.tsv (each source file's split).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASSES_JSON, type ClassInfo } from '../data/classes.ts';
import { UsageError } from '../errors.ts';
import { BACKGROUND_RMS } from './clip-plan.ts';
import { rms } from './dsp.ts';
import { resample } from '../audio/resample.ts';
import { readBackgrounds, readEventLibrary, splitSources, SPLITS, type SourceRecording, type Split } from './event-library.ts';
import { strongLines, writeText, writeWavClips, YoutubeNames } from './layout-writer.ts';
import { streamSeed, SynthRandom } from './random.ts';

export type OnsetDistribution = 'uniform' | 'normal';

export interface RealMixOptions {
  eventsDir: string;
  backgroundsDir: string;
  outDir: string;
  seed: number;
  /** Weakly labelled training clips (audio/train/weak). */
  clips: number;
  sampleRateHz?: number; // default 16000
  clipSeconds?: number; // default 10
  /** Strongly labelled validation clips (default clips/4), eval/public clips (default: as validation). */
  validationClips?: number;
  evalClips?: number;
  /** unlabel_in_domain and synthetic (strong training) clips (default clips/2 each). */
  unlabeledClips?: number;
  syntheticStrongClips?: number;
  /** Events per clip, both ends included (default [1, 3]). */
  eventsPerClip?: [number, number];
  /** Event-to-background SNR range in dB (default [0, 15]): event RMS over its extent against the background's. */
  snrDb?: [number, number];
  /** Onsets uniform over [0, clip − duration], or a normal around the middle of that range (σ = range/4), clipped. */
  onset?: OnsetDistribution;
  /**
   * Per-class event length in seconds, [min, max] (uniform): a longer source is cropped at a random offset, a shorter
   * one looped with a 20 ms crossfade. Classes not listed use each source's own (trimmed) length, cropped to the clip.
   */
  eventDurations?: Record<string, [number, number]>;
  /** Shares of each class's source files that go to validation and eval (default 0.2 each; the rest to train). */
  splitFractions?: { validation: number; eval: number };
  /**
   * Speed perturbation of the training splits' events, [low, high] (default [1, 1]: none): each event of a training
   * clip is played at a speed drawn log-uniformly from the range, in steps of 1 %, by resampling (pitch and length
   * scale together, as a tape played faster; Kaldi's speed perturbation). Validation and eval clips hear every
   * recording as recorded.
   */
  trainSpeed?: [number, number];
}

export interface RealMixSummary {
  layout: 'dcase2019';
  out: string;
  seed: number;
  sample_rate_hz: number;
  clip_seconds: number;
  classes: number;
  clips: number;
  subsets: Record<string, number>;
  events: number;
  /** Source files per split: events (all classes) and backgrounds. */
  sources: Record<Split, { events: number; backgrounds: number }>;
  /** True when there were fewer than 3 backgrounds and every split shares them. */
  backgrounds_shared: boolean;
  mean_duration_sec: Record<string, number>;
  seconds: number;
}

/** One event placed in a clip, with what it was cut from. */
export interface PlacedEvent {
  label: string;
  source: SourceRecording;
  onsetSec: number; // rounded to 1 ms, as written in the metadata
  offsetSec: number;
  /** Offset into the trimmed source where the event starts (s), and how many times the source was repeated. */
  sourceOffsetSec: number;
  loops: number;
  snrDb: number;
  /** Playback speed of the source (1 = as recorded; 1.1 = 10 % faster and higher), a multiple of 0.01. */
  speed: number;
}

export interface MixPlan {
  background: SourceRecording;
  backgroundOffsetSec: number;
  events: PlacedEvent[]; // onset order
}

const CROSSFADE_SEC = 0.02;
const EDGE_FADE_SEC = 0.005;
const roundMs = (sec: number) => Math.round(sec * 1000) / 1000;

interface SubsetSpec {
  name: string;
  split: Split;
  count: number;
  audioDir: string;
  nameOf: (k: number) => string;
}

export async function mixRealDataset(opts: RealMixOptions): Promise<RealMixSummary> {
  const startMs = Date.now();
  const sampleRateHz = opts.sampleRateHz ?? 16000;
  const clipSeconds = opts.clipSeconds ?? 10;
  const count = (name: string, value: number | undefined, def: number, min: number) => {
    const v = value ?? def;
    if (!Number.isInteger(v) || v < min) throw new UsageError(`${name} must be an integer ≥ ${min} (${v} given)`);
    return v;
  };
  const clips = count('--clips', opts.clips, 0, 1);
  const validationClips = count('--validation-clips', opts.validationClips, Math.max(1, Math.round(clips / 4)), 1);
  const evalClips = count('--eval-clips', opts.evalClips, validationClips, 1);
  const unlabeledClips = count('unlabeledClips', opts.unlabeledClips, Math.round(clips / 2), 0);
  const syntheticClips = count('syntheticStrongClips', opts.syntheticStrongClips, Math.round(clips / 2), 0);
  const [minEvents, maxEvents] = opts.eventsPerClip ?? [1, 3];
  if (!(Number.isInteger(minEvents) && Number.isInteger(maxEvents) && minEvents >= 1 && maxEvents >= minEvents))
    throw new UsageError(`--events-per-clip must be MIN-MAX integers with 1 ≤ MIN ≤ MAX (${minEvents}-${maxEvents} given)`);
  const [snrLow, snrHigh] = opts.snrDb ?? [0, 15];
  if (!(Number.isFinite(snrLow) && Number.isFinite(snrHigh) && snrHigh >= snrLow)) throw new UsageError(`--snr must be LOW:HIGH dB with LOW ≤ HIGH (${snrLow}:${snrHigh} given)`);
  const onset = opts.onset ?? 'uniform';
  const [speedLow, speedHigh] = opts.trainSpeed ?? [1, 1];
  if (!(speedLow >= 0.5 && speedHigh <= 2 && speedHigh >= speedLow)) throw new UsageError(`--speed must be LOW:HIGH with 0.5 ≤ LOW ≤ HIGH ≤ 2 (${speedLow}:${speedHigh} given)`);
  if (onset !== 'uniform' && onset !== 'normal') throw new UsageError(`--onset must be uniform or normal (${String(onset)} given)`);
  const fractions = opts.splitFractions ?? { validation: 0.2, eval: 0.2 };
  if (!(fractions.validation > 0 && fractions.eval > 0 && fractions.validation + fractions.eval < 1)) throw new UsageError('split fractions: validation and eval must be > 0 and leave some files for train');

  const library = await readEventLibrary(opts.eventsDir, sampleRateHz);
  const durations = opts.eventDurations ?? {};
  for (const [label, range] of Object.entries(durations)) {
    if (!library.classes.includes(label)) throw new UsageError(`event durations: class '${label}' has no folder in ${opts.eventsDir} (classes: ${library.classes.join(', ')})`);
    if (!(range.length === 2 && range[0] > 0 && range[1] >= range[0] && range[1] <= clipSeconds)) throw new UsageError(`event durations: ${label} must be [min, max] seconds with 0 < min ≤ max ≤ ${clipSeconds}`);
  }
  const eventSplits = new Map(library.classes.map((c) => [c, splitSources(library.byClass.get(c)!, fractions, opts.seed, `${opts.eventsDir}/${c}`)]));
  const backgrounds = await readBackgrounds(opts.backgroundsDir, sampleRateHz);
  const backgroundsShared = backgrounds.length < 3;
  const backgroundSplits: Record<Split, SourceRecording[]> = backgroundsShared
    ? { train: backgrounds, validation: backgrounds, eval: backgrounds }
    : splitSources(backgrounds, fractions, opts.seed, opts.backgroundsDir);

  const names = new YoutubeNames(opts.seed, clipSeconds);
  const subsetSpecs: SubsetSpec[] = [
    { name: 'weak', split: 'train', count: clips, audioDir: 'audio/train/weak', nameOf: () => names.next2019() },
    { name: 'synthetic', split: 'train', count: syntheticClips, audioDir: 'audio/train/synthetic', nameOf: (k) => `${k}.wav` },
    { name: 'unlabel_in_domain', split: 'train', count: unlabeledClips, audioDir: 'audio/train/unlabel_in_domain', nameOf: () => names.next2019() },
    { name: 'validation', split: 'validation', count: validationClips, audioDir: 'audio/validation', nameOf: () => names.next2019() },
    // DESED's eval/public names (and audio files) lack the `Y` prefix
    { name: 'eval_public', split: 'eval', count: evalClips, audioDir: 'audio/eval/public', nameOf: () => names.next2017() },
  ];
  const planned = subsetSpecs.map((spec, subsetIndex) => {
    const sourcesOf = (label: string) => eventSplits.get(label)![spec.split];
    const rng = new SynthRandom(streamSeed(opts.seed, 0x7265616c, subsetIndex));
    const plans = planMixes(spec.count, rng, { classes: library.classes, sourcesOf, backgrounds: backgroundSplits[spec.split], durations, sampleRateHz, clipSeconds, events: [minEvents, maxEvents], snrDb: [snrLow, snrHigh], onset, speed: spec.split === 'train' ? [speedLow, speedHigh] : [1, 1] });
    return { spec, clips: plans.map((plan, k) => ({ name: spec.nameOf(k), plan })) };
  });

  const out = opts.outDir;
  const header = 'filename\tonset\toffset\tevent_label';
  const strong = (subset: (typeof planned)[number]) => strongLines(subset.clips.flatMap((c) => c.plan.events.map((e) => ({ clip: c.name, onsetSec: e.onsetSec, offsetSec: e.offsetSec, label: e.label }))));
  const [weak, synthetic, unlabeled, validation, evalPublic] = planned;
  await writeText(join(out, 'metadata/train/weak.tsv'), ['filename\tevent_labels', ...weak.clips.map((c) => `${c.name}\t${[...new Set(c.plan.events.map((e) => e.label))].join(',')}`)]);
  await writeText(join(out, 'metadata/train/synthetic.tsv'), [header, ...strong(synthetic)]);
  await writeText(join(out, 'metadata/train/unlabel_in_domain.tsv'), ['filename', ...unlabeled.clips.map((c) => c.name)]);
  await writeText(join(out, 'metadata/validation/validation.tsv'), [header, ...strong(validation)]);
  await writeText(join(out, 'metadata/eval/public.tsv'), [header, ...strong(evalPublic)]);
  const subsets: Record<string, number> = {};
  for (const { spec, clips: list } of planned) {
    await writeWavClips(join(out, spec.audioDir), list.map((c) => ({ fileName: c.name, render: () => renderMix(c.plan, sampleRateHz, clipSeconds) })), sampleRateHz);
    subsets[spec.name] = list.length;
  }

  await writeText(join(out, 'provenance.tsv'), provenanceLines(planned.map(({ spec, clips: list }) => ({ subset: spec.name, clips: list }))));
  const sourceRows: string[] = ['kind\tevent_label\tsource\tsplit\tduration_sec\ttrim_start_sec'];
  const sources = Object.fromEntries(SPLITS.map((s) => [s, { events: 0, backgrounds: 0 }])) as RealMixSummary['sources'];
  for (const label of library.classes) {
    for (const split of SPLITS) {
      for (const s of eventSplits.get(label)![split]) {
        sourceRows.push(`event\t${label}\t${s.relPath}\t${split}\t${(s.samples.length / sampleRateHz).toFixed(3)}\t${s.trimStartSec.toFixed(3)}`);
        sources[split].events++;
      }
    }
  }
  for (const split of SPLITS) {
    for (const s of backgroundSplits[split]) {
      if (!backgroundsShared || split === 'train') sourceRows.push(`background\t\t${s.relPath}\t${backgroundsShared ? 'all' : split}\t${(s.samples.length / sampleRateHz).toFixed(3)}\t${s.trimStartSec.toFixed(3)}`);
      sources[split].backgrounds++;
    }
  }
  await writeText(join(out, 'sources.tsv'), sourceRows);

  // mean duration of each class's placed events over every subset, as annotated
  const meanDuration: Record<string, number> = {};
  for (const label of library.classes) {
    const lengths = planned.flatMap((p) => p.clips.flatMap((c) => c.plan.events.filter((e) => e.label === label).map((e) => e.offsetSec - e.onsetSec)));
    meanDuration[label] = lengths.length ? Number((lengths.reduce((a, b) => a + b, 0) / lengths.length).toFixed(4)) : NaN;
  }
  const info: ClassInfo[] = library.classes.map((label) => {
    const n = Object.fromEntries(SPLITS.map((s) => [s, eventSplits.get(label)![s].length]));
    return { name: label, mean_duration_sec: meanDuration[label], description: `real recordings from ${opts.eventsDir}/${label}: ${n.train} train, ${n.validation} validation, ${n.eval} eval source files` };
  });
  await writeFile(join(out, CLASSES_JSON), `${JSON.stringify({ classes: info }, null, 2)}\n`);

  const totalClips = Object.values(subsets).reduce((a, b) => a + b, 0);
  return {
    layout: 'dcase2019',
    out,
    seed: opts.seed,
    sample_rate_hz: sampleRateHz,
    clip_seconds: clipSeconds,
    classes: library.classes.length,
    clips: totalClips,
    subsets,
    events: planned.reduce((n, p) => n + p.clips.reduce((m, c) => m + c.plan.events.length, 0), 0),
    sources,
    backgrounds_shared: backgroundsShared,
    mean_duration_sec: meanDuration,
    seconds: (Date.now() - startMs) / 1000,
  };
}

interface PlanSettings {
  sampleRateHz: number;
  classes: string[];
  sourcesOf: (label: string) => SourceRecording[];
  backgrounds: SourceRecording[];
  durations: Record<string, [number, number]>;
  clipSeconds: number;
  events: [number, number];
  snrDb: [number, number];
  onset: OnsetDistribution;
  /** Playback speed range (log-uniform, 1 % steps); no random draw when low = high, so such plans match older ones. */
  speed?: [number, number];
}

/**
 * Plans `count` clips on one random stream. Classes come off a shuffled deck (every class in about the same share of
 * clips); a class already in the clip goes back under the deck, so same-class events never overlap in a clip.
 */
export function planMixes(count: number, rng: SynthRandom, s: PlanSettings): MixPlan[] {
  const seconds = (src: SourceRecording) => src.samples.length / s.sampleRateHz;
  const [speedLow, speedHigh] = s.speed ?? [1, 1];
  let deck: string[] = [];
  const draw = (taken: Set<string>): string => {
    for (let tries = 0; ; tries++) {
      if (deck.length === 0) deck = rng.shuffle([...s.classes]);
      const c = deck.pop()!;
      if (!taken.has(c) || tries > 4 * s.classes.length) return c;
      deck.unshift(c);
    }
  };
  const plans: MixPlan[] = [];
  for (let k = 0; k < count; k++) {
    const background = rng.pick(s.backgrounds);
    const n = Math.min(rng.int(s.events[0], s.events[1]), s.classes.length);
    const taken = new Set<string>();
    const events: PlacedEvent[] = [];
    for (let e = 0; e < n; e++) {
      const label = draw(taken);
      taken.add(label);
      const source = rng.pick(s.sourcesOf(label));
      const speed = speedLow === speedHigh ? speedLow : Math.round(100 * Math.exp(rng.uniform(Math.log(speedLow), Math.log(speedHigh)))) / 100;
      const sourceSec = playedLength(source.samples.length, speed, s.sampleRateHz) / s.sampleRateHz;
      const range = s.durations[label];
      const wantSec = roundMs(Math.min(s.clipSeconds, range ? rng.uniform(range[0], range[1]) : sourceSec));
      const durationSec = Math.max(0.001, wantSec);
      const loops = durationSec > sourceSec ? Math.ceil((durationSec - CROSSFADE_SEC) / (sourceSec - CROSSFADE_SEC)) : 1;
      const sourceOffsetSec = loops === 1 && sourceSec > durationSec ? roundMs(rng.uniform(0, sourceSec - durationSec)) : 0;
      const room = s.clipSeconds - durationSec;
      const onsetSec = roundMs(s.onset === 'uniform' ? rng.uniform(0, room) : Math.min(room, Math.max(0, room / 2 + (room / 4) * rng.normal())));
      events.push({ label, source, onsetSec, offsetSec: Math.min(s.clipSeconds, roundMs(onsetSec + durationSec)), sourceOffsetSec, loops, snrDb: rng.uniform(s.snrDb[0], s.snrDb[1]), speed });
    }
    events.sort((a, b) => a.onsetSec - b.onsetSec || (a.label < b.label ? -1 : 1));
    const bgSec = seconds(background);
    plans.push({ background, backgroundOffsetSec: bgSec > s.clipSeconds ? roundMs(rng.uniform(0, bgSec - s.clipSeconds)) : 0, events });
  }
  return plans;
}

/** A recording of n samples played at `speed`: resampled from round(rate · speed) Hz to `rate` (resample.ts). */
function playedAt(samples: Float32Array, speed: number, sampleRateHz: number): Float32Array {
  return speed === 1 ? samples : resample(samples, Math.round(sampleRateHz * speed), sampleRateHz);
}

/** Its length in samples: ceil(n · rate / round(rate · speed)), the resampler's output length. */
function playedLength(n: number, speed: number, sampleRateHz: number): number {
  return speed === 1 ? n : Math.ceil((n * sampleRateHz) / Math.round(sampleRateHz * speed));
}

/**
 * `length` samples of `src` from `offset` on; where the source runs out it repeats, each repeat starting `crossfade`
 * samples before the previous one ends, with linear fades across the overlap (equal-gain: a stationary sound keeps
 * its level). The number of repeats is ceil((offset + length − crossfade) / (src.length − crossfade)).
 */
export function loopOrCrop(src: Float32Array, offset: number, length: number, crossfade: number): Float32Array {
  const out = new Float32Array(length);
  if (offset + length <= src.length) {
    out.set(src.subarray(offset, offset + length));
    return out;
  }
  const fade = Math.max(0, Math.min(crossfade, Math.floor(src.length / 2)));
  const period = src.length - fade;
  for (let r = 0; r * period - offset < length; r++) {
    const start = r * period - offset; // where sample 0 of this repeat lands in out
    const fadeOut = (r + 1) * period - offset < length; // another repeat follows
    for (let i = Math.max(0, -start); i < src.length && start + i < length; i++) {
      let w = 1;
      if (r > 0 && i < fade) w = (i + 0.5) / fade;
      else if (fadeOut && i >= period) w = (src.length - i - 0.5) / fade;
      out[start + i] += w * src[i];
    }
  }
  return out;
}

function fadeEdges(x: Float32Array, n: number) {
  const m = Math.min(n, Math.floor(x.length / 2));
  for (let i = 0; i < m; i++) {
    const w = (i + 0.5) / m;
    x[i] *= w;
    x[x.length - 1 - i] *= w;
  }
}

/** The background at BACKGROUND_RMS plus every event at its SNR; scaled down as a whole if it would clip. */
export function renderMix(plan: MixPlan, sampleRateHz: number, clipSeconds: number): Float32Array {
  const total = Math.round(clipSeconds * sampleRateHz);
  const crossfade = Math.round(CROSSFADE_SEC * sampleRateHz);
  const mix = loopOrCrop(plan.background.samples, Math.round(plan.backgroundOffsetSec * sampleRateHz), total, crossfade);
  const bgRms = rms(mix);
  if (bgRms > 0) for (let i = 0; i < total; i++) mix[i] *= BACKGROUND_RMS / bgRms;
  for (const ev of plan.events) {
    const start = Math.round(ev.onsetSec * sampleRateHz);
    const end = Math.min(total, Math.round(ev.offsetSec * sampleRateHz));
    if (end <= start) continue;
    const samples = loopOrCrop(playedAt(ev.source.samples, ev.speed, sampleRateHz), Math.round(ev.sourceOffsetSec * sampleRateHz), end - start, crossfade);
    fadeEdges(samples, Math.round(EDGE_FADE_SEC * sampleRateHz));
    const level = rms(samples);
    if (!(level > 0)) continue;
    const gain = (BACKGROUND_RMS * 10 ** (ev.snrDb / 20)) / level;
    for (let i = 0; i < samples.length; i++) mix[start + i] += gain * samples[i];
  }
  let peak = 0;
  for (let i = 0; i < total; i++) peak = Math.max(peak, Math.abs(mix[i]));
  if (peak > 0.98) for (let i = 0; i < total; i++) mix[i] *= 0.98 / peak;
  return mix;
}

/** provenance.tsv: one row per background and per event of every clip. */
function provenanceLines(subsets: { subset: string; clips: { name: string; plan: MixPlan }[] }[]): string[] {
  const lines = ['subset\tfilename\tkind\tevent_label\tonset\toffset\tsource\tsource_offset_sec\tloops\tsnr_db\tspeed'];
  for (const { subset, clips } of subsets) {
    for (const c of clips) {
      lines.push(`${subset}\t${c.name}\tbackground\t\t0.000\t\t${c.plan.background.relPath}\t${c.plan.backgroundOffsetSec.toFixed(3)}\t\t\t`);
      for (const e of c.plan.events)
        lines.push(`${subset}\t${c.name}\tevent\t${e.label}\t${e.onsetSec.toFixed(3)}\t${e.offsetSec.toFixed(3)}\t${e.source.relPath}\t${e.sourceOffsetSec.toFixed(3)}\t${e.loops}\t${e.snrDb.toFixed(2)}\t${e.speed.toFixed(2)}`);
    }
  }
  return lines;
}
