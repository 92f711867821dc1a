/**
 * Times training steps of the CRNNs in src/bench/train-bench.ts (the reference CRNN of issue 5, the DCASE 2019 net).
 *
 *   node --import tsx scripts/bench-train-step.ts [--backend wasm|cpu|tensorflow|auto] [--model reference|dcase2019]
 *        [--batch 8] [--threads 1] [--warmup 2] [--steps 5] [--profile [--by-shape]] [--no-tensorflow-kernels]
 *
 * Without --model and --batch it runs every configuration `sed bench train` runs. Prints one JSON line per
 * configuration: {"bench":"train_step","backend":…,"model":…,"batch":…,"step_ms_median":…,"step_ms_min":…,"steps":…};
 * --profile adds the per-kernel times (ms summed over the timed steps) to stderr. --no-tensorflow-kernels trains
 * BatchNorm and ReLU with tfjs' own ops on the tensorflow backend (src/backend/tensorflow-kernels.ts), for comparison.
 */
import { parseArgs } from 'node:util';
import type { BackendName } from '../src/backend/select.ts';
import { useTensorflowKernels } from '../src/backend/tensorflow-kernels.ts';
import { benchTrainStep, TRAIN_BENCH_CONFIGS, type TrainBenchModel } from '../src/bench/train-bench.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    model: { type: 'string' },
    batch: { type: 'string' },
    threads: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '2' },
    steps: { type: 'string', default: '5' },
    profile: { type: 'boolean', default: false },
    'by-shape': { type: 'boolean', default: false },
    'no-tensorflow-kernels': { type: 'boolean', default: false },
  },
});
if (values['no-tensorflow-kernels']) useTensorflowKernels(false);

const configs =
  values.model === undefined && values.batch === undefined
    ? TRAIN_BENCH_CONFIGS
    : [{ model: (values.model ?? 'reference') as TrainBenchModel, batch: Number(values.batch ?? 8) }];
for (const c of configs) {
  const { kernels, ...result } = await benchTrainStep({
    backend: values.backend as BackendName,
    ...c,
    threads: Number(values.threads),
    warmup: Number(values.warmup),
    steps: Number(values.steps),
    profile: values['by-shape'] ? 'by-shape' : values.profile,
  });
  console.log(JSON.stringify(result));
  if (kernels) {
    const total = kernels.reduce((s, k) => s + k.ms, 0);
    console.error(`per-kernel ms per step (${result.steps} steps; kernels total ${(total / result.steps).toFixed(0)} ms/step):`);
    for (const k of kernels.slice(0, 40)) {
      console.error(`  ${k.kernel.padEnd(50)} ${(k.ms / result.steps).toFixed(1).padStart(8)} ms  ${(k.calls / result.steps).toFixed(0).padStart(6)} calls`);
    }
  }
}
