/**
 * `--resume` compares every config key (src/train/resume-check.ts). Regression: only the first difference was
 * looked at, and train.epochs was skipped wherever it came in the walk, so `--resume --epochs 10 --set train.lr=0.5`
 * was accepted (epochs came first), and so was a changed batch size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configToYaml, resolveConfig } from '../src/config/load.ts';
import { ConfigError } from '../src/errors.ts';
import { checkResumeConfig, configDifferences } from '../src/train/resume-check.ts';

const saved = resolveConfig({ train: { epochs: 5, lr: 0.001, batch_size: 16 } });
const run = mkdtempSync(join(tmpdir(), 'sed-resume-check-'));
writeFileSync(join(run, 'config.yaml'), configToYaml(saved));
const given = (over: Record<string, unknown>) => resolveConfig({ ...over });

test('the same config, or only more epochs: accepted', () => {
  assert.doesNotThrow(() => checkResumeConfig(run, saved));
  assert.doesNotThrow(() => checkResumeConfig(run, given({ train: { epochs: 10, lr: 0.001, batch_size: 16 } })));
});

test('regression: more epochs AND another learning rate is refused, naming train.lr with both values', () => {
  assert.throws(
    () => checkResumeConfig(run, given({ train: { epochs: 10, lr: 0.5, batch_size: 16 } })),
    (e: unknown) => e instanceof ConfigError && e.keyPath === 'train.lr' && /train\.lr \(run: 0\.001, now: 0\.5\)/.test(e.message) && !/train\.epochs \(/.test(e.message),
  );
});

test('regression: every differing key is named (batch size, pooling, a conv block), not only the first', () => {
  const other = resolveConfig({ train: { epochs: 5, lr: 0.001, batch_size: 8 }, pooling: { lambda: 0.01 } });
  other.net.conv[1] = { ...other.net.conv[1], filters: 99 };
  assert.throws(
    () => checkResumeConfig(run, other),
    (e: unknown) =>
      e instanceof ConfigError &&
      /net\.conv\.1\.filters \(run: 16, now: 99\)/.test(e.message) &&
      /pooling\.lambda \(run: 0\.001, now: 0\.01\)/.test(e.message) &&
      /train\.batch_size \(run: 16, now: 8\)/.test(e.message),
  );
});

test('fewer epochs than the run has is refused too (only upwards)', () => {
  assert.throws(() => checkResumeConfig(run, given({ train: { epochs: 3, lr: 0.001, batch_size: 16 } })), (e: unknown) => e instanceof ConfigError && e.keyPath === 'train.epochs');
});

test('configDifferences walks objects and arrays to the leaves', () => {
  assert.deepEqual(configDifferences({ a: 1, b: { c: [1, 2] } }, { a: 1, b: { c: [1, 3], d: true } }), [
    { keyPath: 'b.c.1', saved: 2, given: 3 },
    { keyPath: 'b.d', saved: undefined, given: true },
  ]);
});
