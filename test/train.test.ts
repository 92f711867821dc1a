import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { stringify as yamlStringify } from 'yaml';
import { main } from '../src/cli/main.ts';
import { resolveConfig } from '../src/config/load.ts';
import type { SedConfig } from '../src/config/types.ts';
import { runFeatures } from '../src/features/run-features.ts';
import { synthesizeDataset } from '../src/synth/synthesize.ts';
import { runTrain } from '../src/train/train.ts';
import { runEval } from '../src/infer/run-eval.ts';
import { ConfigError, DataError, UsageError } from '../src/errors.ts';
import { createLogger, silentLogger } from '../src/util/log.ts';

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

/**
 * A logger that aborts `controller` once the progress of `epoch` (1-based) reports `step` steps done; needs
 * train.log_every = 1 so that every step logs a line. Also keeps every line for assertions.
 */
function abortAt(epoch: number, step: number) {
  const controller = new AbortController();
  const lines: string[] = [];
  const log = createLogger({
    format: 'json',
    write: (line) => {
      lines.push(line);
      const record = JSON.parse(line);
      if (new RegExp(`^epoch ${epoch}/`).test(record.msg) && typeof record.done === 'string' && record.done.startsWith(`${step}/`)) controller.abort();
    },
  });
  return { signal: controller.signal, log, lines };
}

test('an interrupted run resumed with --resume ends exactly like an uninterrupted one (abort mid-epoch and at its last step)', async () => {
  await prepare();
  const c = config({ train: { ...base.train, epochs: 2, log_every: 1 } });
  const straight = join(tmp, 'run-straight');
  await runTrain(c, { features: featuresDir, out: straight }, silentLogger);
  const a = readMetrics(straight);
  // 24 clips, batch 8: 3 steps per epoch. Stop after step 1 of epoch 2, and after step 3 (the last) of epoch 1:
  // the run stops right after that step, before validation, and resumes where it stopped.
  for (const [epoch, step] of [[2, 1], [1, 3]]) {
    const resumed = join(tmp, `run-resumed-${epoch}-${step}`);
    const stop = abortAt(epoch, step);
    const first = await runTrain(c, { features: featuresDir, out: resumed }, stop.log, { signal: stop.signal });
    assert.equal(first.interrupted, true);
    assert.equal(first.steps, (epoch - 1) * 3 + step, 'no step after the abort');
    const state = JSON.parse(readFileSync(join(resumed, 'checkpoints/last/state.json'), 'utf8'));
    assert.deepEqual([state.epoch, state.batch_in_epoch], [epoch - 1, step]);
    const metricsFile = join(resumed, 'metrics.jsonl');
    assert.equal(existsSync(metricsFile) ? readMetrics(resumed).length : 0, epoch - 1, 'no validation after the abort');
    // What a second Ctrl-C (immediate kill) can leave: a temporary checkpoint folder and file of an unfinished write,
    // and a metrics line cut short. None of it may change the resumed run.
    mkdirSync(join(resumed, 'checkpoints', 'last.0badf00d.tmp'));
    writeFileSync(join(resumed, 'checkpoints', 'last.0badf00d.tmp', 'weights.bin'), 'partial');
    writeFileSync(join(resumed, 'n_c.json.123.deadbeef.tmp'), 'partial');
    appendFileSync(join(resumed, 'metrics.jsonl'), '{"epoch": 9, "tr');
    const resumeLog = abortAt(99, 99);
    await runTrain(c, { features: featuresDir, out: resumed }, resumeLog.log, { resume: true });
    const resumeLine = resumeLog.lines.map((l) => JSON.parse(l).msg).find((m: string) => m.startsWith('resuming from'));
    // epochs and steps counted from 1, as the progress display counts them
    assert.equal(resumeLine, epoch === 2 ? `resuming from ${join(resumed, 'checkpoints', 'last')}: epoch 2/2 from step 2/3 (1 epoch and 1 step done)` : `resuming from ${join(resumed, 'checkpoints', 'last')}: epoch 1/2 has all its 3 steps done: validating it`);
    assert.deepEqual(readdirSync(join(resumed, 'checkpoints')).sort(), ['last'], 'temporaries removed');
    assert.ok(!existsSync(join(resumed, 'n_c.json.123.deadbeef.tmp')));
    const b = readMetrics(resumed);
    assert.equal(b.length, 2);
    for (let i = 0; i < 2; i++) {
      assert.equal(b[i].train.loss, a[i].train.loss, `epoch ${i + 1} train loss`);
      assert.equal(b[i].val.loss, a[i].val.loss, `epoch ${i + 1} val loss`);
      assert.deepEqual(b[i].per_class, a[i].per_class);
    }
    assert.deepEqual(readFileSync(join(resumed, 'checkpoints/last/weights.bin')), readFileSync(join(straight, 'checkpoints/last/weights.bin')));
  }
});

