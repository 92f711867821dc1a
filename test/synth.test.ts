import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readClassesJson } from '../src/data/classes.ts';
import { readDataset } from '../src/data/dataset.ts';
import { BACKGROUND_RMS, planClips, renderClip, type PlannedClip } from '../src/synth/clip-plan.ts';
import { SYNTH_CLASSES } from '../src/synth/sound-classes.ts';
import { synthesizeDataset } from '../src/synth/synthesize.ts';
import { UsageError } from '../src/errors.ts';

/** Relative paths of every file under dir (directories here have no extension, files all have one). */
async function listFiles(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { recursive: true })) as string[];
  return names.filter((n) => /\.\w+$/.test(n)).sort();
}

const sha256 = async (path: string) => createHash('sha256').update(new Uint8Array(await readFile(path))).digest('hex');

/** Minimal 16-bit PCM mono reader for the test (independent of src/audio/wav-decode.ts). */
function readPcm16(bytes: Uint8Array): { sampleRateHz: number; samples: Float32Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(String.fromCharCode(...bytes.subarray(0, 4)), 'RIFF');
  assert.equal(view.getUint16(20, true), 1); // PCM
  assert.equal(view.getUint16(22, true), 1); // mono
  assert.equal(view.getUint16(34, true), 16);
  const sampleRateHz = view.getUint32(24, true);
  assert.equal(String.fromCharCode(...bytes.subarray(36, 40)), 'data');
  const n = view.getUint32(40, true) / 2;
  const samples = new Float32Array(n);
  for (let i = 0; i < n; i++) samples[i] = view.getInt16(44 + 2 * i, true) / 32768;
  return { sampleRateHz, samples };
}

const classIndex = (name: string) => SYNTH_CLASSES.findIndex((c) => c.name === name);

describe('synthetic classes', () => {
  it('has 10 distinct names without commas or tabs, mean durations from 0.2 s to 8 s', () => {
    assert.equal(SYNTH_CLASSES.length, 10);
    assert.equal(new Set(SYNTH_CLASSES.map((c) => c.name)).size, 10);
    for (const c of SYNTH_CLASSES) assert.match(c.name, /^[a-z_]+$/);
    const means = SYNTH_CLASSES.map((c) => c.meanDurationSec);
    assert.equal(Math.min(...means), 0.2);
    assert.equal(Math.max(...means), 8);
  });
});

describe('planClips', () => {
  // 3000 clips: large enough that the statistics below are tight, and planning needs no audio
  const plans = planClips(3000, SYNTH_CLASSES, 10, 7, 0);

  it('puts 1–3 events of distinct classes in every clip, inside the clip, times rounded to 1 ms', () => {
    const counts = [0, 0, 0, 0];
    for (const p of plans) {
      counts[p.events.length]++;
      assert.ok(p.events.length >= 1 && p.events.length <= 3);
      assert.equal(new Set(p.events.map((e) => e.classIndex)).size, p.events.length);
      for (const e of p.events) {
        assert.ok(e.onsetSec >= 0 && e.offsetSec <= 10 && e.offsetSec > e.onsetSec);
        assert.ok(Math.abs(Math.round(e.onsetSec * 1000) - e.onsetSec * 1000) < 1e-6);
        assert.ok(e.snrDb >= 0 && e.snrDb <= 15);
      }
    }
    // uniform over {1,2,3}: each ≈ 1000 ± 3·√(3000·(1/3)·(2/3)) ≈ ± 78
    for (const k of [1, 2, 3]) assert.ok(Math.abs(counts[k] - 1000) < 80, `clips with ${k} events: ${counts[k]}`);
  });

  it('gives each class about the same share of clips (2 events per clip / 10 classes = 20 %)', () => {
    const share = SYNTH_CLASSES.map((_, c) => plans.filter((p) => p.events.some((e) => e.classIndex === c)).length / plans.length);
    // the shuffled deck makes shares nearly exact; ±2 points allows the deck's rejections of repeats
    for (const s of share) assert.ok(Math.abs(s - 0.2) < 0.02, `shares ${share.map((x) => x.toFixed(3))}`);
  });

  it('draws durations around each class mean (lognormal σ 0.2, clipped to the clip)', () => {
    for (const [c, cls] of SYNTH_CLASSES.entries()) {
      const logs = plans.flatMap((p) => p.events.filter((e) => e.classIndex === c).map((e) => Math.log((e.offsetSec - e.onsetSec) / cls.meanDurationSec)));
      const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
      const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
      // ~600 events per class: the log-mean's standard error is 0.2/√600 ≈ 0.008. The 8 s class loses its
      // draws above 10 s (z > 1.12, 13 %), which lowers its log-mean by ≈ 0.02 and its spread; allow 0.05.
      assert.ok(Math.abs(mean) < 0.05, `${cls.name}: mean log(duration/mean) = ${mean}`);
      assert.ok(sd > 0.14 && sd < 0.24, `${cls.name}: sd of log duration = ${sd}`);
    }
  });
});

