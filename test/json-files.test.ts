/** The JSON files we read back are checked against zod schemas; a bad one fails with one line naming file and key. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/config/load.ts';
import { DataError } from '../src/errors.ts';
import { readManifest, readStats, readStoreInfo, RUN_FEATURE_STATS_SCHEMA } from '../src/features/store.ts';
import { checkJson, readJsonFile } from '../src/io/json-file.ts';
import { readState } from '../src/checkpoint/checkpoint.ts';

const tmp = mkdtempSync(join(tmpdir(), 'sed-json-'));
const put = (rel: string, value: unknown) => {
  const file = join(tmp, rel);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const isDataError = (file: string, message: string) => (e: unknown) => {
  assert.ok(e instanceof DataError, `expected DataError, got ${e}`);
  assert.equal(e.file, file);
  assert.equal(e.message, `${file}: ${message}`);
  assert.ok(!e.message.includes('\n'));
  return true;
};

const goodInfo = {
  version: 1,
  settings: resolveConfig({}).features,
  settings_hash: 'abc',
  frame_hop_sec: 0.02,
  layout: 'dcase2019',
  root: 'data/x',
  classes: ['a', 'b'],
  subsets: [{ name: 'weak', role: 'train_weak', clips: 2 }],
};

test('stats.json: valid files come back unchanged (same keys, same order); bad ones name file and key', () => {
  const good = { mean: [1, 2], std: [0.5, 1], frames: 10, subsets: ['weak'], settings_hash: 'abc' };
  put('s1/stats.json', good);
  assert.equal(JSON.stringify(readStats(join(tmp, 's1'))), JSON.stringify(good));
  assert.equal(JSON.stringify(readStats(join(tmp, 's1'), 'abc')), JSON.stringify(good));
  // statistics of other feature settings than the store's: refused, naming the file (issue 13 item 4)
  const f1 = join(tmp, 's1', 'stats.json');
  assert.throws(() => readStats(join(tmp, 's1'), 'def'), isDataError(f1, 'statistics of feature settings abc, the store\'s features are def: re-run `npx sed features`'));
  const f2 = put('s2/stats.json', { mean: [1, 2], std: [0.5, null], frames: 10, subsets: ['weak'], settings_hash: 'abc' });
  assert.throws(() => readStats(join(tmp, 's2')), isDataError(f2, 'not a valid feature statistics (stats.json): std[1]: expected a number, got null'));
  const f3 = put('s3/stats.json', { mean: [1, 2], std: [0.5], frames: 10, subsets: [], settings_hash: 'abc' });
  assert.throws(() => readStats(join(tmp, 's3')), isDataError(f3, 'not a valid feature statistics (stats.json): std: mean and std have different lengths'));
  const f4 = put('s4/stats.json', '{"mean": [1,');
  assert.throws(() => readStats(join(tmp, 's4')), (e: unknown) => e instanceof DataError && e.file === f4 && /unreadable feature statistics/.test(e.message));
  assert.throws(() => readStats(join(tmp, 'none')), isDataError(join(tmp, 'none', 'stats.json'), 'no feature statistics (stats.json) here: run `npx sed features` first'));
});

test('features.json: settings are checked with the config schema', () => {
  put('i1/features.json', goodInfo);
  assert.deepEqual(readStoreInfo(join(tmp, 'i1')), goodInfo);
  const f = put('i2/features.json', { ...goodInfo, settings: { ...goodInfo.settings, n_fft: 'x' } });
  assert.throws(() => readStoreInfo(join(tmp, 'i2')), isDataError(f, 'not a valid feature store (features.json): settings.n_fft: expected a number, got string "x"'));
  const g = put('i3/features.json', { ...goodInfo, layout: 'dcase2020' });
  assert.throws(() => readStoreInfo(join(tmp, 'i3')), isDataError(g, 'not a valid feature store (features.json): layout: expected one of dcase2019, dcase2017, got string "dcase2020"'));
});

test('manifest.json: a clip without frames is named by its index', () => {
  const clip = { name: 'a.wav', npy: 'a.npy', frames: 5, duration_sec: 10, source: '/x/a.wav', weak_labels: ['a'], events: null };
  const manifest = { version: 1, subset: 'weak', role: 'train_weak', settings_hash: 'abc', n_mels: 64, frame_hop_sec: 0.02, clips: [clip], failed: [] };
  put('m1/weak/manifest.json', manifest);
  assert.deepEqual(readManifest(join(tmp, 'm1'), 'weak', 'abc'), manifest);
  const { frames: _drop, ...noFrames } = clip;
  const f = put('m2/weak/manifest.json', { ...manifest, clips: [clip, noFrames] });
  assert.throws(() => readManifest(join(tmp, 'm2'), 'weak'), isDataError(f, "not a valid manifest of subset 'weak': clips[1].frames: missing (expected a number)"));
});

test('state.json: a missing or mistyped field is named', () => {
  const state = { epoch: 2, batch_in_epoch: 0, step: 8, rng: [1, 2, 3, 4], best: { metric: 'event_f1_macro', value: 0.03, epoch: 2 }, optimizers: { main: [{ name: 'w', shape: [2], dtype: 'float32' }] }, epoch_sums: {}, interrupted: false, unfrozen: null, clip_counts: [[0], [0], [0]] };
  put('c1/state.json', state);
  assert.equal(JSON.stringify(readState(join(tmp, 'c1'))), JSON.stringify(state));
  const { step: _s, ...noStep } = state;
  const f = put('c2/state.json', noStep);
  assert.throws(() => readState(join(tmp, 'c2')), isDataError(f, 'not a valid training state (state.json): step: missing (expected a number)'));
  const g = put('c3/state.json', { ...state, rng: [1, 2, 3] });
  assert.throws(() => readState(join(tmp, 'c3')), isDataError(g, 'not a valid training state (state.json): rng: expected a list of four values, got a list of 3'));
});

test("feature_stats.json (a run's copy for predict): classes required", () => {
  const f = put('r/feature_stats.json', { mean: [0], std: [1], frames: 3, subsets: [] });
  assert.throws(() => readJsonFile(f, RUN_FEATURE_STATS_SCHEMA, "run's feature statistics (feature_stats.json)"), isDataError(f, "not a valid run's feature statistics (feature_stats.json): classes: missing (expected a list)"));
  const ok = { mean: [0], std: [1], frames: 3, subsets: [], classes: ['a'] };
  assert.equal(checkJson(ok, RUN_FEATURE_STATS_SCHEMA, 'x', 'y'), ok);
});
