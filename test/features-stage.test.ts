/**
 * The `features` stage end to end on small synthetic datasets: what the store holds, reuse through the journal,
 * interrupted writes, bad audio, and the CLI's exit code. Each test copies a dataset synthesized once and runs
 * runFeatures on it (10 s clips at 16 kHz, default feature settings: hop 320, 64 mels).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli/main.ts';
import { featureSettingsHash, resolveConfig } from '../src/config/load.ts';
import type { DataConfig, FeatureSettings, Layout } from '../src/config/types.ts';
import { runFeatures } from '../src/features/run-features.ts';
import type { FeatureStats, StoreInfo, SubsetManifest } from '../src/features/store.ts';
import { decodeNpy } from '../src/io/npy.ts';
import { synthesizeDataset } from '../src/synth/synthesize.ts';
import { createLogger, silentLogger } from '../src/util/log.ts';

const defaults = resolveConfig({});
const settings: FeatureSettings = defaults.features;
const dataFor = (layout: Layout, root: string): DataConfig => ({ ...defaults.data, layout, root });
// torch.stft with center=True and even n_fft: 1 + floor(n / hop) frames for a 10 s clip at 16 kHz (160000 samples).
const FRAMES = 1 + Math.floor(160000 / settings.hop_length);

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const manifestOf = (out: string, subset: string) => readJson<SubsetManifest>(join(out, subset, 'manifest.json'));
const subsetsOf = (out: string) => readJson<StoreInfo>(join(out, 'features.json')).subsets.map((s) => s.name);

function npyOf(out: string, subset: string, npy: string) {
  const file = join(out, subset, npy);
  const raw = readFileSync(file);
  return decodeNpy(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength), file);
}

/** Every .npy file under each subset folder decodes to [FRAMES, nMels]; returns how many there are. */
function checkEveryNpy(out: string, nMels: number): number {
  let count = 0;
  for (const subset of subsetsOf(out)) {
    for (const name of readdirSync(join(out, subset)).filter((n) => n.endsWith('.npy'))) {
      assert.deepEqual(npyOf(out, subset, name).shape, [FRAMES, nMels], `${subset}/${name}`);
      count++;
    }
  }
  return count;
}

let base: string; // holds the synthesized datasets, copied by each test
let src2019: string;
let src2017: string;
const CLIPS_2019 = 4 + 1 + 1 + 1; // weak, synthetic, unlabel_in_domain, validation

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'sed-features-stage-'));
  src2019 = join(base, 'synth2019');
  src2017 = join(base, 'synth2017');
  await synthesizeDataset({ layout: 'dcase2019', outDir: src2019, clips: 4, seed: 3, validationClips: 1, unlabeledClips: 1, syntheticStrongClips: 1, evalClips: 0 });
  await synthesizeDataset({ layout: 'dcase2017', outDir: src2017, clips: 3, seed: 3, validationClips: 1 });
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

let caseNumber = 0;
/** A fresh copy of a synthesized dataset and an output folder next to it. */
async function workspace(src: string): Promise<{ root: string; out: string }> {
  const dir = join(base, `case-${++caseNumber}`);
  const root = join(dir, 'data');
  await cp(src, root, { recursive: true });
  return { root, out: join(dir, 'features') };
}