describe('renderClip', () => {
  const sr = 16000;
  const frameEnergies = (x: Float32Array, frame: number) => {
    const out: number[] = [];
    for (let s = 0; s + frame <= x.length; s += frame) {
      let e = 0;
      for (let i = s; i < s + frame; i++) e += x[i] * x[i];
      out.push(e / frame);
    }
    return out;
  };
  const only = (name: string, onsetSec: number, offsetSec: number, snrDb: number): PlannedClip => ({
    events: [{ classIndex: classIndex(name), onsetSec, offsetSec, snrDb }],
    renderSeed: 12345,
  });

  it('keeps a click event short in the audio: loud 10 ms frames only inside its 0.2 s', () => {
    const x = renderClip(only('click', 3.0, 3.2, 15), SYNTH_CLASSES, sr, 10);
    const e = frameEnergies(x, sr / 100);
    const background = BACKGROUND_RMS ** 2;
    const loud = e.map((v, i) => [v, i] as const).filter(([v]) => v > 10 * background).map(([, i]) => i);
    assert.ok(loud.length >= 2, 'the clicks are audible');
    // frames 300..319 cover 3.00–3.20 s
    assert.ok(loud.every((i) => i >= 300 && i < 320), `loud frames ${loud}`);
  });

  it('fills a stationary class (fan) over its whole extent at the planned SNR', () => {
    const withEvent = renderClip(only('fan', 1.0, 9.0, 10), SYNTH_CLASSES, sr, 10);
    const background = renderClip({ events: [], renderSeed: 12345 }, SYNTH_CLASSES, sr, 10); // same stream → same background
    const event = withEvent.subarray(sr * 1, sr * 9).map((v, i) => v - background[sr * 1 + i]);
    const rms = Math.sqrt(event.reduce((a, v) => a + v * v, 0) / event.length);
    // SNR = 20·log10(event RMS / background RMS); 16-bit-free float mix, so exact up to float32 rounding
    assert.ok(Math.abs(20 * Math.log10(rms / BACKGROUND_RMS) - 10) < 0.05);
    const e = frameEnergies(event, sr / 10);
    const quiet = e.filter((v) => v < 0.25 * rms * rms).length;
    assert.ok(quiet <= 1, `${quiet} of ${e.length} 100 ms frames of the fan event are near silent`);
  });
});

