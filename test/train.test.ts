import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/config/load.ts';
import type { SedConfig } from '../src/config/types.ts';
import { runFeatures } from '../src/features/run-features.ts';
import { synthesizeDataset } from '../src/synth/synthesize.ts';
import { runTrain } from '../src/train/train.ts';
import { ConfigError, DataError } from '../src/errors.ts';
import { silentLogger } from '../src/util/log.ts';

// One tiny synthetic set shared by the tests: 24 weak clips, a coarse front end and a tiny CRNN, so that a few
// epochs take seconds on the wasm backend.
const tmp = mkdtempSync(join(tmpdir(), 'sed-train-'));
const base = {
  data: { layout: 'dcase2019', root: join(tmp, 'synth') },
  features: { n_fft: 512, win_length: 512, hop_length: 640, n_mels: 16, f_max: 8000 },
  net: {
    conv: [
      { filters: 4, kernel: [3, 3], pool: [2, 4] },
      { filters: 8, kernel: [3, 3], pool: [2, 4] },
    ],
    rnn: { type: 'bigru', units: 8, layers: 1 },
  },
  pooling: { head: 'power', n_init: 1, lambda: 0.001, lr: 0.05, warmup_epochs: 0 },
  train: { epochs: 3, batch_size: 8, lr: 0.01, seed: 3, backend: 'wasm', select_metric: 'clip_f1_macro' },
};
const config = (patch: Record<string, unknown> = {}): SedConfig => resolveConfig(structuredClone({ ...base, ...patch }));
const featuresDir = join(tmp, 'features');
let prepared: Promise<void> | null = null;
function prepare() {
  prepared ??= (async () => {
    await synthesizeDataset({ layout: 'dcase2019', outDir: join(tmp, 'synth'), clips: 24, seed: 5, validationClips: 6, unlabeledClips: 0, syntheticStrongClips: 0 });
    const c = config();
    await runFeatures(c.data, c.features, { out: featuresDir }, silentLogger, { jobs: 1 });
  })();
  return prepared;
}

