/**
 * Bad audio is never silently turned into data (issue 13, item 4). Regressions:
 * - a 10 s WAV cut to 100 bytes decoded to 28 samples, was zero-padded and written as a feature file; the summary said
 *   failed: 0 and the exit code was 0;
 * - a data chunk declaring 0 bytes with audio after it became an all −100 dB feature file, exit 0;
 * - any error in a clip (a TypeError, a full disk) was counted as a bad clip (exit 1) instead of stopping the run as
 *   what it is (exit 70 for a bug; here an unwritable output folder).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli/main.ts';
import { resolveConfig } from '../src/config/load.ts';
import { runFeatures } from '../src/features/run-features.ts';
import type { SubsetManifest } from '../src/features/store.ts';
import { DataError } from '../src/errors.ts';
import { synthesizeDataset } from '../src/synth/synthesize.ts';
import { createLogger, silentLogger } from '../src/util/log.ts';

const defaults = resolveConfig({});
const settings = defaults.features;
let base: string;
let src: string;
const CLIPS = 2 + 1 + 1 + 1; // weak, synthetic, unlabel_in_domain, validation

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'sed-bad-audio-'));
  src = join(base, 'synth');
  await synthesizeDataset({ layout: 'dcase2019', outDir: src, clips: 2, seed: 5, validationClips: 1, unlabeledClips: 1, syntheticStrongClips: 1, evalClips: 0 });
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

let n = 0;
async function workspace() {
  const dir = join(base, `case-${++n}`);
  const root = join(dir, 'data');
  await cp(src, root, { recursive: true });
  const validationDir = join(root, 'audio', 'validation');
  const clip = readdirSync(validationDir)[0];
  return { root, out: join(dir, 'features'), clip, file: join(validationDir, clip) };
}
const data = (root: string) => ({ ...defaults.data, layout: 'dcase2019' as const, root });
const manifestOf = (out: string, subset: string) => JSON.parse(readFileSync(join(out, subset, 'manifest.json'), 'utf8')) as SubsetManifest;

/** Byte offset of the data chunk's size field (the chunk walk the decoder does, done here independently). */
function dataSizeOffset(bytes: Uint8Array): number {
  let at = 12;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (at + 8 <= bytes.length) {
    const id = String.fromCharCode(...bytes.subarray(at, at + 4));
    if (id === 'data') return at + 4;
    const size = view.getUint32(at + 4, true);
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'sed', 'features', ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe('features: bad audio is counted, never turned into data', () => {
  it('regression: a 10 s clip cut to 100 bytes is skipped, counted as truncated and failed, exit 1 (through the worker pool too)', async () => {
    const { root, out, clip, file } = await workspace();
    const bytes = new Uint8Array(readFileSync(file));
    const header = dataSizeOffset(bytes) + 4;
    writeFileSync(file, bytes.subarray(0, 100)); // 100 − 44 = 56 bytes of 16-bit mono: 28 samples of a declared 160000
    assert.equal(header, 44);
    for (const jobs of ['1', '2']) {
      const r = await cli('--root', root, '--out', `${out}-${jobs}`, '--jobs', jobs, '--json');
      assert.equal(r.code, 1, r.stderr);
      const summary = JSON.parse(r.stdout);
      assert.deepEqual([summary.failed, summary.truncated, summary.computed], [1, 1, CLIPS - 1], `--jobs ${jobs}`);
      assert.ok(!existsSync(join(`${out}-${jobs}`, 'validation', clip.replace(/\.wav$/, '.npy'))), 'no feature file for it');
      assert.match(r.stderr, new RegExp(`${file}: .*declares 320000 bytes but only 56 are present`));
    }
  });

  it('a data chunk declaring 0 bytes with audio after it is read to the end of the file, with a warning', async () => {
    const { root, out, clip, file } = await workspace();
    await runFeatures(data(root), settings, { out: `${out}-intact` }, silentLogger, { jobs: 1 });
    const bytes = new Uint8Array(readFileSync(file));
    new DataView(bytes.buffer).setUint32(dataSizeOffset(bytes), 0, true); // a header never patched by its writer
    writeFileSync(file, bytes);
    let logged = '';
    const log = createLogger({ level: 'warn', write: (line) => void (logged += line) });
    const summary = await runFeatures(data(root), settings, { out }, log, { jobs: 1 });
    assert.deepEqual([summary.failed, summary.truncated, summary.computed], [0, 0, CLIPS]);
    assert.match(logged, /data chunk declares 0 bytes but 320000 follow it/);
    // Every byte after the header is the audio, so the features equal those of the intact file (not −100 dB).
    const npy = clip.replace(/\.wav$/, '.npy');
    assert.deepEqual(readFileSync(join(out, 'validation', npy)), readFileSync(join(`${out}-intact`, 'validation', npy)));
  });

  it('a clip that decodes to no samples is a failure, never a feature file', async () => {
    const { root, out, clip, file } = await workspace();
    const bytes = new Uint8Array(readFileSync(file));
    const sizeAt = dataSizeOffset(bytes);
    const empty = bytes.slice(0, sizeAt + 4);
    new DataView(empty.buffer).setUint32(sizeAt, 0, true);
    writeFileSync(file, empty); // a well-formed WAV with an empty data chunk
    const summary = await runFeatures(data(root), settings, { out }, silentLogger, { jobs: 1 });
    assert.deepEqual([summary.failed, summary.truncated, summary.computed], [1, 0, CLIPS - 1]);
    assert.match(manifestOf(out, 'validation').failed[0].error, /no audio/);
    assert.ok(!existsSync(join(out, 'validation', clip.replace(/\.wav$/, '.npy'))));
  });

  it('regression: an error that is not bad input (here the output folder cannot be written) stops the run: exit 70, not a failed clip', async () => {
    const { root, out } = await workspace();
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'weak'), 'a file where the subset folder should go'); // every .npy write there fails: ENOTDIR
    await assert.rejects(
      runFeatures(data(root), settings, { out }, silentLogger, { jobs: 1 }),
      (err: unknown) => err instanceof Error && !(err instanceof DataError) && /ENOTDIR|EEXIST|not a directory/i.test(err.message),
    );
    const r = await cli('--root', root, '--out', out, '--jobs', '2');
    assert.equal(r.code, 70, r.stderr);
    assert.match(r.stderr, /internal error/);
  });
});