describe('synthesizeDataset', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sed-synth-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is deterministic: same seed → identical bytes, different seed → different data', async () => {
    const opts = { layout: 'dcase2019' as const, clips: 6, validationClips: 2, unlabeledClips: 2, syntheticStrongClips: 2 };
    const a = await synthesizeDataset({ ...opts, outDir: join(dir, 'a'), seed: 3 });
    await synthesizeDataset({ ...opts, outDir: join(dir, 'b'), seed: 3 });
    await synthesizeDataset({ ...opts, outDir: join(dir, 'c'), seed: 4 });
    assert.deepEqual(a.subsets, { weak: 6, synthetic: 2, unlabel_in_domain: 2, validation: 2, eval_public: 2 });
    const files = await listFiles(join(dir, 'a'));
    // 14 WAVs, 5 metadata files, classes.json
    assert.equal(files.length, 20);
    assert.deepEqual(await listFiles(join(dir, 'b')), files);
    for (const f of files) assert.equal(await sha256(join(dir, 'a', f)), await sha256(join(dir, 'b', f)), `${f} differs between runs`);
    // synthetic clips are named 0.wav, 1.wav in both seeds, so their audio can be compared directly
    assert.notEqual(await sha256(join(dir, 'a/audio/train/synthetic/0.wav')), await sha256(join(dir, 'c/audio/train/synthetic/0.wav')));
    assert.notEqual(await readFile(join(dir, 'a/metadata/train/weak.tsv'), 'utf8'), await readFile(join(dir, 'c/metadata/train/weak.tsv'), 'utf8'));
  });

  it('writes a 2019 folder the reader reads with zero problems, events matching the summary, 16 kHz 10 s WAVs', async () => {
    const out = join(dir, 'd2019');
    const summary = await synthesizeDataset({ layout: 'dcase2019', outDir: out, clips: 8, seed: 1 });
    // defaults: synthetic = unlabeled = clips/2, validation = eval/public = clips/4
    assert.deepEqual(summary.subsets, { weak: 8, synthetic: 4, unlabel_in_domain: 4, validation: 2, eval_public: 2 });
    const index = await readDataset('dcase2019', out);
    assert.deepEqual(index.problems, []);
    assert.deepEqual(index.classes, SYNTH_CLASSES.map((c) => c.name));
    const info = await readClassesJson(out);
    assert.deepEqual(info?.map((c) => c.mean_duration_sec), SYNTH_CLASSES.map((c) => c.meanDurationSec));
    assert.deepEqual(Object.fromEntries(index.subsets.map((s) => [s.name, s.clips.length])), summary.subsets);
    for (const s of index.subsets) {
      for (const c of s.clips) {
        if (s.name === 'unlabel_in_domain') assert.equal(c.weakLabels, null);
        else assert.ok(c.weakLabels!.length >= 1 && c.weakLabels!.length <= 3, `${c.name}: ${c.weakLabels}`);
        if (c.events) assert.deepEqual(c.weakLabels, [...new Set(c.events.map((e) => e.label))]);
      }
    }
    assert.equal(index.subsets.find((s) => s.name === 'eval_public')!.role, 'test');
    // no clip name is in two subsets
    const allNames = index.subsets.flatMap((s) => s.clips.map((c) => c.name));
    assert.equal(new Set(allNames).size, allNames.length);
    const strong = index.subsets.filter((s) => s.name === 'synthetic' || s.name === 'validation').flatMap((s) => s.clips);
    const eventCount = strong.reduce((n, c) => n + c.events!.length, 0);
    const weakCount = index.subsets.filter((s) => s.name === 'weak').flatMap((s) => s.clips).reduce((n, c) => n + c.weakLabels!.length, 0);
    assert.ok(eventCount + weakCount <= summary.events); // unlabeled clips also hold events
    const wav = readPcm16(new Uint8Array(await readFile(strong[0].audioPath)));
    assert.equal(wav.sampleRateHz, 16000);
    assert.equal(wav.samples.length, 160000);
  });

  it('writes a 2017 folder: YY and `_`/`-` ids, label-grouped weak rows, CRLF evaluation file, zero problems', async () => {
    const out = join(dir, 'd2017');
    const summary = await synthesizeDataset({ layout: 'dcase2017', outDir: out, clips: 12, validationClips: 3, seed: 2 });
    assert.deepEqual(summary.subsets, { training: 12, testing: 3, evaluation: 3 });
    const index = await readDataset('dcase2017', out);
    assert.deepEqual(index.problems, []);
    const training = index.subsets.find((s) => s.name === 'training')!.clips;
    // zero missing_audio problems above: every ground-truth name N has its audio at audio/training/Y<N>
    assert.ok(training.some((c) => c.name.startsWith('YY')), 'some YouTube ids start with Y');
    const ids = training.map((c) => c.name.slice(1).replace(/_\d+\.000_\d+\.000\.wav$/, ''));
    assert.ok(ids.every((id) => id.length === 11));
    assert.ok(ids.some((id) => id.includes('_')) && ids.some((id) => id.includes('-')));
    const gt = await readFile(join(out, 'groundtruth_weak_label_training_set.csv'), 'utf8');
    const rows = gt.trimEnd().split('\n').map((l) => l.split('\t'));
    assert.ok(rows.every((r) => r.length === 4 && Number(r[2]) - Number(r[1]) === 10), 'YouTube start/end 10 s apart');
    const labelsInOrder = rows.map((r) => classIndex(r[3]));
    assert.deepEqual(labelsInOrder, [...labelsInOrder].sort((a, b) => a - b), 'rows grouped by label');
    assert.equal(rows.length, training.reduce((n, c) => n + c.weakLabels!.length, 0));
    const evaluation = await readFile(join(out, 'groundtruth_strong_label_evaluation_set.csv'), 'utf8');
    assert.ok(evaluation.endsWith('\r\n') && !/[^\r]\n/.test(evaluation));
    const testing = index.subsets.find((s) => s.name === 'testing')!.clips;
    for (const c of testing) assert.deepEqual(c.weakLabels, [...new Set(c.events!.map((e) => e.label))]);
  });

  it('rejects bad options with a clear message', async () => {
    await assert.rejects(synthesizeDataset({ layout: 'dcase2019', outDir: join(dir, 'x'), clips: 0, seed: 1 }), (e: unknown) => e instanceof UsageError && /clips must be an integer ≥ 1 \(0 given\)/.test(e.message));
    await assert.rejects(synthesizeDataset({ layout: 'dcase2019', outDir: join(dir, 'x'), clips: 1, seed: 1, sampleRateHz: 8000 }), /8000 given/);
  });
});
