/**
 * Feature settings and the network are separate concerns (issue 13, item 4). Regressions:
 * - `sed features` refused `n_mels: 40` because the default network's frequency pooling (4 × 4 × 4 = 64) needs more
 *   bands: feature extraction must not validate the net section; building the network checks the pair;
 * - stats.json did not say which feature settings it describes: it now carries the settings hash, checked on read;
 * - `sed predict` used a run's statistics whatever their band count: it now checks them against features.n_mels.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../src/cli/main.ts';
import { configToYaml, featureSettingsHash, resolveConfig } from '../src/config/load.ts';
import { openFeatureSource } from '../src/data/feature-source.ts';
import { DataError, ConfigError } from '../src/errors.ts';
import { buildCrnn } from '../src/model/crnn.ts';
import { runPredict } from '../src/infer/run-predict.ts';
import { synthesizeDataset } from '../src/synth/synthesize.ts';
import { silentLogger } from '../src/util/log.ts';

let base: string;
let root: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), 'sed-feature-settings-'));
  root = join(base, 'data');
  await synthesizeDataset({ layout: 'dcase2019', outDir: root, clips: 2, seed: 7, validationClips: 1, unlabeledClips: 1, syntheticStrongClips: 1 });
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'sed', ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

test('regression: `sed features` takes n_mels 40 with the default net; building that net says what is wrong', async () => {
  const config = resolveConfig({ features: { n_mels: 40 } }); // used to throw: frequency pooling 64 exceeds n_mels 40
  const out = join(base, 'mels40');
  const r = await cli('features', '--root', root, '--out', out, '--set', 'features.n_mels=40', '--jobs', '1', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).failed, 0);
  assert.equal(openFeatureSource(out).nMels, 40);
  // 40 → 10 → 2 → 0 bands after three ×4 frequency pools: training cannot build this net.
  assert.throws(
    () => buildCrnn({ net: config.net, pooling: config.pooling, nMels: 40, nClasses: 3 }),
    (e: unknown) => e instanceof ConfigError && e.keyPath === 'net.conv' && /reduce features\.n_mels = 40 mel bands to nothing/.test(e.message),
  );
});

test('stats.json carries the feature settings hash and a mismatch is refused on read', async () => {
  const settings = resolveConfig({}).features;
  const out = join(base, 'default');
  const r = await cli('features', '--root', root, '--out', out, '--jobs', '1');
  assert.equal(r.code, 0, r.stderr);
  const statsFile = join(out, 'stats.json');
  const stats = JSON.parse(readFileSync(statsFile, 'utf8'));
  assert.equal(stats.settings_hash, featureSettingsHash(settings));
  assert.doesNotThrow(() => openFeatureSource(out));
  writeFileSync(statsFile, JSON.stringify({ ...stats, settings_hash: '0123456789abcdef' })); // e.g. copied from another store
  assert.throws(() => openFeatureSource(out), (e: unknown) => e instanceof DataError && e.file === statsFile && /0123456789abcdef/.test(e.message));
});

test('regression: predict checks the run\'s feature statistics against features.n_mels before using them', async () => {
  const run = join(base, 'run');
  mkdirSync(run, { recursive: true });
  const config = resolveConfig({}); // n_mels 64
  writeFileSync(join(run, 'config.yaml'), configToYaml(config));
  const statsFile = join(run, 'feature_stats.json');
  writeFileSync(statsFile, JSON.stringify({ mean: new Array(40).fill(0), std: new Array(40).fill(1), classes: ['a'] }));
  await assert.rejects(runPredict(run, [], silentLogger), (e: unknown) => e instanceof DataError && e.file === statsFile && /40 mel bands.*features\.n_mels = 64/.test(e.message));
  const hash = featureSettingsHash(config.features);
  writeFileSync(statsFile, JSON.stringify({ mean: new Array(64).fill(0), std: new Array(64).fill(1), classes: ['a'], settings_hash: `${hash}x` }));
  await assert.rejects(runPredict(run, [], silentLogger), (e: unknown) => e instanceof DataError && /statistics of feature settings/.test(e.message));
});