test('a run folder without a checkpoint is a fresh start, with or without --resume, and the log says so', async () => {
  await prepare();
  const c = config({ train: { ...base.train, epochs: 1 } });
  const straight = join(tmp, 'run-fresh-reference');
  await runTrain(c, { features: featuresDir, out: straight }, silentLogger);
  for (const resume of [false, true]) {
    // what an interrupted first epoch used to leave: config.yaml, feature_stats.json, an empty metrics.jsonl
    const out = join(tmp, `run-leftovers-${resume}`);
    mkdirSync(out);
    for (const name of ['config.yaml', 'feature_stats.json']) writeFileSync(join(out, name), readFileSync(join(straight, name), 'utf8'));
    writeFileSync(join(out, 'metrics.jsonl'), '');
    const log = abortAt(99, 99);
    const summary = await runTrain(c, { features: featuresDir, out }, log.log, { resume });
    assert.equal(summary.epochs, 1);
    const messages = log.lines.map((l) => JSON.parse(l).msg);
    assert.ok(messages.includes(`${out} has no checkpoint (config.yaml, feature_stats.json, metrics.jsonl from an unfinished start): starting a fresh run there`), messages.join('\n'));
    assert.deepEqual(readMetrics(out).map((m) => m.train.loss), readMetrics(straight).map((m) => m.train.loss));
  }
  // --resume into a folder that does not exist yet: a fresh start too
  const log = abortAt(99, 99);
  const out = join(tmp, 'run-resume-new');
  await runTrain(c, { features: featuresDir, out }, log.log, { resume: true });
  assert.ok(log.lines.some((l) => JSON.parse(l).msg === `nothing to resume in ${out} (no checkpoint): starting a fresh run`));
});

test('the warm-up: a warning when it covers every epoch, and the epoch log says when n_c starts to learn', async () => {
  await prepare();
  const covered = abortAt(99, 99);
  await runTrain(config({ train: { ...base.train, epochs: 1 }, pooling: { ...base.pooling, warmup_epochs: 2 } }), { features: featuresDir, out: join(tmp, 'run-warm-covered') }, covered.log);
  const warnings = covered.lines.map((l) => JSON.parse(l)).filter((r) => r.level === 40).map((r) => r.msg);
  assert.deepEqual(warnings, ['pooling.warmup_epochs (2) ≥ train.epochs (1): n_c stays at pooling.n_init = 1 for the whole run (power pooling with n = 1 is linear softmax); lower the warm-up, e.g. --set pooling.warmup_epochs=0']);
  const partial = abortAt(99, 99);
  await runTrain(config({ train: { ...base.train, epochs: 2 }, pooling: { ...base.pooling, warmup_epochs: 1 } }), { features: featuresDir, out: join(tmp, 'run-warm-partial') }, partial.log);
  const records = partial.lines.map((l) => JSON.parse(l));
  const messages = records.map((r) => r.msg);
  assert.ok(!records.some((r) => r.level >= 40), 'no warning when the warm-up ends before the last epoch');
  const frozen = messages.indexOf('n_c frozen at its initial value for epochs 1–1 (pooling.warmup_epochs), learning from epoch 2');
  const starts = messages.indexOf('n_c starts to learn in this epoch (2)');
  // the end-of-epoch line (it has the losses; progress lines have the same label)
  const epoch1 = records.findIndex((r) => /^epoch 1\/2/.test(r.msg) && r.loss !== undefined);
  assert.ok(frozen >= 0 && starts > epoch1 && epoch1 > frozen, messages.join('\n'));
  // the epoch line names each class's n_c, rounded to 3 decimals
  const epochRecord = records.find((r) => /^epoch 2\/2/.test(r.msg) && r.loss !== undefined);
  const perClass = readMetrics(join(tmp, 'run-warm-partial'))[1].per_class.values;
  assert.deepEqual(Object.keys(epochRecord.n_c), Object.keys(perClass));
  for (const [cls, v] of Object.entries(epochRecord.n_c) as [string, number][]) {
    assert.ok(Math.abs(v - perClass[cls]) <= 0.0005 + 1e-12, cls);
    assert.ok(/^-?\d+(\.\d{1,3})?$/.test(String(v)), `${cls}: ${v}`);
  }
});

