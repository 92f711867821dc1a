/**
 * `sed reproduce --jobs 2` runs each (head, seed) in its own process and must give what a serial run gives: the same
 * results.json and, per run, the same metrics.json and trained weights, byte for byte. Tiny model, 1 epoch, 8 clips.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveConfig } from '../src/config/load.ts';
import { runReproduce } from '../src/reproduce/run-reproduce.ts';
import { synthesizeDataset } from '../src/synth/synthesize.ts';
import { silentLogger } from '../src/util/log.ts';

test('reproduce --jobs 2 gives byte-identical results, metrics and weights to a serial run', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sed-repro-jobs-'));
  try {
    const data = join(tmp, 'data');
    await synthesizeDataset({ layout: 'dcase2019', outDir: data, clips: 8, seed: 1 });
    const config = resolveConfig({
      data: { layout: 'dcase2019', root: data },
      features: { n_fft: 512, win_length: 512, hop_length: 640, n_mels: 16, f_max: 8000 },
      net: { conv: [{ filters: 4, kernel: [3, 3], pool: [2, 4] }, { filters: 4, kernel: [3, 3], pool: [2, 4] }], rnn: { type: 'bigru', units: 4, layers: 1 } },
      pooling: { lr: 0.05 },
      train: { epochs: 1, batch_size: 8, backend: 'wasm' },
      reproduce: { heads: ['power', 'linear_softmax'], seeds: [1], synth_clips: 8 },
    });
    const serial = join(tmp, 'serial');
    const parallel = join(tmp, 'parallel');
    const a = await runReproduce(config, { out: serial }, silentLogger);
    // the same features for both, so that only the way the runs are executed differs
    cpSync(join(serial, 'features'), join(parallel, 'features'), { recursive: true });
    const b = await runReproduce(config, { out: parallel }, silentLogger, { jobs: 2 });
    assert.equal(a.trained, 2);
    assert.equal(b.trained, 2);
    assert.ok('train_eval_parallel' in b.stage_seconds, 'the parallel path ran');
    assert.equal(readFileSync(join(parallel, 'results.json'), 'utf8'), readFileSync(join(serial, 'results.json'), 'utf8'));
    for (const id of ['power-seed1', 'linear_softmax-seed1']) {
      const weights = (readdirSync(join(serial, 'runs', id), { recursive: true }) as string[]).filter((f) => f.endsWith('weights.bin')).map((f) => join('runs', id, f));
      assert.ok(weights.length > 0, `${id}: no weights.bin`);
      const evalFiles = (readdirSync(join(serial, 'eval', id), { recursive: true }) as string[]).filter((f) => f.endsWith('metrics.json')).map((f) => join('eval', id, f));
      assert.ok(evalFiles.length > 0, `${id}: no eval metrics.json`);
      for (const file of [...evalFiles, ...weights]) {
        assert.ok(readFileSync(join(serial, file)).toString('base64') === readFileSync(join(parallel, file)).toString('base64'), `${file} differs`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
