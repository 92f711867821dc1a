/**
 * The command line as a user meets it, run in-process through `main()`: exit codes and their one-line messages,
 * `--version`, examples in `--help`, unit-carrying flag values. Exit codes (README): 0 ok, 1 finished with
 * failures (covered by test/features-stage.test.ts: a corrupt WAV), 2 usage or config, 70 bug, 130 interrupted
 * (test/train-interrupt.test.ts).
 */
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, reportError } from '../src/cli/main.ts';
import { resolveCommandConfig } from '../src/cli/context.ts';
import { loadConfig, resolveConfig } from '../src/config/load.ts';
import { parseDuration, parseProbability } from '../src/cli/units.ts';
import { DataError, ShapeError, UsageError } from '../src/errors.ts';

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'sed', ...args], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'sed-cli-'));
const missing = join(tmp, 'does-not-exist');
// A folder that passes the up-front checks of a feature store / run folder; nothing reads further in these cases.
const store = join(tmp, 'store');
mkdirSync(store);
writeFileSync(join(store, 'features.json'), '{}');
const runDir = join(tmp, 'run');
mkdirSync(runDir);
writeFileSync(join(runDir, 'config.yaml'), '{}\n');
const notARun = join(tmp, 'empty');
mkdirSync(notARun);
// A run folder holding a checkpoint after epoch 2 (state.json as sed writes it; no model needed for this check).
const heldRun = join(tmp, 'held');
mkdirSync(join(heldRun, 'checkpoints', 'last'), { recursive: true });
const state = { epoch: 2, batch_in_epoch: 0, step: 6, rng: [1, 2, 3, 4], best: null, optimizers: {}, epoch_sums: {}, unfrozen: null, clip_counts: [[], [], []], interrupted: false };
writeFileSync(join(heldRun, 'checkpoints', 'last', 'state.json'), JSON.stringify(state));
const tsv = join(tmp, 'est.tsv');
writeFileSync(tsv, 'filename\tonset\toffset\tevent_label\n');

describe('exit codes and messages through main()', () => {
  const cases: { name: string; args: string[]; code: number; message: RegExp }[] = [
    { name: 'eval: missing --run folder', args: ['eval', '--run', missing, '--features', store, '--out', join(tmp, 'r1')], code: 2, message: /--run .*does-not-exist: no such folder/ },
    { name: 'eval: --run folder that is not a run', args: ['eval', '--run', notARun, '--features', store, '--out', join(tmp, 'r2')], code: 2, message: /--run .*empty: not a run folder \(no config\.yaml/ },
    { name: 'eval: missing --features folder', args: ['eval', '--run', runDir, '--features', missing, '--out', join(tmp, 'r3')], code: 2, message: /--features .*does-not-exist: no such folder/ },
    { name: 'train: missing --features folder', args: ['train', '--features', missing, '--out', join(tmp, 'r4')], code: 2, message: /--features .*does-not-exist: no such folder/ },
    { name: 'train: --features folder that is not a store', args: ['train', '--features', notARun, '--out', join(tmp, 'r5')], code: 2, message: /--features .*empty: not a feature store/ },
    { name: 'train: missing --config file', args: ['train', '--config', join(tmp, 'nope.yaml'), '--features', store, '--out', join(tmp, 'r6')], code: 2, message: /--config .*nope\.yaml: no such file/ },
    { name: 'train: --out holds a run, no --resume', args: ['train', '--features', store, '--out', heldRun], code: 2, message: /--out .*held already holds a run \(checkpoint after epoch 2\): pass --resume to continue it, or choose another --out/ },
    { name: 'train: a flag value the schema refuses names the flag', args: ['train', '--features', store, '--out', join(tmp, 'r10'), '--epochs', '0'], code: 2, message: /^sed: error: --epochs: train\.epochs: / },
    { name: 'train: --set of an unknown key names the --set', args: ['train', '--features', store, '--out', join(tmp, 'r11'), '--set', 'train.epoch=3'], code: 2, message: /^sed: error: --set train\.epoch=3: train\.epoch: unknown key \(did you mean 'epochs'\?\)/ },
    { name: 'metrics: missing --reference file', args: ['metrics', '--reference', missing, '--estimate', tsv], code: 2, message: /--reference .*does-not-exist: no such file/ },
    { name: 'metrics: missing --estimate file', args: ['metrics', '--reference', tsv, '--estimate', missing], code: 2, message: /--estimate .*does-not-exist: no such file/ },
    { name: 'eval: --median without a unit and not whole', args: ['eval', '--run', runDir, '--features', store, '--out', join(tmp, 'r7'), '--median', '0.4'], code: 2, message: /'--median <window>' argument '0\.4' is invalid.*did you mean 0\.4s\?/ },
    { name: 'eval: --median with an unknown unit', args: ['eval', '--run', runDir, '--features', store, '--out', join(tmp, 'r8'), '--median', '3min'], code: 2, message: /'--median <window>' argument '3min' is invalid.*unknown unit 'min'/ },
    { name: 'eval: --threshold out of range', args: ['eval', '--run', runDir, '--features', store, '--out', join(tmp, 'r9'), '--threshold', '1.5'], code: 2, message: /'--threshold <p>' argument '1\.5' is invalid.*between 0 and 1/ },
    { name: 'unknown command', args: ['frobnicate'], code: 2, message: /unknown command 'frobnicate'/ },
    { name: 'missing required option', args: ['eval', '--run', runDir], code: 2, message: /required option '--out <dir>' not specified/ },
  ];
  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      const { code, stdout, stderr } = await run(...c.args);
      assert.equal(code, c.code, stderr);
      assert.match(stderr, c.message);
      assert.equal(stdout, '');
      // a usage error comes before any work: no backend line, one error line
      assert.doesNotMatch(stderr, /backend/);
      assert.equal(stderr.split('\n').filter((l) => /^(sed: )?error/.test(l)).length, 1, stderr);
    });
  }
});