test('one-line errors: unknown key, missing features, class list mismatch, existing run without --resume', async () => {
  await prepare();
  assert.throws(() => config({ train: { ...base.train, epoch: 3 } }), (e: unknown) => e instanceof ConfigError && e.keyPath === 'train.epoch');
  await assert.rejects(runTrain(config(), { features: join(tmp, 'nowhere'), out: join(tmp, 'r1') }, silentLogger), (e: unknown) => e instanceof DataError && /features\.json: no feature store/.test(e.message));
  const wrongClasses = config({ data: { ...base.data, classes: ['click', 'knock'] } });
  await assert.rejects(runTrain(wrongClasses, { features: featuresDir, out: join(tmp, 'r2') }, silentLogger), (e: unknown) => e instanceof DataError && /class list does not match/.test(e.message));
  await assert.rejects(
    runTrain(config(), { features: featuresDir, out: join(tmp, 'run-power') }, silentLogger),
    (e: unknown) => e instanceof UsageError && e.message === `--out ${join(tmp, 'run-power')} already holds a run (checkpoint after epoch 3): pass --resume to continue it, or choose another --out`,
  );
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

/** Resolves when `child`'s stderr has printed a line matching `pattern`; collects everything it printed. */
function waitForLine(child: ChildProcess, pattern: RegExp, seen: { text: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      seen.text += chunk.toString();
      if (pattern.test(seen.text)) {
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`exited before printing ${pattern}:\n${seen.text}`)));
  });
}

const exitOf = (child: ChildProcess) => new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

function writeConfigFile(file: string, c: object) {
  writeFileSync(file, yamlStringify(c));
  return file;
}

test('Ctrl-C through main(): the first SIGINT stops after the current step, writes a checkpoint, exit 130', async () => {
  await prepare();
  const out = join(tmp, 'run-main-sigint');
  const cfg = writeConfigFile(join(tmp, 'main-sigint.yaml'), { ...base, train: { ...base.train, epochs: 2, log_every: 1 } });
  const before = new Set(process.listeners('SIGINT'));
  let stderr = '';
  let sent = false;
  const io = {
    stdout: () => {},
    stderr: (t: string) => {
      stderr += t;
      if (!sent && /epoch 1\/2 done=1\/3 steps/.test(t)) {
        sent = true;
        // only the listener `sed train` installed (not the test runner's, if it has one)
        for (const listener of process.listeners('SIGINT')) if (!before.has(listener)) (listener as () => void)();
      }
    },
  };
  const code = await main(['node', 'sed', 'train', '--config', cfg, '--features', featuresDir, '--out', out], io);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /warn: interrupted: finishing the current step and writing a checkpoint, then exiting with 130 \(Ctrl-C again to stop at once/);
  const state = JSON.parse(readFileSync(join(out, 'checkpoints/last/state.json'), 'utf8'));
  assert.deepEqual([state.epoch, state.batch_in_epoch, state.step], [0, 1, 1]);
  assert.deepEqual(process.listeners('SIGINT'), [...before], 'the listener is gone after the command');
});