const readMetrics = (run: string) =>
  readFileSync(join(run, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

test('power pooling trains: loss falls, n_c moves, the run folder has every file', async () => {
  await prepare();
  const out = join(tmp, 'run-power');
  const summary = await runTrain(config(), { features: featuresDir, out }, silentLogger);
  assert.equal(summary.epochs, 3);
  const lines = readMetrics(out);
  assert.equal(lines.length, 3);
  assert.ok(lines[2].train.loss < lines[0].train.loss, `loss ${lines.map((l) => l.train.loss)}`);
  const nc = JSON.parse(readFileSync(join(out, 'n_c.json'), 'utf8'));
  assert.equal(nc.pooling, 'power');
  assert.equal(nc.epoch, 3);
  const values = Object.values(nc.n_c) as number[];
  assert.equal(values.length, 10);
  assert.ok(values.every((v) => v >= 0), 'n_c stays >= 0 (projection)');
  assert.ok(values.some((v) => Math.abs(v - 1) > 1e-3), `n_c moved from 1: ${values}`);
  for (const file of ['config.yaml', 'summary.json', 'best/model.json', 'best/weights.bin', 'best/state.json', 'best/n_c.json', 'checkpoints/last/model.json', 'checkpoints/last/optimizer-main.bin'])
    assert.ok(existsSync(join(out, file)), file);
  // metrics.jsonl carries every n_c per epoch
  assert.deepEqual(Object.keys(lines[0].per_class.values).length, 10);
});

test('an interrupted run resumed with --resume ends exactly like an uninterrupted one', async () => {
  await prepare();
  const straight = join(tmp, 'run-straight');
  const resumed = join(tmp, 'run-resumed');
  const c = config({ train: { ...base.train, epochs: 2 } });
  await runTrain(c, { features: featuresDir, out: straight }, silentLogger);
  // abort after the 4th step: mid-way through epoch 2 (3 steps per epoch)
  let reads = 0;
  const signal = { get aborted() { return ++reads >= 4; } } as AbortSignal;
  const first = await runTrain(c, { features: featuresDir, out: resumed }, silentLogger, { signal });
  assert.equal(first.interrupted, true);
  const state = JSON.parse(readFileSync(join(resumed, 'checkpoints/last/state.json'), 'utf8'));
  assert.deepEqual([state.epoch, state.batch_in_epoch], [1, 1]);
  await runTrain(c, { features: featuresDir, out: resumed }, silentLogger, { resume: true });
  const a = readMetrics(straight);
  const b = readMetrics(resumed);
  assert.equal(b.length, 2);
  for (let i = 0; i < 2; i++) {
    assert.equal(b[i].train.loss, a[i].train.loss, `epoch ${i + 1} train loss`);
    assert.equal(b[i].val.loss, a[i].val.loss, `epoch ${i + 1} val loss`);
    assert.deepEqual(b[i].per_class, a[i].per_class);
  }
  assert.deepEqual(readFileSync(join(resumed, 'checkpoints/last/weights.bin')), readFileSync(join(straight, 'checkpoints/last/weights.bin')));
});

test('one-line errors: unknown key, missing features, class list mismatch, existing run without --resume', async () => {
  await prepare();
  assert.throws(() => config({ train: { ...base.train, epoch: 3 } }), (e: unknown) => e instanceof ConfigError && e.keyPath === 'train.epoch');
  await assert.rejects(runTrain(config(), { features: join(tmp, 'nowhere'), out: join(tmp, 'r1') }, silentLogger), (e: unknown) => e instanceof DataError && /features\.json: no feature store/.test(e.message));
  const wrongClasses = config({ data: { ...base.data, classes: ['click', 'knock'] } });
  await assert.rejects(runTrain(wrongClasses, { features: featuresDir, out: join(tmp, 'r2') }, silentLogger), (e: unknown) => e instanceof DataError && /class list does not match/.test(e.message));
  await assert.rejects(runTrain(config(), { features: featuresDir, out: join(tmp, 'run-power') }, silentLogger), /already holds a run: pass --resume/);
  const otherFeatures = config({ features: { ...base.features, n_mels: 24 } });
  // the message names the differing setting and both values, not two hashes
  await assert.rejects(
    runTrain(otherFeatures, { features: featuresDir, out: join(tmp, 'r3') }, silentLogger),
    (e: unknown) => e instanceof ConfigError && e.keyPath === 'features.n_mels' && e.message.startsWith('features.n_mels: store 16, config 24: the feature store ') && !/\(also/.test(e.message),
  );
});

test('pooling.unfreeze_f1 keeps a class n_c at its initial value until the class is learned on the training clips', async () => {
  await prepare();
  const out = join(tmp, 'run-gated');
  await runTrain(config({ pooling: { ...base.pooling, unfreeze_f1: 0.2 } }), { features: featuresDir, out }, silentLogger);
  const lines = readMetrics(out);
  let frozenSeen = 0;
  let movedSeen = 0;
  for (let e = 0; e < lines.length; e++) {
    // during epoch e the free classes are those listed after epoch e − 1 (none before the first epoch)
    const free = new Set<string>(e === 0 ? [] : lines[e - 1].pooling_unfrozen);
    for (const [cls, n] of Object.entries(lines[e].per_class.values) as [string, number][]) {
      if (!free.has(cls)) {
        assert.equal(n, e === 0 ? 1 : lines[e - 1].per_class.values[cls], `${cls} frozen in epoch ${e + 1}`);
        frozenSeen++;
      } else if (n !== lines[e - 1].per_class.values[cls]) movedSeen++;
    }
    // a class becomes free only when its epoch's training clip F1 reaches the threshold, and stays free
    if (e > 0) for (const cls of lines[e - 1].pooling_unfrozen) assert.ok(lines[e].pooling_unfrozen.includes(cls));
  }
  assert.ok(frozenSeen > 0, 'some class stayed frozen for an epoch');
  assert.ok(movedSeen > 0, 'free classes move');
});