test('the error boundary: SedErrors keep their code, anything unexpected is a bug (70)', () => {
  let stderr = '';
  const io = { stdout: () => {}, stderr: (t: string) => void (stderr += t) };
  assert.equal(reportError(new UsageError('--x: bad'), io), 2);
  assert.equal(reportError(new DataError('a.tsv', 'malformed row', 3), io), 2);
  assert.match(stderr, /^sed: error: --x: bad\nsed: error: a\.tsv:3: malformed row\n$/);
  stderr = '';
  assert.equal(reportError(new ShapeError('frame probabilities', '[10, 3]', '[10, 4]'), io), 70);
  assert.match(stderr, /^sed: internal error \(a bug, please report it\): frame probabilities: expected shape \[10, 3\], got \[10, 4\]\n$/);
  stderr = '';
  assert.equal(reportError(new TypeError('x is undefined'), io), 70);
  assert.match(stderr, /^sed: internal error \(a bug, please report it\): TypeError: x is undefined\n {4}at /);
});

test('--version prints the package version; --help shows npx examples for every command', async () => {
  const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
  const v = await run('--version');
  assert.equal(v.code, 0);
  assert.equal(v.stdout, `${version}\n`);
  const top = await run('--help');
  assert.equal(top.code, 0);
  assert.match(top.stdout, /`npx sed …`.*GNU sed/);
  for (const command of ['synth', 'features', 'train', 'eval', 'predict', 'metrics', 'bench', 'reproduce']) {
    const h = await run(command, '--help');
    assert.equal(h.code, 0, command);
    assert.match(h.stdout, new RegExp(`Examples:\\n {2}\\$ npx sed ${command}\\b`), command);
    assert.match(h.stdout, /^Usage: npx sed /, command);
  }
  // the duration flag says its unit
  assert.match((await run('eval', '--help')).stdout, /--median <window>\s+median filter window:\s+seconds\s+\(0\.4s,\s+400ms\)\s+or\s+output\s+frames\s+\(5f/);
});

test('durations: seconds and frames, explicit units, errors naming the flag', () => {
  // expected values written from the unit definitions: 400 ms = 0.4 s
  const ok: [string, number, 'seconds' | 'frames'][] = [
    ['0.4s', 0.4, 'seconds'],
    ['0.4 s', 0.4, 'seconds'],
    ['.5sec', 0.5, 'seconds'],
    ['2seconds', 2, 'seconds'],
    ['400ms', 0.4, 'seconds'],
    ['5f', 5, 'frames'],
    ['5frames', 5, 'frames'],
    ['1frame', 1, 'frames'],
    ['7', 7, 'frames'],
    ['1e1f', 10, 'frames'],
  ];
  for (const [text, value, unit] of ok) assert.deepEqual(parseDuration(text, '--median'), { value, unit }, text);
  const bad: [string, RegExp][] = [
    ['0.4', /^--median: a bare number counts frames, and 0\.4 is not a whole number; did you mean 0\.4s\?$/],
    ['2.5f', /^--median: a frame count must be a whole number/],
    ['0s', /^--median: must be > 0/],
    ['-1s', /^--median: must be > 0/],
    ['3min', /^--median: unknown unit 'min'/],
    ['s', /^--median: expected a duration such as 0\.4s or 5f, got 's'/],
    ['', /^--median: expected a duration/],
  ];
  for (const [text, message] of bad) assert.throws(() => parseDuration(text, '--median'), { message }, text);
  assert.equal(parseProbability('0.25', '--threshold'), 0.25);
  assert.equal(parseProbability('1', '--threshold'), 1);
  for (const text of ['-0.1', '1.01', 'abc', '', 'NaN']) assert.throws(() => parseProbability(text, '--threshold'), { message: /^--threshold: expected a probability between 0 and 1/ }, text);
});

test('no --config is configs/default.yaml, exactly (one source of defaults)', () => {
  const file = new URL('../configs/default.yaml', import.meta.url).pathname;
  const implicit = resolveCommandConfig({});
  assert.deepEqual(implicit, loadConfig(file));
  // the values the schema's own defaults differ in (issue 14): without this the first run and `--help` disagreed
  assert.notDeepEqual(implicit.pooling, resolveConfig({}).pooling);
  // an explicit --config still wins, and flags override either
  assert.equal(resolveCommandConfig({ epochs: 2 }, { epochs: 'train.epochs' }).train.epochs, 2);
});
