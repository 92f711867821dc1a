/**
 * `sed metrics` end to end (argv parsed in-process): PSDS from one file of any name, PSDS that cannot be computed,
 * several estimate files ordered by threshold with the scored one named, and the file-name mismatch warning.
 * Expected values are worked by hand in the comments (same tables as test/metrics-psds.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';
import { chooseEstimate, thresholdFromName } from '../src/metrics/estimate-files.ts';
import { UsageError } from '../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'sed-metrics-cli-'));
const tsv = (name: string, rows: string[]) => {
  const path = join(dir, name);
  writeFileSync(path, ['filename\tonset\toffset\tevent_label', ...rows, ''].join('\n'));
  return path;
};
// f1: a [0,2), b [3,5); f2: a [1,4). Durations 60 + 60 = 120 s, so one false positive = 3600 / 120 = 30 per hour.
const REF = ['f1\t0\t2\ta', 'f1\t3\t5\tb', 'f2\t1\t4\ta'];
const reference = tsv('ref.tsv', REF);
const durations = join(dir, 'durations.tsv');
writeFileSync(durations, 'filename\tduration\nf1\t60\nf2\t60\n');

async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) };
  const code = await main(['node', 'sed', 'metrics', ...args], io);
  return { code, stdout, stderr, warnings: stderr.split('\n').filter((l) => l.startsWith('sed: warning:')) };
}

test('regression: PSDS1 from ONE detection file with any name (it refused names without a threshold)', async () => {
  // The reference plus an a-detection [6,8) in f1 that touches no truth: TPR_a = TPR_b = 1, FPR_a = 30 /h.
  // ROC with psds_eval's (0, 0) point: a = 0 at eFPR 0, 1 from 30; b = 1 from 0 → mean [0.5, 1], std [0.5, 0],
  // eTPR [0, 1] → area to 100 = 70 · 1 → PSDS1 0.7.
  const det = tsv('my-detections.tsv', [...REF, 'f1\t6\t8\ta']);
  const r = await run('--reference', reference, '--estimate', det, '--durations', durations, '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.ok(Math.abs(json.psds1 - 0.7) < 1e-12, String(json.psds1));
  assert.equal(json.estimate.file, det);
  assert.deepEqual(r.warnings, []);
});

test('regression: PSDS not computable → every other metric, "psds1": null, one warning line, exit 0 (was exit 1, nothing printed)', async () => {
  const overlapping = tsv('ref-overlap.tsv', ['f1\t0\t2\ta', 'f1\t1.5\t3\ta', 'f2\t1\t4\ta']); // two a's overlap in f1
  const det = tsv('det-overlap.tsv', ['f1\t0\t2\ta']);
  const r = await run('--reference', overlapping, '--estimate', det, '--durations', durations, '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.equal(json.psds1, null);
  // event-based: 3 reference a's, 1 matched ([0,2) = [0,2)) → R 1/3, P 1, F = 2·1/(3 + 1) = 0.5.
  assert.ok(Math.abs(json.event_based.f1_micro - 0.5) < 1e-12);
  assert.equal(r.warnings.length, 1, r.stderr);
  assert.match(r.warnings[0], /PSDS1 not computed.*ref-overlap\.tsv: f1: two "a" events overlap/);

  const empty = tsv('ref-empty.tsv', ['f1\t\t\t', 'f2\t\t\t']);
  const e = await run('--reference', empty, '--estimate', det, '--durations', durations);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(e.warnings.length, 1, e.stderr);
  assert.match(e.warnings[0], /at least one reference event/);
  assert.match(e.stdout, /PSDS1: - \(not computed, see the warning\)/);
  assert.match(e.stdout, /Event-based/);
});

test('regression: several estimate files are ordered by threshold; the one at postprocess.threshold (or nearest) is scored and named', async () => {
  const low = tsv('thr_0.30.tsv', [...REF, 'f1\t6\t8\ta']); // all found + a false positive
  const mid = tsv('thr_0.50.tsv', ['f1\t0\t2\ta', 'f1\t3\t5\tb']); // f2's a missed
  const high = tsv('thr_0.70.tsv', ['f1\t3\t5\tb']); // only b
  // Given out of order: the old command scored the middle of the command line (here thr_0.30.tsv).
  const r = await run('--reference', reference, '--estimate', low, high, mid, '--durations', durations, '--json');
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(json.estimate, { file: mid, threshold: 0.5, files: 3 });
  // thr_0.50: TP 2, FN 1, FP 0 → P 1, R 2/3, F = 2·2/(3 + 2) = 0.8.
  assert.ok(Math.abs(json.event_based.f1_micro - 0.8) < 1e-12);
  // PSDS over the three: a = (30, 1) @0.3, (0, 0.5) @0.5, (0, 0) @0.7 → 0.5 from 0, 1 from 30; b = 1 from 0.
  // mean [0.75, 1], std [0.25, 0] → eTPR [0.5, 1] → (30 · 0.5 + 70 · 1) / 100 = 0.85.
  assert.ok(Math.abs(json.psds1 - 0.85) < 1e-12);
  // --threshold 0.65: nearest file is thr_0.70 (0.05 away): TP 1, FN 2 → F = 2/(3 + 1) = 0.5.
  const near = JSON.parse((await run('--reference', reference, '--estimate', low, high, mid, '--threshold', '0.65', '--json')).stdout);
  assert.equal(near.estimate.file, high);
  assert.ok(Math.abs(near.event_based.f1_micro - 0.5) < 1e-12);
  const text = await run('--reference', reference, '--estimate', low, high, mid);
  assert.match(text.stdout, /^Scored .*thr_0\.50\.tsv \(threshold 0\.5\) of 3 estimate files/);
});

test('a warning when no estimate file name matches a reference file name (F was 0 silently)', async () => {
  const det = tsv('paths.tsv', ['audio/f1\t0\t2\ta']);
  const r = await run('--reference', reference, '--estimate', det);
  assert.equal(r.code, 0);
  assert.equal(r.warnings.length, 1, r.stderr);
  assert.match(r.warnings[0], /no file name of the estimate matches a reference file name \(estimate e\.g\. "audio\/f1", reference e\.g\. "f1"\)/);
  const ok = await run('--reference', reference, '--estimate', tsv('one-match.tsv', ['f1\t0\t2\ta']));
  assert.deepEqual(ok.warnings, []);
});

test('--help states the conventions, the psds_eval 0.5.3 single-class difference included', async () => {
  const r = await run('--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /single-class reference psds_eval 0\.5\.3 returns 0\.0/);
  assert.match(r.stdout, /Several --estimate files are a threshold sweep/);
});

test('thresholdFromName and chooseEstimate', () => {
  assert.equal(thresholdFromName('out/psds/thr_0.50.tsv'), 0.5);
  assert.equal(thresholdFromName('run2/det_0.125.tsv'), 0.125);
  assert.equal(thresholdFromName('detections.tsv'), null);
  assert.equal(thresholdFromName('model2.tsv'), null);
  // 0.3 is 0.05 from 0.25 and 0.2 from 0.5.
  assert.equal(chooseEstimate(['thr_0.5.tsv', 'thr_0.25.tsv'], 0.3).scored.path, 'thr_0.25.tsv');
  assert.throws(() => chooseEstimate(['thr_0.5.tsv', 'x.tsv'], 0.5), UsageError);
  assert.throws(() => chooseEstimate(['a/thr_0.5.tsv', 'b/thr_0.50.tsv'], 0.5), UsageError);
});