test('Ctrl-C on a real process: SIGINT → checkpoint and exit 130; a second SIGINT ends a busy process at once', async () => {
  await prepare();
  const out = join(tmp, 'run-child-sigint');
  const cfg = writeConfigFile(join(tmp, 'child-sigint.yaml'), { ...base, train: { ...base.train, epochs: 2, log_every: 1 } });
  const bin = new URL('../bin/sed.js', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, 'train', '--config', cfg, '--features', featuresDir, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  const seen = { text: '' };
  const exited = exitOf(child);
  await waitForLine(child, /epoch 1\/2 done=1\/3 steps/, seen);
  const sentMs = Date.now();
  child.kill('SIGINT');
  child.stderr!.on('data', (chunk: Buffer) => void (seen.text += chunk.toString()));
  const { code } = await exited;
  assert.equal(code, 130, seen.text);
  assert.ok(Date.now() - sentMs < 10_000, `exit ${Date.now() - sentMs} ms after the signal`);
  const state = JSON.parse(readFileSync(join(out, 'checkpoints/last/state.json'), 'utf8'));
  // stopped in epoch 1 after the step during which the signal came (steps are ~10 ms here: one or two)
  assert.equal(state.epoch, 0, seen.text);
  assert.ok(state.batch_in_epoch >= 1 && state.batch_in_epoch < 3, `stopped after step ${state.batch_in_epoch}`);
  assert.match(seen.text, /interrupted: checkpoint written to .*; continue with --resume/);

  // the second Ctrl-C: the listener removed itself, so the default action ends even a process whose event loop is
  // busy (a long step), well within a second
  const busy = spawn(process.execPath, ['--import', 'tsx', new URL('./helpers/sigint-child.ts', import.meta.url).pathname], { stdio: ['ignore', 'ignore', 'pipe'] });
  const busySeen = { text: '' };
  const busyExit = exitOf(busy);
  await waitForLine(busy, /^ready$/m, busySeen);
  busy.kill('SIGINT');
  await waitForLine(busy, /^busy$/m, busySeen);
  const secondMs = Date.now();
  busy.kill('SIGINT');
  const second = await busyExit;
  const ms = Date.now() - secondMs;
  assert.deepEqual(second, { code: null, signal: 'SIGINT' }, busySeen.text);
  assert.ok(ms < 1000, `ended ${ms} ms after the second SIGINT`);
  assert.match(busySeen.text, /interrupted: finishing the current step, then exiting with 130 \(Ctrl-C again to stop at once/);
});

/** Spearman's ρ in float64 written for this test: Pearson correlation of average ranks. */
function spearmanReference(x: number[], y: number[]): number {
  const rank = (v: number[]) => v.map((a) => v.filter((b) => b < a).length + (v.filter((b) => b === a).length + 1) / 2);
  const rx = rank(x);
  const ry = rank(y);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const mx = mean(rx);
  const my = mean(ry);
  const cov = rx.reduce((a, r, i) => a + (r - mx) * (ry[i] - my), 0);
  return cov / Math.sqrt(rx.reduce((a, r) => a + (r - mx) ** 2, 0) * ry.reduce((a, r) => a + (r - my) ** 2, 0));
}

test('eval with postprocess.median_candidates: each class gets the window that scores best on validation, and keeps its F1 from that window on the reported subset', async () => {
  await prepare();
  const run = join(tmp, 'run-power'); // trained by the first test
  const candidates = [1, 3, 5];
  const subsets = (JSON.parse(readFileSync(join(featuresDir, 'features.json'), 'utf8')) as { subsets: { name: string; role: string }[] }).subsets;
  const validation = subsets.find((s) => s.role === 'validation')!.name;
  const reported = subsets.find((s) => s.role === 'test')!.name;
  // independently: one fixed window at a time, on both subsets, through the CLI
  type ClassWise = Record<string, { f1: number | null }>;
  const fixed = async (subset: string, w: number): Promise<ClassWise> => {
    const out = join(tmp, `median-${subset}-${w}`);
    const code = await main(['node', 'sed', 'eval', '--run', run, '--features', featuresDir, '--out', out, '--subset', subset, '--median', `${w}f`, '--threshold', '0.46', '--backend', 'wasm'], { stdout: () => {}, stderr: () => {} });
    assert.equal(code, 0);
    return JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).event_based.class_wise;
  };
  const onValidation = await Promise.all(candidates.map((w) => fixed(validation, w)));
  const onReported = await Promise.all(candidates.map((w) => fixed(reported, w)));
  const out = join(tmp, 'eval-tuned');
  await runEval({ run, features: featuresDir, out }, silentLogger, { subset: reported, backend: 'wasm', overrides: [
      { keyPath: 'postprocess.median_candidates', value: candidates, source: 'test' },
      { keyPath: 'postprocess.threshold', value: 0.46, source: 'test' }, // the tiny net's frame probabilities sit near 0.45: some events match
    ],
  });
  const chosen = JSON.parse(readFileSync(join(out, 'median_windows.json'), 'utf8')) as { chosen_on: string; windows_frames: Record<string, number> };
  assert.equal(chosen.chosen_on, validation);
  const tuned = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).event_based.class_wise as ClassWise;
  const defaultWindow = resolveConfig({}).postprocess.median_window; // the run's config keeps the default 5
  for (const c of Object.keys(tuned)) {
    const scores = onValidation.map((m) => m[c]?.f1 ?? -1);
    const best = Math.max(...scores);
    const tied = candidates.filter((_, k) => scores[k] === best);
    const expected = tied.includes(defaultWindow) ? defaultWindow : Math.min(...tied);
    assert.equal(chosen.windows_frames[c], expected, c);
    assert.equal(tuned[c].f1, onReported[candidates.indexOf(expected)][c].f1, c);
  }
  assert.ok(Object.values(chosen.windows_frames).some((w) => w !== defaultWindow), 'some class leaves the default window (else this test shows nothing)');
  assert.match(readFileSync(join(out, 'report.md'), 'utf8'), new RegExp(`- median filter per class, chosen among postprocess.median_candidates by event F1 on \`${validation}\``));
});