describe('features stage: the store', () => {
  it('lists every clip with 1 + floor(160000/hop) frames, .npy [frames, n_mels], training statistics and the settings hash', async () => {
    const { root, out } = await workspace(src2019);
    const summary = await runFeatures(dataFor('dcase2019', root), settings, { out }, silentLogger, { jobs: 1 });
    assert.equal(summary.clips, CLIPS_2019);
    assert.equal(summary.computed, CLIPS_2019);
    assert.equal(summary.reused, 0);
    assert.equal(summary.failed, 0);
    assert.deepEqual(summary.subsets, { weak: 4, synthetic: 1, unlabel_in_domain: 1, validation: 1 });

    const info = readJson<StoreInfo>(join(out, 'features.json'));
    assert.equal(info.settings_hash, featureSettingsHash(settings));
    assert.equal(summary.settings_hash, info.settings_hash);
    assert.equal(info.frame_hop_sec, settings.hop_length / settings.sample_rate);

    // float64 recomputation of the per-bin mean/std over the training subsets' .npy files
    const nMels = settings.n_mels;
    const sum = new Float64Array(nMels);
    const sumsq = new Float64Array(nMels);
    let frames = 0;
    const training: string[] = [];
    for (const subset of info.subsets.map((s) => s.name)) {
      const manifest = manifestOf(out, subset);
      assert.equal(manifest.settings_hash, info.settings_hash);
      assert.equal(manifest.n_mels, nMels);
      assert.deepEqual(manifest.failed, []);
      const listed = readdirSync(join(root, 'audio', subset === 'validation' ? 'validation' : join('train', subset))).sort();
      assert.deepEqual(manifest.clips.map((c) => c.name).sort(), listed, `${subset}: every clip listed`);
      const isTraining = manifest.role !== 'validation' && manifest.role !== 'test' && manifest.role !== 'eval';
      if (isTraining) training.push(subset);
      for (const clip of manifest.clips) {
        assert.equal(clip.frames, FRAMES);
        assert.ok(Math.abs(clip.duration_sec - 10) < 1e-9);
        const { data, shape } = npyOf(out, subset, clip.npy);
        assert.deepEqual(shape, [FRAMES, nMels]);
        assert.ok(data.every(Number.isFinite));
        if (!isTraining) continue;
        frames += FRAMES;
        for (let i = 0; i < data.length; i++) {
          sum[i % nMels] += data[i];
          sumsq[i % nMels] += data[i] * data[i];
        }
      }
    }
    assert.deepEqual(training.sort(), ['synthetic', 'unlabel_in_domain', 'weak']);
    const stats = readJson<FeatureStats>(join(out, 'stats.json'));
    assert.deepEqual([...stats.subsets].sort(), training);
    assert.equal(stats.frames, frames);
    for (let m = 0; m < nMels; m++) {
      const mean = sum[m] / frames;
      const std = Math.sqrt(sumsq[m] / frames - mean * mean);
      assert.ok(Math.abs(stats.mean[m] - mean) < 1e-4, `mean[${m}] ${stats.mean[m]} vs ${mean}`);
      assert.ok(Math.abs(stats.std[m] - std) < 1e-4, `std[${m}] ${stats.std[m]} vs ${std}`);
    }
  });

  it('writes the same .npy bytes and statistics with 2 worker threads as with 1', async () => {
    const { root, out } = await workspace(src2019);
    const out2 = `${out}-jobs2`;
    await runFeatures(dataFor('dcase2019', root), settings, { out }, silentLogger, { jobs: 1 });
    const summary = await runFeatures(dataFor('dcase2019', root), settings, { out: out2 }, silentLogger, { jobs: 2 });
    assert.equal(summary.computed, CLIPS_2019);
    assert.equal(summary.failed, 0);
    for (const subset of subsetsOf(out)) {
      for (const clip of manifestOf(out, subset).clips) {
        assert.deepEqual(readFileSync(join(out, subset, clip.npy)), readFileSync(join(out2, subset, clip.npy)), `${subset}/${clip.npy}`);
      }
    }
    // sums arrive in a different order from the workers: equal to rounding only
    const [a, b] = [readJson<FeatureStats>(join(out, 'stats.json')), readJson<FeatureStats>(join(out2, 'stats.json'))];
    assert.equal(a.frames, b.frames);
    a.mean.forEach((m, i) => assert.ok(Math.abs(m - b.mean[i]) < 1e-9));
  });
});

