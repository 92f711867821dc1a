import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeWav } from '../src/audio/wav-encode.ts';
import { readClassesJson } from '../src/data/classes.ts';
import { readDataset } from '../src/data/dataset.ts';
import { UsageError } from '../src/errors.ts';
import { BACKGROUND_RMS } from '../src/synth/clip-plan.ts';
import { decodeAnyAudio, nonSilentExtent, splitSources, type SourceRecording } from '../src/synth/event-library.ts';
import { loopOrCrop, mixRealDataset, renderMix, type MixPlan } from '../src/synth/real-mix.ts';

const SR = 16000;
const hasSox = (() => {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A tone of `toneSec` between `padSec` of digital silence on both sides, as 16-bit WAV bytes. */
function toneWav(freqHz: number, toneSec: number, padSec: number, amplitude = 0.5): Uint8Array {
  const pad = Math.round(padSec * SR);
  const n = Math.round(toneSec * SR);
  const x = new Float32Array(2 * pad + n);
  for (let i = 0; i < n; i++) x[pad + i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / SR);
  return encodeWav({ channels: [x], sampleRateHz: SR }, { format: 'pcm', bitDepth: 16 });
}

/** Deterministic white noise (LCG), as 16-bit WAV bytes. */
function noiseWav(seconds: number, seed: number): Uint8Array {
  const x = new Float32Array(Math.round(seconds * SR));
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = 0.2 * (s / 2 ** 32 - 0.5);
  }
  return encodeWav({ channels: [x], sampleRateHz: SR }, { format: 'pcm', bitDepth: 16 });
}

const sha256 = async (path: string) => createHash('sha256').update(new Uint8Array(await readFile(path))).digest('hex');
const tsvRows = async (path: string) => (await readFile(path, 'utf8')).trim().split('\n').slice(1).map((l) => l.split('\t'));

describe('event library helpers', () => {
  it('nonSilentExtent: from the first to the last 10 ms window within 40 dB of the loudest', () => {
    // 16000 Hz → 160-sample windows; signal in samples [1000, 3000): windows 6..18 (960..3040) hold signal
    const x = new Float32Array(8000);
    for (let i = 1000; i < 3000; i++) x[i] = 0.5;
    assert.deepEqual(nonSilentExtent(x, SR), [960, 3040]);
    // a −50 dB tail is cut off, a −30 dB one is kept
    const y = new Float32Array(8000);
    for (let i = 0; i < 1600; i++) y[i] = 0.5;
    for (let i = 1600; i < 3200; i++) y[i] = 0.5 * 10 ** (-50 / 20);
    assert.deepEqual(nonSilentExtent(y, SR), [0, 1600]);
    for (let i = 1600; i < 3200; i++) y[i] = 0.5 * 10 ** (-30 / 20);
    assert.deepEqual(nonSilentExtent(y, SR), [0, 3200]);
    assert.equal(nonSilentExtent(new Float32Array(1000), SR), null);
  });

  it('loopOrCrop: crops inside the source; loops with an equal-gain crossfade (a constant stays constant)', () => {
    const src = Float32Array.from({ length: 10 }, (_, i) => i);
    assert.deepEqual([...loopOrCrop(src, 3, 4, 2)], [3, 4, 5, 6]);
    const ones = new Float32Array(100).fill(1);
    const looped = loopOrCrop(ones, 0, 350, 20);
    for (let i = 0; i < looped.length; i++) assert.ok(Math.abs(looped[i] - 1) < 1e-6, `sample ${i}: ${looped[i]}`);
    // period 80 (100 − 20): the second repeat starts at 80, the third at 160; sample 85 = 5th sample of repeat 2
    // faded in, (5.5/20)·src[5], plus the 85th of repeat 1 faded out, (100 − 85 − 0.5)/20·src[85]
    const ramp = Float32Array.from({ length: 100 }, (_, i) => i);
    const r = loopOrCrop(ramp, 0, 200, 20);
    assert.ok(Math.abs(r[85] - ((5.5 / 20) * 5 + (14.5 / 20) * 85)) < 1e-4);
    assert.equal(r[50], 50);
    assert.equal(r[130], 50);
  });

  it('splitSources: disjoint splits covering every file, at least one each, deterministic; fewer than 3 files is an error', () => {
    const items = Array.from({ length: 7 }, (_, i) => ({ relPath: `c/f${i}.wav` }));
    const a = splitSources(items, { validation: 0.2, eval: 0.2 }, 1, 'c');
    // round(7·0.2) = 1 each, the other 5 to train
    assert.deepEqual([a.train.length, a.validation.length, a.eval.length], [5, 1, 1]);
    const all = [...a.train, ...a.validation, ...a.eval].map((x) => x.relPath).sort();
    assert.deepEqual(all, items.map((x) => x.relPath).sort());
    assert.deepEqual(splitSources([...items].reverse(), { validation: 0.2, eval: 0.2 }, 1, 'c'), a);
    const three = splitSources(items.slice(0, 3), { validation: 0.2, eval: 0.2 }, 1, 'c');
    assert.deepEqual([three.train.length, three.validation.length, three.eval.length], [1, 1, 1]);
    assert.throws(() => splitSources(items.slice(0, 2), { validation: 0.2, eval: 0.2 }, 1, 'events/x'), (e: Error) => e instanceof UsageError && /events\/x: 2 source file/.test(e.message));
  });

  it('renderMix: the background at BACKGROUND_RMS, each event at its SNR over the background', () => {
    const bg = new Float32Array(SR);
    for (let i = 0; i < bg.length; i++) bg[i] = Math.sin(i * 0.37) * 0.1;
    const tone = Float32Array.from({ length: SR / 2 }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / SR));
    const source = (samples: Float32Array, relPath: string): SourceRecording => ({ relPath, label: null, samples, trimStartSec: 0 });
    const plan: MixPlan = {
      background: source(bg, 'bg.wav'),
      backgroundOffsetSec: 0,
      events: [{ label: 'a', source: source(tone, 'a/t.wav'), onsetSec: 0.25, offsetSec: 0.5, sourceOffsetSec: 0.1, loops: 1, snrDb: 6, speed: 1 }],
    };
    const mix = renderMix(plan, SR, 1);
    const onlyBg = renderMix({ ...plan, events: [] }, SR, 1);
    const rms = (x: Float32Array, a = 0, b = x.length) => Math.sqrt(x.subarray(a, b).reduce((s, v) => s + v * v, 0) / (b - a));
    assert.ok(Math.abs(rms(onlyBg) - BACKGROUND_RMS) < 1e-6);
    const diff = mix.map((v, i) => v - onlyBg[i]);
    // event extent [4000, 8000): RMS = BACKGROUND_RMS · 10^(6/20) (after the 5 ms edge fades, measured on the faded event)
    assert.ok(Math.abs(rms(diff, 4000, 8000) / (BACKGROUND_RMS * 10 ** (6 / 20)) - 1) < 1e-3);
    assert.equal(rms(diff, 0, 4000), 0);
    assert.equal(rms(diff, 8000), 0);
  });

  it('renderMix: an event played at speed 1.25 is a 1 kHz tone sped up to 1.25 kHz (resampled), at its SNR', () => {
    const tone = Float32Array.from({ length: SR }, (_, i) => Math.sin((2 * Math.PI * 1000 * i) / SR));
    const source = (samples: Float32Array, relPath: string): SourceRecording => ({ relPath, label: null, samples, trimStartSec: 0 });
    const plan: MixPlan = {
      background: source(new Float32Array(SR), 'silence.wav'), // all zeros: the mix is the event alone
      backgroundOffsetSec: 0,
      events: [{ label: 'a', source: source(tone, 'a/t.wav'), onsetSec: 0.1, offsetSec: 0.7, sourceOffsetSec: 0, loops: 1, snrDb: 0, speed: 1.25 }],
    };
    const mix = renderMix(plan, SR, 1);
    // count upward zero crossings inside the event, away from its 5 ms edge fades: 0.5 s of 1250 Hz = 625 periods
    let crossings = 0;
    for (let i = 2000; i < 10000; i++) if (mix[i - 1] < 0 && mix[i] >= 0) crossings++;
    assert.ok(Math.abs(crossings - 625) <= 1, `${crossings} upward crossings in 0.5 s`);
    const rms = Math.sqrt(mix.subarray(1600, 11200).reduce((a, v) => a + v * v, 0) / 9600);
    assert.ok(Math.abs(rms / BACKGROUND_RMS - 1) < 1e-3, `event RMS ${rms}`); // 0 dB against the background level
  });
});

