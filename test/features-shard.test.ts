/**
 * `sed features --shard K/N` and `--merge`: the shard of a clip is a stable function of its name (FNV-1a, checked
 * against the published test vectors), shards split every subset into disjoint parts that cover it, shard runs write
 * no manifests, and merging the shards' journals gives manifests, stats.json, features.json and .npy files
 * byte-identical to one unsharded run.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli/main.ts';
import { resolveConfig } from '../src/config/load.ts';
import type { DataConfig } from '../src/config/types.ts';
import { runFeatures } from '../src/features/run-features.ts';
import { fnv1a32, parseShard, shardOfClip } from '../src/features/shard.ts';
import { synthesizeDataset } from '../src/synth/synthesize.ts';
import { silentLogger } from '../src/util/log.ts';

const defaults = resolveConfig({});
const settings = defaults.features;
let base: string;
let root: string;
let data: DataConfig;

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'sed-features-shard-'));
  root = join(base, 'data');
  await synthesizeDataset({ layout: 'dcase2019', outDir: root, clips: 6, seed: 11, validationClips: 2, unlabeledClips: 2, syntheticStrongClips: 2 });
  data = { ...defaults.data, layout: 'dcase2019', root };
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('shard assignment', () => {
  it('fnv1a32 matches the published FNV-1a 32-bit test vectors', () => {
    // From the FNV reference test suite (Fowler/Noll/Vo, isthe.com/chongo/tech/comp/fnv): "" "a" "foobar".
    assert.equal(fnv1a32(''), 0x811c9dc5);
    assert.equal(fnv1a32('a'), 0xe40c292c);
    assert.equal(fnv1a32('foobar'), 0xbf9cf968);
  });

  it('parseShard takes K/N with 0 <= K < N and refuses the rest naming --shard', () => {
    assert.deepEqual(parseShard('0/4'), { index: 0, count: 4 });
    assert.deepEqual(parseShard(' 3 / 4 '), { index: 3, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/4', 'a/4', '1', '1/2/3', '']) assert.throws(() => parseShard(bad), /--shard expects K\/N/, bad);
  });

  it('splits clips into N disjoint parts that cover them all, independent of order and of the other clips', () => {
    const names = Array.from({ length: 1000 }, (_, i) => `Y${i.toString(36)}_30.000_40.000.wav`);
    const counts = new Array(4).fill(0);
    for (const n of names) counts[shardOfClip('weak', n, 4)]++;
    assert.equal(counts.reduce((a, b) => a + b, 0), 1000);
    for (const c of counts) assert.ok(c > 200 && c < 300, `shard sizes ${counts}`); // ~250 each
    // a clip's shard is a function of (subset, name) alone
    assert.equal(shardOfClip('weak', names[7]!, 4), fnv1a32(`weak/${names[7]}`) % 4);
  });
});

/** Every file of the store except journals (whose lines follow completion order), as relative path → bytes (base64). */
function storeFiles(out: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), join(rel, e.name));
      else if (!e.name.startsWith('.journal')) files.set(join(rel, e.name), readFileSync(join(dir, e.name)).toString('base64'));
    }
  };
  walk(out, '');
  return files;
}

describe('sharded extraction', () => {
  it('3 shards then a merge give the same manifests, stats.json, features.json and .npy bytes as one run', async () => {
    const single = join(base, 'single');
    const sharded = join(base, 'sharded');
    const one = await runFeatures(data, settings, { out: single }, silentLogger, { jobs: 1 });
    const total = one.computed;
    assert.equal(total, Object.values(one.subsets).reduce((a, b) => a + b, 0));
    assert.ok(total >= 10);

    let computed = 0;
    for (let k = 0; k < 3; k++) {
      const s = await runFeatures(data, settings, { out: sharded }, silentLogger, { jobs: 1, shard: { index: k, count: 3 } });
      assert.equal(s.shard, `${k}/3`);
      assert.equal(s.reused, 0);
      computed += s.computed;
    }
    assert.equal(computed, total, 'the shards together extract every clip once');
    for (const f of ['features.json', 'stats.json', join('weak', 'manifest.json')]) assert.ok(!existsSync(join(sharded, f)), `a shard run wrote ${f}`);

    // the merge goes through the CLI, as a cluster job would run it
    let err = '';
    const code = await main(
      ['node', 'sed', '-q', 'features', '--layout', 'dcase2019', '--root', root, '--out', sharded, '--merge', '--json'],
      { stdout: () => {}, stderr: (t) => (err += t) },
    );
    assert.equal(code, 0, err);
    const a = storeFiles(single);
    const b = storeFiles(sharded);
    // config.yaml is written only by the CLI run: compare everything else
    b.delete('config.yaml');
    assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
    for (const [rel, bytes] of a) assert.ok(bytes === b.get(rel), `${rel} differs`);
  });

  it('a shard that was never run is extracted by the merge, which then matches too', async () => {
    const single = join(base, 'single');
    const partial = join(base, 'partial');
    await runFeatures(data, settings, { out: partial }, silentLogger, { jobs: 1, shard: { index: 0, count: 2 } });
    const merged = await runFeatures(data, settings, { out: partial }, silentLogger, { jobs: 1 });
    assert.ok(merged.reused > 0 && merged.computed > 0);
    assert.equal(merged.reused + merged.computed, JSON.parse(readFileSync(join(single, 'features.json'), 'utf8')).subsets.reduce((a: number, s: { clips: number }) => a + s.clips, 0));
    const a = storeFiles(single);
    for (const [rel, bytes] of storeFiles(partial)) assert.ok(bytes === a.get(rel), `${rel} differs`);
  });

  it('sed features: --shard out of range and --shard with --merge are usage errors (exit 2)', async () => {
    for (const extra of [['--shard', '3/3'], ['--shard', '0/2', '--merge']]) {
      let err = '';
      const code = await main(['node', 'sed', 'features', '--layout', 'dcase2019', '--root', root, '--out', join(base, 'x'), ...extra], {
        stdout: () => {},
        stderr: (t) => (err += t),
      });
      assert.equal(code, 2, err);
      assert.match(err, /--shard/);
    }
  });
});
