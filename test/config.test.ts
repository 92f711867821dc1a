import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, featureSettingsHash, loadConfig, resolveConfig } from '../src/config/load.ts';
import { ConfigError } from '../src/errors.ts';

const tmp = mkdtempSync(join(tmpdir(), 'sed-config-'));
const write = (name: string, text: string) => {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
};

function expectConfigError(fn: () => unknown, keyPath: string, pattern: RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    assert.equal(err.keyPath, keyPath);
    assert.match(err.message, pattern);
    assert.ok(!err.message.includes('\n'), 'one line');
    return true;
  });
}

test('defaults fill every key', () => {
  const c = resolveConfig({});
  assert.equal(c.features.sample_rate, 16000);
  assert.equal(c.pooling.head, 'power');
  assert.deepEqual(c.features.log, { type: 'db', amin: 1e-5, top_db: null });
  assert.equal(c.net.conv.length, 3);
});

test('unknown keys are rejected with their key path and a suggestion', () => {
  expectConfigError(() => resolveConfig({ train: { epoch: 3 } }), 'train.epoch', /unknown key \(did you mean 'epochs'\?\)/);
  expectConfigError(() => resolveConfig({ trian: {} }), 'trian', /did you mean 'train'/);
  expectConfigError(() => resolveConfig({ net: { conv: [{ filters: 4, kernal: [3, 3] }] } }), 'net.conv[0].kernal', /unknown key/);
});

test('values out of range name the key and the value given', () => {
  expectConfigError(() => resolveConfig({ features: { n_fft: 'big' } }), 'features.n_fft', /expected a number, got string "big"/);
  expectConfigError(() => resolveConfig({ train: { epochs: 0 } }), 'train.epochs', /must be >= 1 \(0 given\)/);
  expectConfigError(() => resolveConfig({ pooling: { head: 'maxx' } }), 'pooling.head', /expected one of max, average/);
  expectConfigError(() => resolveConfig({ postprocess: { threshold: { Dog: 1.5 } } }), 'postprocess.threshold.Dog', /\[0, 1\]/);
  expectConfigError(() => resolveConfig({ features: { log: { type: 'ln', amin: 1 } } }), 'features.log.amin', /unknown key/);
});

test('cross-key checks', () => {
  expectConfigError(() => resolveConfig({ features: { n_fft: 512, win_length: 1024 } }), 'features.win_length', /<= n_fft/);
  expectConfigError(() => resolveConfig({ features: { sample_rate: 8000, f_max: 8000 } }), 'features.f_max', /sample_rate\/2 = 4000/);
});

test('overrides from the command line win over the file and are validated', () => {
  const file = write('a.yaml', 'train:\n  epochs: 5\npooling:\n  head: max\n');
  const c = loadConfig(file, [
    { keyPath: 'train.epochs', value: '7', source: '--epochs' },
    { keyPath: 'pooling.head', value: 'average', source: '--pooling' },
  ]);
  assert.equal(c.train.epochs, 7);
  assert.equal(c.pooling.head, 'average');
  expectConfigError(() => loadConfig(file, [{ keyPath: 'train.epochs', value: '-1', source: '--epochs' }]), 'train.epochs', />= 1/);
});

test('YAML syntax errors and missing files name the file', () => {
  const bad = write('bad.yaml', 'train:\n  epochs: [1,\n');
  assert.throws(() => loadConfig(bad), (e: unknown) => e instanceof ConfigError && e.message.startsWith(bad));
  assert.throws(() => loadConfig(join(tmp, 'nope.yaml')), (e: unknown) => e instanceof ConfigError && /cannot read config: ENOENT/.test(e.message));
});

test('feature hash depends on nested settings and not on key order', () => {
  const a = resolveConfig({}).features;
  const b = resolveConfig({ features: { log: { type: 'db', amin: 1e-4 } } }).features;
  assert.notEqual(featureSettingsHash(a), featureSettingsHash(b));
  assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), '{"a":{"c":3,"d":2},"b":1}');
  const reordered = Object.fromEntries(Object.entries(a).reverse()) as typeof a;
  assert.equal(featureSettingsHash(reordered), featureSettingsHash(a));
});

test('zod schema errors keep our one-line form: file, key path, message', () => {
  const file = write('typo.yaml', 'train:\n  epoch: 3\n');
  assert.throws(() => loadConfig(file), (e: unknown) => e instanceof ConfigError && e.message === `${file}: train.epoch: unknown key (did you mean 'epochs'?)`);
  expectConfigError(() => resolveConfig({ train: { mean_teacher: { ema_decy: 0.9 } } }), 'train.mean_teacher.ema_decy', /^train\.mean_teacher\.ema_decy: unknown key \(did you mean 'ema_decay'\?\)$/);
  expectConfigError(() => resolveConfig({ train: { zzzzzz: 1 } }), 'train.zzzzzz', /unknown key; known keys: epochs, batch_size, lr,/);
  expectConfigError(() => resolveConfig({ train: { seed: 1.5 } }), 'train.seed', /^train\.seed: expected an integer, got 1\.5$/);
  expectConfigError(() => resolveConfig({ pooling: { lr: 0 } }), 'pooling.lr', /^pooling\.lr: must be > 0 \(0 given\)$/);
  expectConfigError(() => resolveConfig({ net: { conv: [] } }), 'net.conv', /needs at least 1 item\(s\)/);
  expectConfigError(() => resolveConfig({ net: { conv: [{ kernel: [3] }] } }), 'net.conv[0].kernel', /expected a list of two values, got a list of 1$/);
  expectConfigError(() => resolveConfig({ features: { log: { type: 'ln', amin: 1 } } }), 'features.log.amin', /unknown key; known keys: type, eps$/);
  expectConfigError(() => resolveConfig({ features: { log: { type: 'xx' } } }), 'features.log.type', /expected one of db, ln, got string "xx"/);
  expectConfigError(() => resolveConfig({ features: { power: 3 } }), 'features.power', /expected one of 1, 2, got number 3/);
  expectConfigError(() => resolveConfig({ train: { mean_teacher: { enabled: 1 } } }), 'train.mean_teacher.enabled', /expected true or false, got number 1/);
  expectConfigError(() => resolveConfig({ data: null }), 'data', /expected a mapping, got null/);
  expectConfigError(() => resolveConfig(5), '(top level)', /expected a mapping, got number 5/);
  expectConfigError(() => resolveConfig({ postprocess: { threshold: 'x' } }), 'postprocess.threshold', /expected a number or a mapping/);
});

test('defaults of a nested section fill in when only part of it is given, in schema key order', () => {
  const c = resolveConfig({ eval: { psds: { dtc: 0.5 } }, net: { conv: [{ filters: 4 }] } });
  assert.deepEqual(c.eval.psds, { dtc: 0.5, gtc: 0.7, cttc: 0.3, alpha_ct: 0, alpha_st: 1, max_efpr: 100, n_thresholds: 50 });
  assert.deepEqual(Object.keys(c.net.conv[0]!), ['filters', 'kernel', 'batch_norm', 'activation', 'pool', 'dropout']);
  assert.deepEqual(c.net.conv[0], { filters: 4, kernel: [3, 3], batch_norm: true, activation: 'relu', pool: [1, 1], dropout: 0 });
  // defaults are fresh copies: changing one resolved config does not leak into the next
  const a = resolveConfig({});
  a.net.conv[0]!.kernel[0] = 99;
  a.reproduce.heads.push('max');
  assert.equal(resolveConfig({}).net.conv[0]!.kernel[0], 3);
  assert.deepEqual(resolveConfig({}).reproduce.heads, ['power', 'linear_softmax']);
});