describe('mixRealDataset', () => {
  let dir: string;
  let events: string;
  let backgrounds: string;
  // class → [tone Hz, tone length s] per source file; 'long' sources are 1 s and get looped to 3–4 s
  const LIBRARY: Record<string, [number, number][]> = {
    short: [[3000, 0.1], [3100, 0.12], [3200, 0.08], [3300, 0.1]],
    mid: [[800, 0.5], [850, 0.6], [900, 0.55]],
    long: [[200, 1], [220, 1], [240, 1], [260, 1], [280, 1]],
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sed-real-'));
    events = join(dir, 'events');
    backgrounds = join(dir, 'backgrounds');
    for (const [label, tones] of Object.entries(LIBRARY)) {
      await mkdir(join(events, label), { recursive: true });
      for (const [k, [hz, sec]] of tones.entries()) await writeFile(join(events, label, `s${k}.wav`), toneWav(hz, sec, 0.2));
      await writeFile(join(events, label, 'LICENSE.txt'), 'not audio: ignored');
    }
    await mkdir(backgrounds);
    for (let k = 0; k < 3; k++) await writeFile(join(backgrounds, `bg${k}.wav`), noiseWav(3, k + 1));
    await writeFile(join(dir, 'durations.json'), JSON.stringify({ long: [3, 4] }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const options = (out: string, seed = 1) => ({ eventsDir: events, backgroundsDir: backgrounds, outDir: join(dir, out), seed, clips: 12, validationClips: 4, evalClips: 4, unlabeledClips: 2, syntheticStrongClips: 4, eventDurations: { long: [3, 4] as [number, number] } });

  it('writes a DCASE 2019 folder with eval/public that the reader reads with zero problems', async () => {
    const summary = await mixRealDataset(options('a'));
    assert.deepEqual(summary.subsets, { weak: 12, synthetic: 4, unlabel_in_domain: 2, validation: 4, eval_public: 4 });
    const index = await readDataset('dcase2019', join(dir, 'a'));
    assert.deepEqual(index.problems, []);
    assert.deepEqual(index.classes, ['long', 'mid', 'short']);
    assert.deepEqual(Object.fromEntries(index.subsets.map((s) => [s.name, s.clips.length])), summary.subsets);
    assert.equal(index.subsets.find((s) => s.name === 'eval_public')!.role, 'test');
    for (const s of index.subsets) for (const c of s.clips) if (c.weakLabels) assert.ok(c.weakLabels.length >= 1 && c.weakLabels.length <= 3);
  });

  it('no source file is used in two splits; every event comes from a source of its own split and class', async () => {
    const out = join(dir, 'a');
    const sources = await tsvRows(join(out, 'sources.tsv'));
    const splitOf = new Map(sources.filter((r) => r[0] === 'event').map((r) => [r[2], r[3]]));
    assert.equal(splitOf.size, 12); // every source listed once
    const bgSplit = new Map(sources.filter((r) => r[0] === 'background').map((r) => [r[2], r[3]]));
    assert.equal(bgSplit.size, 3);
    const subsetSplit: Record<string, string> = { weak: 'train', synthetic: 'train', unlabel_in_domain: 'train', validation: 'validation', eval_public: 'eval' };
    const used = new Map<string, Set<string>>();
    for (const [subset, , kind, label, , , source] of await tsvRows(join(out, 'provenance.tsv'))) {
      const split = kind === 'event' ? splitOf.get(source) : bgSplit.get(source);
      assert.equal(split, subsetSplit[subset], `${subset}: ${source}`);
      if (kind === 'event') assert.ok(source.startsWith(`${label}/`));
      if (!used.has(source)) used.set(source, new Set());
      used.get(source)!.add(split!);
    }
    for (const [source, splits] of used) assert.equal(splits.size, 1, source);
  });

  it('events keep their trimmed source length, or are looped/cropped to the class range; classes.json holds the mean annotated length', async () => {
    const out = join(dir, 'a');
    const strong = [...(await tsvRows(join(out, 'metadata/train/synthetic.tsv'))), ...(await tsvRows(join(out, 'metadata/validation/validation.tsv'))), ...(await tsvRows(join(out, 'metadata/eval/public.tsv')))];
    const prov = (await tsvRows(join(out, 'provenance.tsv'))).filter((r) => r[2] === 'event');
    const lengths: Record<string, number[]> = {};
    for (const r of prov) (lengths[r[3]] ??= []).push(Number(r[5]) - Number(r[4]));
    for (const r of strong) assert.ok(prov.some((p) => p[1] === r[0] && p[3] === r[3] && p[4] === r[1] && p[5] === r[2]), `${r.join(' ')} not in provenance`);
    // trimming keeps whole 10 ms windows: a tone of L s between silences comes out as L rounded up to 10 ms (+ one
    // window where the tone starts mid-window)
    for (const len of [...lengths.short, ...lengths.mid]) {
      const ok = [...LIBRARY.short, ...LIBRARY.mid].some(([, sec]) => len >= sec - 1e-9 && len <= sec + 0.0201);
      assert.ok(ok, `length ${len}`);
    }
    for (const len of lengths.long) assert.ok(len >= 3 - 1e-9 && len <= 4 + 1e-9, `looped length ${len}`);
    assert.ok(prov.filter((r) => r[3] === 'long').every((r) => Number(r[8]) >= 3)); // 1 s source → ≥ 3 repeats
    const info = await readClassesJson(out);
    for (const c of info!) {
      const mean = lengths[c.name].reduce((a, b) => a + b, 0) / lengths[c.name].length;
      assert.ok(Math.abs(c.mean_duration_sec - mean) < 1e-4, `${c.name}: ${c.mean_duration_sec} vs ${mean}`);
    }
  });

  it('is deterministic: same seed → identical bytes; another seed → other mixes', async () => {
    await mixRealDataset(options('b'));
    await mixRealDataset(options('c', 2));
    const files = ((await readdir(join(dir, 'a'), { recursive: true })) as string[]).filter((f) => /\.\w+$/.test(f)).sort();
    assert.ok(files.length > 26);
    for (const f of files) assert.equal(await sha256(join(dir, 'b', f)), await sha256(join(dir, 'a', f)), f);
    assert.notEqual(await sha256(join(dir, 'c/audio/train/synthetic/0.wav')), await sha256(join(dir, 'a/audio/train/synthetic/0.wav')));
  });

  it('--speed: training events played at log-uniform speeds in 1 % steps, their length scaled; validation and eval as recorded', async () => {
    await mixRealDataset({ ...options('speed'), trainSpeed: [0.8, 1.25] });
    const prov = (await tsvRows(join(dir, 'speed', 'provenance.tsv'))).filter((r) => r[2] === 'event');
    const train = prov.filter((r) => ['weak', 'synthetic', 'unlabel_in_domain'].includes(r[0]));
    const held = prov.filter((r) => ['validation', 'eval_public'].includes(r[0]));
    for (const r of held) assert.equal(r[10], '1.00', r.join(' '));
    const speeds = train.map((r) => Number(r[10]));
    for (const v of speeds) assert.ok(v >= 0.8 && v <= 1.25 && Math.abs(v * 100 - Math.round(v * 100)) < 1e-9, `speed ${v}`);
    assert.ok(new Set(speeds).size > 5, 'speeds vary');
    // a short tone of L s (trimmed to whole 10 ms windows, see above) played at speed v lasts L / v
    for (const r of train.filter((x) => x[3] === 'short')) {
      const len = Number(r[5]) - Number(r[4]);
      const v = Number(r[10]);
      assert.ok(LIBRARY.short.some(([, sec]) => len >= sec / v - 0.0011 && len <= (sec + 0.0201) / v + 0.0011), `length ${len} at speed ${v}`);
    }
    await assert.rejects(mixRealDataset({ ...options('x'), trainSpeed: [1.2, 1.1] }), (e: Error) => e instanceof UsageError && /--speed/.test(e.message));
  });

  it('names what is wrong: a class folder without audio, too few sources, an unknown class in the durations', async () => {
    const bad = join(dir, 'bad-events');
    await mkdir(join(bad, 'empty'), { recursive: true });
    await writeFile(join(bad, 'empty', 'README'), 'x');
    await assert.rejects(mixRealDataset({ ...options('x'), eventsDir: bad }), (e: Error) => e instanceof UsageError && e.message.includes('bad-events/empty: no audio files'));
    await rm(join(bad, 'empty'), { recursive: true });
    await mkdir(join(bad, 'two'));
    for (const k of [0, 1]) await writeFile(join(bad, 'two', `s${k}.wav`), toneWav(500, 0.2, 0.1));
    await assert.rejects(mixRealDataset({ ...options('x'), eventsDir: bad, eventDurations: {} }), (e: Error) => e instanceof UsageError && /two: 2 source file/.test(e.message));
    await assert.rejects(mixRealDataset({ ...options('x'), eventDurations: { nope: [1, 2] } }), (e: Error) => e instanceof UsageError && e.message.includes("class 'nope'"));
  });

  it('decodes non-WAV formats through sox, resampled like WAV', { skip: !hasSox && 'sox not installed' }, async () => {
    const wav = join(dir, 'tone.wav');
    const flac = join(dir, 'tone.flac');
    await writeFile(wav, toneWav(440, 0.3, 0.05));
    execFileSync('sox', [wav, flac]);
    const a = await decodeAnyAudio(wav, 8000);
    const b = await decodeAnyAudio(flac, 8000);
    assert.equal(b.length, a.length);
    // FLAC is lossless: the same 16-bit samples, so the same resampled output within float rounding
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < 1e-6, `sample ${i}`);
  });
});