describe('features stage: reuse', () => {
  it('reuses every clip on a second run, recomputes all when a setting changes, and exactly a deleted .npy', async () => {
    const { root, out } = await workspace(src2019);
    const data = dataFor('dcase2019', root);
    await runFeatures(data, settings, { out }, silentLogger, { jobs: 1 });
    const firstStats = readFileSync(join(out, 'stats.json'), 'utf8');

    const again = await runFeatures(data, settings, { out }, silentLogger, { jobs: 1 });
    assert.deepEqual([again.computed, again.reused, again.failed], [0, CLIPS_2019, 0]);
    assert.equal(readFileSync(join(out, 'stats.json'), 'utf8'), firstStats, 'statistics rebuilt from the journal are identical');

    const fewerMels: FeatureSettings = { ...settings, n_mels: 32 };
    const remade = await runFeatures(data, fewerMels, { out }, silentLogger, { jobs: 1 });
    assert.deepEqual([remade.computed, remade.reused], [CLIPS_2019, 0]);
    assert.equal(checkEveryNpy(out, 32), CLIPS_2019);
    assert.equal(manifestOf(out, 'weak').settings_hash, featureSettingsHash(fewerMels));

    const otherAmin: FeatureSettings = { ...fewerMels, log: { type: 'db', amin: 1e-10, top_db: null } };
    const remadeAmin = await runFeatures(data, otherAmin, { out }, silentLogger, { jobs: 1 });
    assert.deepEqual([remadeAmin.computed, remadeAmin.reused], [CLIPS_2019, 0]);

    const victim = manifestOf(out, 'weak').clips[2];
    rmSync(join(out, 'weak', victim.npy));
    const patched = await runFeatures(data, otherAmin, { out }, silentLogger, { jobs: 1 });
    assert.deepEqual([patched.computed, patched.reused], [1, CLIPS_2019 - 1]);
    assert.ok(existsSync(join(out, 'weak', victim.npy)));
    assert.equal(checkEveryNpy(out, 32), CLIPS_2019);
  });
});

describe('features stage: interrupted writes', () => {
  // Regression: the next append used to glue onto a torn last line (no newline), so the recomputed clip's entry was
  // unparseable too and the clip was recomputed again on every later run.
  it('ignores a torn journal line and a leftover .tmp file, and never leaves a half-written manifest or .npy', async () => {
    const { root, out } = await workspace(src2019);
    const data = dataFor('dcase2019', root);
    await runFeatures(data, settings, { out }, silentLogger, { jobs: 1 });

    // An interruption after the .npy was renamed into place but while its journal line was being appended.
    const journal = join(out, 'weak', '.journal.jsonl');
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
    const torn = lines.pop()!;
    writeFileSync(journal, `${lines.join('\n')}\n${torn.slice(0, Math.floor(torn.length / 2))}`);
    const tornClip = (JSON.parse(torn) as { name: string }).name;
    // An interruption in the middle of an atomic write: the temporary sibling stays behind.
    const leftover = join(out, 'weak', `${tornClip.replace(/\.wav$/, '')}.npy.12345.deadbeef.tmp`);
    writeFileSync(leftover, 'half an npy');

    const resumed = await runFeatures(data, settings, { out }, silentLogger, { jobs: 1 });
    assert.deepEqual([resumed.computed, resumed.reused, resumed.failed], [1, CLIPS_2019 - 1, 0]);
    assert.equal(manifestOf(out, 'weak').clips.length, 4);
    assert.ok(manifestOf(out, 'weak').clips.every((c) => c.npy.endsWith('.npy')));

    const third = await runFeatures(data, settings, { out }, silentLogger, { jobs: 1 });
    assert.deepEqual([third.computed, third.reused], [0, CLIPS_2019], 'the recomputed clip is journalled on a line of its own');

    assert.equal(checkEveryNpy(out, settings.n_mels), CLIPS_2019);
    for (const subset of subsetsOf(out)) {
      assert.doesNotThrow(() => manifestOf(out, subset), `${subset}/manifest.json parses`);
      const temps = readdirSync(join(out, subset)).filter((n) => n.endsWith('.tmp'));
      assert.deepEqual(temps, subset === 'weak' ? [leftover.split('/').pop()] : [], `${subset}: no new temporary files`);
    }
  });
});

