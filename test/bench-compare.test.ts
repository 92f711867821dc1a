/**
 * `sed bench train --compare-pytorch` plumbing, with stand-in children (tiny node scripts that print a step time and
 * the thread environment they were given), so the test is cheap and the expected medians are known in advance.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { compareTrainWithPytorch, formatTrainCompare, median } from '../src/bench/train-compare.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sed-bench-compare-'));

/**
 * A stand-in that prints, on its n-th call (counted in a file), {step_ms_median: times[n], threads: $OMP_NUM_THREADS}
 * after some noise lines, and fails when its flags are not the ones the comparison must pass.
 */
function standIn(name: string, times: number[], extra: Record<string, unknown>): string[] {
  const counter = path.join(dir, `${name}.count`);
  writeFileSync(counter, '0');
  const file = path.join(dir, `${name}.mjs`);
  writeFileSync(
    file,
    `import { readFileSync, writeFileSync } from 'node:fs';
const argv = process.argv.slice(2);
const flag = (f) => argv[argv.indexOf(f) + 1];
if (flag('--batch') !== '4' || flag('--threads') !== '2' || flag('--steps') !== '3' || flag('--warmup') !== '1') {
  console.error('bad flags ' + argv.join(' ')); process.exit(3);
}
const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8'));
writeFileSync(${JSON.stringify(counter)}, String(n + 1));
console.log('some log line');
console.log(JSON.stringify({ step_ms_median: ${JSON.stringify(times)}[n], threads: Number(process.env.OMP_NUM_THREADS), ...${JSON.stringify(extra)} }));
`,
  );
  return [process.execPath, file];
}

test('median: odd and even counts, unsorted input', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), RangeError);
});

test('compareTrainWithPytorch: median over runs per side, ratio sed / PyTorch, equal threads passed to both', async () => {
  const result = await compareTrainWithPytorch({
    threads: 2,
    batch: 4,
    runs: 3,
    warmup: 1,
    steps: 3,
    commands: {
      sed: standIn('sed', [300, 250, 280], { backend: 'wasm' }),
      pytorch: standIn('py', [100, 140, 90], { torch: '1.13' }),
    },
  });
  // medians: sed {250, 280, 300} → 280; PyTorch {90, 100, 140} → 100; ratio 280 / 100 = 2.8.
  assert.deepEqual(result.sed, { step_ms: 280, runs_ms: [300, 250, 280], threads: 2, backend: 'wasm' });
  assert.deepEqual(result.pytorch, { step_ms: 100, runs_ms: [100, 140, 90], threads: 2, backend: 'pytorch-cpu 1.13' });
  assert.equal(result.ratio, 2.8);
  assert.match(formatTrainCompare(result), /ratio: {3}2\.80× PyTorch/);
});

test('compareTrainWithPytorch: a missing PyTorch leaves the sed side and says why', async () => {
  const result = await compareTrainWithPytorch({
    threads: 2,
    batch: 4,
    runs: 2,
    warmup: 1,
    steps: 3,
    commands: { sed: standIn('sed2', [10, 30], { backend: 'wasm' }), pytorch: [path.join(dir, 'no-such-python')] },
  });
  assert.equal(result.sed.step_ms, 20);
  assert.equal(result.pytorch, null);
  assert.equal(result.ratio, null);
  assert.match(result.pytorch_unavailable ?? '', /no-such-python/);
});

test('compareTrainWithPytorch: a failing sed side is an error, not a silent null', async () => {
  await assert.rejects(
    compareTrainWithPytorch({ threads: 1, batch: 4, runs: 1, warmup: 1, steps: 3, commands: { sed: standIn('sed3', [1], {}), pytorch: [] } }),
    /failed with exit code 3/,
  );
});

test('sed bench: --compare-pytorch outside `bench train` is a usage error (exit 2)', async () => {
  const { main } = await import('../src/cli/main.ts');
  let err = '';
  const code = await main(['node', 'sed', 'bench', 'features', '--compare-pytorch'], { stdout: () => {}, stderr: (t) => (err += t) });
  assert.equal(code, 2);
  assert.match(err, /--compare-pytorch goes with `npx sed bench train`/);
});

test('writeBenchDataset: a DCASE 2019 folder that `sed features` reads, at the DESED setting ([626, 128] per 10 s clip)', async () => {
  const { writeBenchDataset } = await import('../src/bench/features-compare.ts');
  const { DESED_FEATURES } = await import('../src/bench/features-bench.ts');
  const { runFeatures } = await import('../src/features/run-features.ts');
  const { resolveConfig } = await import('../src/config/load.ts');
  const { silentLogger } = await import('../src/util/log.ts');
  const root = path.join(dir, 'desed-data');
  const out = path.join(dir, 'desed-features');
  assert.deepEqual(writeBenchDataset(root, 1), ['bench_0000.wav']);
  const summary = await runFeatures({ ...resolveConfig({}).data, layout: 'dcase2019', root }, DESED_FEATURES, { out }, silentLogger, { jobs: 1 });
  assert.equal(summary.computed, 1);
  assert.equal(summary.failed, 0);
  // 10 s at 44.1 kHz → 160000 samples at 16 kHz; torch.stft with center: 1 + floor(160000 / 256) = 626 frames.
  const manifest = JSON.parse(readFileSync(path.join(out, 'unlabel_in_domain', 'manifest.json'), 'utf8'));
  assert.equal(manifest.clips[0].frames, 626);
  assert.equal(manifest.n_mels, 128);
});

test('compareFeaturesWithTorchaudio: wall-clock medians per side; a failing torchaudio side is null with the reason', async () => {
  const { compareFeaturesWithTorchaudio } = await import('../src/bench/features-compare.ts');
  // The sed stand-in checks it is given an output folder that does not exist yet, as `sed features --out` would be.
  const sedStandIn = path.join(dir, 'features-sed.mjs');
  writeFileSync(sedStandIn, "import { existsSync } from 'node:fs'; const out = process.argv.at(-1); if (existsSync(out)) process.exit(4);\n");
  const result = await compareFeaturesWithTorchaudio({
    clips: 1,
    runs: 2,
    commands: { sed: [process.execPath, sedStandIn], torchaudio: [path.join(dir, 'no-such-python')] },
  });
  assert.equal(result.sed.runs_sec.length, 2);
  assert.ok(result.sed.seconds > 0);
  assert.equal(result.torchaudio, null);
  assert.equal(result.ratio, null);
  assert.match(result.torchaudio_unavailable ?? '', /no-such-python/);
});
