/**
 * `sed export` writes a self-contained folder (issue 16); the page itself is tested in Chromium by
 * `npm run test:browser` (test/browser/export.test.ts).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import { makeRandomRun, RUN_CLASSES } from './helpers/predict-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'sed-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('sed export: index.html, one bundle, the model files, the wasm binaries and metadata.json', async () => {
  const run = await makeRandomRun(join(dir, 'run'));
  writeFileSync(join(run, 'best', 'n_c.json'), JSON.stringify({ pooling: 'power', epoch: 4, n_c: { alarm: 0.5, dog: 1.5, speech: 2 } }));
  const out = join(dir, 'web');
  let err = '';
  const io = { stdout: () => {}, stderr: (t: string) => (err += t) };
  assert.equal(await main(['node', 'sed', '-q', 'export', '--run', run, '--out', out, '--threshold', '0.3', '--median', '0.4s'], io), 0, err);
  for (const f of ['index.html', 'sed-web.js', 'metadata.json', 'model/model.json', 'model/weights.bin', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm']) {
    assert.ok(existsSync(join(out, f)), f);
  }
  const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
  const stats = JSON.parse(readFileSync(join(run, 'feature_stats.json'), 'utf8'));
  assert.equal(meta.format, 'sed-web/1');
  assert.deepEqual(meta.classes, RUN_CLASSES);
  assert.deepEqual(meta.stats, { mean: stats.mean, std: stats.std });
  assert.equal(meta.features.sample_rate, 16000);
  assert.equal(meta.time_pool, 4); // pools 2·2·1 of configs/default.yaml
  assert.equal(meta.window_hop_sec, 4.96); // floor(125 / 2) = 62 frames of 80 ms, as sed predict
  assert.deepEqual([meta.postprocess.threshold, meta.postprocess.median_window, meta.postprocess.median_unit], [0.3, 0.4, 'seconds']);
  assert.deepEqual(meta.n_c, { alarm: 0.5, dog: 1.5, speech: 2 });
  assert.equal(meta.epoch, 4);
  assert.deepEqual(readFileSync(join(out, 'model/weights.bin')), readFileSync(join(run, 'best/weights.bin')));
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.match(html, /src = 'sed-web\.js'/);
  assert.doesNotMatch(html, /https?:\/\//); // nothing from a CDN
  const js = readFileSync(join(out, 'sed-web.js'), 'utf8');
  assert.doesNotMatch(js, /require\("node:|from "node:/); // no Node module reached the browser bundle
  assert.match(js, /sedWeb/);

  // A second export replaces the first; a folder that is not an export is refused (exit 2).
  assert.equal(await main(['node', 'sed', '-q', 'export', '--run', run, '--out', out], io), 0, err);
  const other = join(dir, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'keep.txt'), 'mine');
  assert.equal(await main(['node', 'sed', '-q', 'export', '--run', run, '--out', other], io), 2);
  assert.match(err, /--out .*other: exists and is not an export folder/);
  assert.equal(readFileSync(join(other, 'keep.txt'), 'utf8'), 'mine');
});
