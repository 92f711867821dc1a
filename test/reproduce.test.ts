import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configToYaml, resolveConfig } from '../src/config/load.ts';
import { runReproduce, sameRunSettings } from '../src/reproduce/run-reproduce.ts';
import { silentLogger } from '../src/util/log.ts';
import { ConfigError } from '../src/errors.ts';

// A tiny end-to-end reproduction: synth into an empty folder, features, 2 heads × 1 seed, eval, reports.
// It checks the wiring and the report files, not the paper's claims (too little data and too few epochs).
test('reproduce runs every stage, writes the reports, and a second run only re-reports', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sed-repro-'));
  const config = resolveConfig({
    data: { layout: 'dcase2019', root: join(tmp, 'data') },
    features: { n_fft: 512, win_length: 512, hop_length: 640, n_mels: 16, f_max: 8000 },
    net: { conv: [{ filters: 4, kernel: [3, 3], pool: [2, 4] }, { filters: 4, kernel: [3, 3], pool: [2, 4] }], rnn: { type: 'bigru', units: 4, layers: 1 } },
    pooling: { lr: 0.05 },
    train: { epochs: 1, batch_size: 8, backend: 'wasm' },
    reproduce: { heads: ['power', 'linear_softmax'], seeds: [1], synth_clips: 8, short_max_sec: 0.5 },
  });
  const out = join(tmp, 'report');
  const first = await runReproduce(config, { out }, silentLogger);
  assert.equal(first.runs, 2);
  assert.equal(first.trained, 2);
  for (const file of ['results.md', 'results.json', 'n_c.md', 'n_c.json', 'n_c_vs_duration.svg', 'training_curves.svg', 'runs/power-seed1/n_c.json', 'eval/linear_softmax-seed1/eval_public/metrics.json'])
    assert.ok(existsSync(join(out, file)), file);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.deepEqual(results.results.map((r: { head: string }) => r.head), ['power', 'linear_softmax']);
  const nc = JSON.parse(readFileSync(join(out, 'n_c.json'), 'utf8'));
  assert.equal(nc.classes.length, 10);
  // the tables come from eval/public (held out), the checkpoints were selected on validation
  assert.deepEqual(results.reported_on, { subset: 'eval_public', clips: 2, held_out: true, selected_on: 'validation', short_classes: ['click', 'knock', 'chirp'], short_max_sec: 0.5 });
  assert.match(readFileSync(join(out, 'results.md'), 'utf8'), /^Reported on `eval_public` \(2 clips\), which neither training nor checkpoint selection saw/);
  const evalSummary = JSON.parse(readFileSync(join(out, 'eval/power-seed1/eval_public/metrics.json'), 'utf8'));
  for (const c of Object.keys(evalSummary.event_based.class_wise)) assert.ok(nc.classes.some((x: { class: string }) => x.class === c), c);
  assert.equal(Object.keys(results.per_class[0].event_f1).length, 10);
  // the run validated on validation only (2 clips), never on eval/public
  const epoch = JSON.parse(readFileSync(join(out, 'runs/power-seed1/metrics.jsonl'), 'utf8').trim().split('\n')[0]);
  assert.equal(Object.keys(epoch.val.clip_f1_per_class).length, 10);
  assert.equal(first.checks.length, 4);
  // data.root was mixed by this reproduction: other synth settings are refused, not silently given the old mix
  await assert.rejects(
    runReproduce({ ...config, reproduce: { ...config.reproduce, synth_seed: 2 } }, { out }, silentLogger),
    (e: Error) => e instanceof ConfigError && e.message.includes('synth_seed differ') && e.message.includes('reproduce-synth.json'),
  );
  const second = await runReproduce(config, { out }, silentLogger);
  assert.equal(second.trained, 0);
  assert.equal(second.reused, 2);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')), results);
  // regression: a reproduction with fewer heads (the reproduce section differs) reused nothing and retrained
  const third = await runReproduce({ ...config, reproduce: { ...config.reproduce, heads: ['power'] } }, { out }, silentLogger);
  assert.deepEqual([third.trained, third.reused], [0, 1]);
});

test('sameRunSettings: a run is the same whatever the reproduction around it; any training setting makes it another', () => {
  const config = resolveConfig({ pooling: { head: 'power' }, reproduce: { heads: ['power', 'linear_softmax'], seeds: [1, 2] } });
  const saved = configToYaml(config);
  assert.equal(sameRunSettings(saved, config), true);
  assert.equal(sameRunSettings(saved, { ...config, reproduce: { ...config.reproduce, heads: ['power', 'max'], seeds: [1, 2, 3] } }), true);
  assert.equal(sameRunSettings(saved, { ...config, train: { ...config.train, lr: config.train.lr * 2 } }), false);
  assert.equal(sameRunSettings(saved, { ...config, pooling: { ...config.pooling, head: 'linear_softmax' } }), false);
  // median windows to choose from act at eval only; the window used during training (checkpoint selection) counts
  assert.equal(sameRunSettings(saved, { ...config, postprocess: { ...config.postprocess, median_candidates: [1, 3, 5] } }), true);
  assert.equal(sameRunSettings(saved, { ...config, postprocess: { ...config.postprocess, median_window: 7 } }), false);
  // … unless checkpoints are selected with the windows chosen among them
  const tuned = { ...config, train: { ...config.train, select_metric: 'event_f1_macro_tuned' as const }, postprocess: { ...config.postprocess, median_candidates: [1, 3] } };
  assert.equal(sameRunSettings(configToYaml(tuned), { ...tuned, postprocess: { ...tuned.postprocess, median_candidates: [1, 3, 5] } }), false);
});