describe('features stage: bad audio', () => {
  it('reports a corrupt and a missing WAV, finishes every other clip, and the CLI exits 1 naming the file', async () => {
    const { root, out } = await workspace(src2019);
    const weakDir = join(root, 'audio', 'train', 'weak');
    const [corrupt, missing] = readdirSync(weakDir).sort();
    const corruptPath = join(weakDir, corrupt);
    writeFileSync(corruptPath, 'this is not a wav file, only garbage bytes '.repeat(20));
    rmSync(join(weakDir, missing));

    const summary = await runFeatures(dataFor('dcase2019', root), settings, { out }, silentLogger, { jobs: 1 });
    assert.equal(summary.failed, 2);
    assert.equal(summary.computed, CLIPS_2019 - 2);
    const weak = manifestOf(out, 'weak');
    assert.equal(weak.failed.length, 1);
    assert.equal(weak.failed[0].name, corrupt);
    assert.ok(weak.failed[0].error.includes(corruptPath), weak.failed[0].error);
    assert.deepEqual(weak.clips.map((c) => c.name).sort(), readdirSync(weakDir).filter((n) => n !== corrupt).sort());
    assert.equal(checkEveryNpy(out, settings.n_mels), CLIPS_2019 - 2);

    let stdout = '';
    let stderr = '';
    const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) };
    const code = await main(['node', 'sed', 'features', '--root', root, '--out', `${out}-cli`, '--jobs', '1'], io);
    assert.equal(code, 1, stderr);
    assert.equal(stdout, '');
    const errorLines = stderr.split('\n').filter((l) => l.startsWith('error:'));
    assert.equal(errorLines.length, 1, stderr);
    assert.ok(errorLines[0].includes(corruptPath), errorLines[0]);
    assert.ok(stderr.includes(join(weakDir, missing)), 'the missing file is named too');
  });

  it('regression: a truncated WAV is skipped and counted (it became a zero-padded feature file, failed: 0); --allow-truncated decodes it with a warning', async () => {
    const { root, out } = await workspace(src2019);
    const file = join(root, 'audio', 'validation', readdirSync(join(root, 'audio', 'validation'))[0]);
    const bytes = new Uint8Array(readFileSync(file));
    writeFileSync(file, bytes.subarray(0, bytes.length - 16000)); // header still declares the full data chunk
    const skipped = await runFeatures(dataFor('dcase2019', root), settings, { out }, silentLogger, { jobs: 1 });
    assert.deepEqual([skipped.failed, skipped.truncated, skipped.computed], [1, 1, CLIPS_2019 - 1]);
    assert.deepEqual(manifestOf(out, 'validation').clips, []);
    assert.match(manifestOf(out, 'validation').failed[0].error, /truncated data chunk.*--allow-truncated/);

    let logged = '';
    const log = createLogger({ level: 'warn', write: (line) => void (logged += line) });
    const allowed = await runFeatures(dataFor('dcase2019', root), settings, { out: `${out}-allowed` }, log, { jobs: 1, allowTruncated: true });
    assert.deepEqual([allowed.failed, allowed.truncated, allowed.computed], [0, 1, CLIPS_2019]);
    const warnings = logged.split('\n').filter((l) => l.startsWith('warn:') && l.includes(file));
    assert.equal(warnings.length, 1, logged);
    assert.match(warnings[0], /truncated/);
    // zero-padded back to clip_seconds
    assert.equal(manifestOf(`${out}-allowed`, 'validation').clips[0].frames, FRAMES);
    assert.ok(manifestOf(`${out}-allowed`, 'validation').clips[0].duration_sec < 10);
  });
});

describe('features stage: dcase2017 layout', () => {
  it('writes manifests for training, testing and evaluation, with statistics over training only', async () => {
    const { root, out } = await workspace(src2017);
    const summary = await runFeatures(dataFor('dcase2017', root), settings, { out }, silentLogger, { jobs: 1 });
    assert.deepEqual(summary.subsets, { training: 3, testing: 1, evaluation: 1 });
    assert.deepEqual([summary.computed, summary.failed], [5, 0]);
    assert.equal(checkEveryNpy(out, settings.n_mels), 5);
    const training = manifestOf(out, 'training');
    assert.ok(training.clips.every((c) => c.frames === FRAMES && c.weak_labels !== null && c.weak_labels.length > 0));
    assert.ok(manifestOf(out, 'evaluation').clips.every((c) => c.events !== null));
    const stats = readJson<FeatureStats>(join(out, 'stats.json'));
    assert.deepEqual(stats.subsets, ['training']);
    assert.equal(stats.frames, 3 * FRAMES);
  });
});