test('sed eval through main(): --median with a unit, and report.md says what it measured', async () => {
  await prepare();
  const run = join(tmp, 'run-power'); // trained by the first test
  const out = join(tmp, 'eval-power');
  let stderr = '';
  const code = await main(['node', 'sed', 'eval', '--run', run, '--features', featuresDir, '--out', out, '--median', '0.5s', '--backend', 'wasm'], {
    stdout: () => {},
    stderr: (t) => void (stderr += t),
  });
  assert.equal(code, 0, stderr);
  const report = readFileSync(join(out, 'report.md'), 'utf8');
  const best = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')).best_epoch;
  assert.ok(report.includes(`Checkpoint \`${join(run, 'best')}\``), report);
  assert.ok(report.includes(`- checkpoint written after epoch ${best} of 3`), report);
  assert.ok(report.includes('- decision threshold: 0.5 for every class'), report);
  // hop 640 samples at 16 kHz = 40 ms, two time-pools of 2 → 160 ms output frames; 0.5 s / 0.16 s = 3.125 → 3 (odd)
  assert.ok(report.includes('- median filter: 0.5 s (postprocess.median_window) → 3 output frames of 0.16 s = 0.48 s'), report);
  assert.ok(report.includes('- event-based: onset collar 0.2 s, offset collar max(0.2 s, 0.2 × reference length)'), report);
  assert.ok(report.includes('- segment-based: 1 s segments'), report);
  assert.ok(report.includes('"–" is a value that is undefined, not zero'), report);
  // n_c beside each class's mean duration (classes.json of the synthetic set), ρ checked against a float64 reference
  const durations = new Map((JSON.parse(readFileSync(join(tmp, 'synth', 'classes.json'), 'utf8')).classes as { name: string; mean_duration_sec: number }[]).map((c) => [c.name, c.mean_duration_sec]));
  const nC = JSON.parse(readFileSync(join(run, 'best', 'n_c.json'), 'utf8')).n_c as Record<string, number>;
  const names = Object.keys(nC);
  for (const c of names) assert.ok(report.includes(`| ${c} | ${durations.get(c)!.toFixed(2)} | ${nC[c].toFixed(3)} |`), `${c}\n${report}`);
  const rho = spearmanReference(names.map((c) => nC[c]), names.map((c) => durations.get(c)!));
  assert.ok(report.includes(`Spearman ρ(n_c, mean event duration) = ${rho.toFixed(3)} over 10 classes`), `${rho}\n${report}`);
});
