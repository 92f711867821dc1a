/**
 * `npm run setup:tensorflow` without building anything: flag parsing, the pinned version, the one-line errors for
 * missing inputs, and scripts/setup-tensorflow-extract.py on a small wheel made here (the real 274 MB wheel is
 * exercised by .ci/run, which runs the setup before the tensorflow parity suite).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSetupArgs, pinnedTfjsVersion, SetupError, setupTensorflow } from '../src/backend/native-setup.ts';
import { UsageError } from '../src/errors.ts';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const tmp = mkdtempSync(join(tmpdir(), 'sed-native-setup-'));
const hasPython = spawnSync('python3', ['--version']).status === 0;

test('flags: --gpu, --wheel, --libtensorflow, --refresh; anything else is a usage error', () => {
  assert.deepEqual(parseSetupArgs([]), { gpu: false });
  assert.deepEqual(parseSetupArgs(['--gpu', '--wheel', 'a.whl', '--refresh']), { gpu: true, wheel: resolve('a.whl'), refresh: true });
  assert.deepEqual(parseSetupArgs(['--libtensorflow', '/opt/tf']), { gpu: false, libtensorflow: '/opt/tf' });
  assert.throws(() => parseSetupArgs(['--cuda']), (e: unknown) => e instanceof UsageError && /unknown option '--cuda'/.test(e.message));
  assert.throws(() => parseSetupArgs(['--wheel']), /--wheel expects a path/);
  assert.throws(() => parseSetupArgs(['--wheel', 'a', '--libtensorflow', 'b']), /not both/);
});

test('the tfjs version installed is the exact one package.json pins for tfjs-core', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pinnedTfjsVersion(root), pkg.dependencies['@tensorflow/tfjs-core']);
  assert.match(pinnedTfjsVersion(root), /^\d+\.\d+\.\d+$/);
  // npm ci must never download libtensorflow: the native packages are not dependencies of any kind.
  for (const field of ['dependencies', 'optionalDependencies', 'devDependencies']) {
    for (const name of Object.keys(pkg[field] ?? {})) assert.ok(!name.startsWith('@tensorflow/tfjs-node'), `${field} has ${name}`);
  }
});

test('a missing --wheel or an incomplete --libtensorflow is one line naming it, before any tool, npm or pip runs', () => {
  const log: string[] = [];
  const opts = { root, gpu: false, log: (l: string) => void log.push(l) };
  assert.throws(() => setupTensorflow({ ...opts, wheel: join(tmp, 'none.whl') }), (e: unknown) => e instanceof SetupError && e.message === `--wheel ${join(tmp, 'none.whl')}: no such file`);
  const dir = join(tmp, 'libtf');
  mkdirSync(join(dir, 'include', 'tensorflow', 'c'), { recursive: true });
  writeFileSync(join(dir, 'include', 'tensorflow', 'c', 'c_api.h'), '');
  assert.throws(() => setupTensorflow({ ...opts, libtensorflow: dir }), /^SetupError: --libtensorflow .*libtf: no lib\/libtensorflow\.so \(expected include\/ and lib\/ as in Google's libtensorflow tarball\)$/);
  assert.deepEqual(log, [], 'nothing was installed');
});

/** Writes a wheel-shaped zip with python3's zipfile: { member: content }. */
function makeWheel(file: string, members: Record<string, string>): void {
  const code = 'import json, sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], "w")\nfor k, v in json.loads(sys.argv[2]).items(): z.writestr(k, v)\nz.close()';
  assert.equal(spawnSync('python3', ['-c', code, file, JSON.stringify(members)]).status, 0);
}

const extract = (wheel: string, out: string, binding: string) =>
  spawnSync('python3', [join(root, 'scripts', 'setup-tensorflow-extract.py'), wheel, out, binding], { encoding: 'utf8' });

test('the extractor takes the two libraries and exactly the headers the binding includes, transitively', { skip: !hasPython && 'no python3' }, () => {
  const inc = 'tensorflow/include/';
  const wheel = join(tmp, 'tensorflow_cpu-9.9.0-cp311-none-linux_x86_64.whl');
  makeWheel(wheel, {
    'tensorflow/libtensorflow_cc.so.2': 'CC',
    'tensorflow/libtensorflow_framework.so.2': 'FW',
    [`${inc}tensorflow/c/c_api.h`]: '#include "tensorflow/c/tf_status.h"\n#include <stdint.h>\n',
    [`${inc}tensorflow/c/tf_status.h`]: '#include "xla/tsl/c/tsl_status.h"\n',
    [`${inc}xla/tsl/c/tsl_status.h`]: '#include "absl/not_in_wheel.h"\n',
    [`${inc}tensorflow/c/eager/c_api.h`]: '#include "tensorflow/c/c_api.h"\n',
    [`${inc}tensorflow/core/framework/unused.h`]: '// not reachable from the binding\n',
    'tensorflow_cpu-9.9.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: tensorflow-cpu\nVersion: 9.9.0\n',
  });
  const binding = join(tmp, 'binding');
  mkdirSync(binding, { recursive: true });
  writeFileSync(join(binding, 'a.cc'), '#include "utils.h"\n#include "tensorflow/c/eager/c_api.h"\n');
  writeFileSync(join(binding, 'utils.h'), '#include "tensorflow/c/c_api.h"\n');
  const out = join(tmp, 'out');
  const res = extract(wheel, out, binding);
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(JSON.parse(res.stdout), { version: '9.9.0', package: 'tensorflow-cpu', headers: 4, unresolved: ['absl/not_in_wheel.h'] });
  for (const h of ['tensorflow/c/c_api.h', 'tensorflow/c/tf_status.h', 'xla/tsl/c/tsl_status.h', 'tensorflow/c/eager/c_api.h']) assert.ok(existsSync(join(out, 'include', h)), h);
  assert.ok(!existsSync(join(out, 'include', 'tensorflow/core/framework/unused.h')));
  assert.equal(readFileSync(join(out, 'lib', 'libtensorflow_cc.so.2'), 'utf8'), 'CC');
  // binding.gyp links -ltensorflow -ltensorflow_framework; the libraries keep their sonames.
  assert.equal(readlinkSync(join(out, 'lib', 'libtensorflow.so')), 'libtensorflow_cc.so.2');
  assert.equal(readlinkSync(join(out, 'lib', 'libtensorflow_framework.so')), 'libtensorflow_framework.so.2');
});

test('the extractor rejects a wheel without the C API libraries in one line', { skip: !hasPython && 'no python3' }, () => {
  const wheel = join(tmp, 'numpy-1.0-cp311-none-any.whl');
  makeWheel(wheel, { 'numpy/__init__.py': '' });
  const res = extract(wheel, join(tmp, 'out2'), join(tmp, 'binding'));
  assert.equal(res.status, 1);
  assert.equal(res.stderr, `${wheel}: no tensorflow/libtensorflow_cc.so.2 in the wheel (not a TensorFlow >= 2.x Linux wheel?)\n`);
});
