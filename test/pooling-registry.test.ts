/**
 * The pooling registry is the one list of heads: every head file is registered, and the config schema, the CLI's
 * `--pooling` choices and the README table all follow it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildProgram } from '../src/cli/main.ts';
import { resolveConfig } from '../src/config/load.ts';
import { ConfigError } from '../src/errors.ts';
import { POOLING_HEADS, POOLING_NAMES, createPoolingHead, poolingHeadsTable } from '../src/model/pooling/registry.ts';

const poolingDir = fileURLToPath(new URL('../src/model/pooling/', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');

test('every head file under src/model/pooling exports an entry that is registered, names unique', async () => {
  const files = readdirSync(poolingDir).filter((f) => f.endsWith('-pooling.ts'));
  assert.ok(files.length >= 7, `found ${files.join(', ')}`);
  for (const file of files) {
    const mod = (await import(new URL(`../src/model/pooling/${file}`, import.meta.url).href)) as Record<string, unknown>;
    const entries = Object.values(mod).filter((v) => v !== null && typeof v === 'object' && 'name' in v && 'create' in v);
    assert.equal(entries.length, 1, `${file} must export one PoolingHeadEntry`);
    assert.ok(POOLING_HEADS.includes(entries[0] as (typeof POOLING_HEADS)[number]), `${file}: its entry is not in POOLING_HEADS (registry.ts)`);
  }
  assert.equal(new Set(POOLING_NAMES).size, POOLING_NAMES.length);
  assert.equal(POOLING_HEADS.length, files.length);
});

test('each entry builds its head under the layer name "pooling"', () => {
  for (const name of POOLING_NAMES) {
    const head = createPoolingHead({ head: name, n_init: 1 }, 3);
    assert.equal(head.name, 'pooling', name);
    assert.equal(head.nClasses, 3, name);
  }
  assert.throws(() => createPoolingHead({ head: 'nope', n_init: 1 }, 3), (e: unknown) => e instanceof ConfigError && e.keyPath === 'pooling.head');
});

test('the config accepts exactly the registered names, in pooling.head and reproduce.heads', () => {
  for (const name of POOLING_NAMES) {
    assert.equal(resolveConfig({ pooling: { head: name } }).pooling.head, name);
    assert.deepEqual(resolveConfig({ reproduce: { heads: [name] } }).reproduce.heads, [name]);
  }
  assert.throws(
    () => resolveConfig({ pooling: { head: 'maxx' } }),
    (e: unknown) => e instanceof ConfigError && e.message === `pooling.head: expected one of ${POOLING_NAMES.join(', ')}, got string "maxx"`,
  );
  assert.throws(() => resolveConfig({ reproduce: { heads: ['power', 'nope'] } }), (e: unknown) => e instanceof ConfigError && e.keyPath === 'reproduce.heads[1]');
});

test('`sed train --pooling` offers exactly the registered names', () => {
  const { program } = buildProgram({ io: { stdout: () => {}, stderr: () => {} }, exitCode: 0 });
  const train = program.commands.find((c) => c.name() === 'train')!;
  const option = train.options.find((o) => o.long === '--pooling')!;
  assert.deepEqual(option.argChoices, [...POOLING_NAMES]);
});

test('the README table of heads is the registry\'s (reprint: node --import tsx scripts/pooling-heads-table.ts)', () => {
  assert.ok(readme.includes(poolingHeadsTable()), 'README.md "Layout of the code" has a stale pooling-head table');
});
