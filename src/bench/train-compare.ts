/**
 * Our training step against PyTorch's, in one command, at the same thread count: `sed bench train --compare-pytorch`.
 *
 * Each run is a fresh process on each side, alternating (ours, PyTorch, ours, …) so that a change in machine load hits
 * both sides alike: ours is `sed bench train --model reference --batch B --threads T` (src/bench/train-bench.ts),
 * PyTorch's is scripts/pytorch_train_step.py with the same batch, warm-up, step count and thread count. Each run
 * prints the median of its timed steps; the result is the median over runs of those medians, and the ratio is
 * ours / PyTorch's. Both children get OMP_NUM_THREADS, MKL_NUM_THREADS and TF_NUM_INTRAOP_THREADS = T (the last is
 * how libtensorflow's eager context sizes its pool), so that neither side uses more cores than asked for.
 *
 * PyTorch is optional: when the interpreter or `torch` is missing, the PyTorch side is null with the reason.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SedError, UsageError } from '../errors.ts';

export interface TrainCompareOptions {
  /** tfjs backend of our side: 'wasm' (default), 'tensorflow', 'cpu', 'auto'. */
  backend?: string;
  /** Threads for both sides (default 1). */
  threads?: number;
  batch?: number;
  /** Fresh processes per side (default 3). */
  runs?: number;
  warmup?: number;
  steps?: number;
  /** Python interpreter with torch (default: $SED_PYTHON, else /usr/bin/python3 when present, else python3). */
  python?: string;
  /**
   * Replaces a side's command line (program then arguments; the batch/threads/warm-up/steps flags are appended).
   * For tests, which use stand-ins that print a fixed step time.
   */
  commands?: { sed?: string[]; pytorch?: string[] };
  /** Called before each child starts, for progress logging. */
  onRun?: (side: 'sed' | 'pytorch', run: number) => void;
}

export interface SideResult {
  /** Median over runs of each run's median step time, ms. */
  step_ms: number;
  /** Each run's median step time, ms, in run order. */
  runs_ms: number[];
  /** Threads the side reports it used (wasm without threads reports 1 whatever was asked). */
  threads: number;
  /** What ran: tfjs backend name, or `pytorch-cpu <torch version>`. */
  backend: string;
}

export interface TrainCompareResult {
  bench: 'train_compare_pytorch';
  model: 'reference';
  batch: number;
  threads_requested: number;
  steps: number;
  warmup: number;
  sed: SideResult;
  pytorch: SideResult | null;
  /** Why the PyTorch side is missing; only when `pytorch` is null. */
  pytorch_unavailable?: string;
  /** sed / PyTorch step time (> 1: we are slower); null without PyTorch. */
  ratio: number | null;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SED_BIN = fileURLToPath(new URL('../../bin/sed.js', import.meta.url));
const PYTORCH_SCRIPT = fileURLToPath(new URL('../../scripts/pytorch_train_step.py', import.meta.url));

/** The interpreter we run PyTorch with: Debian's python3-torch lives in /usr/bin/python3, not in a pyenv shim. */
export function defaultPython(): string {
  if (process.env.SED_PYTHON) return process.env.SED_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/** Environment variables that cap every common thread pool (OpenMP, MKL, libtensorflow) at `threads`. */
export function threadEnvVars(threads: number): Record<string, string> {
  const t = String(threads);
  return { OMP_NUM_THREADS: t, MKL_NUM_THREADS: t, TF_NUM_INTRAOP_THREADS: t, TF_NUM_INTEROP_THREADS: '1' };
}

interface ChildOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  spawnError?: string;
}

function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ code: null, stdout, stderr, spawnError: err.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last line of `stdout` that parses as a JSON object with a numeric step_ms_median. */
function lastStepLine(stdout: string): Record<string, unknown> | null {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      const obj = JSON.parse(line) as Record<string, unknown>;
      if (typeof obj.step_ms_median === 'number') return obj;
    } catch {
      // not a JSON line
    }
  }
  return null;
}

const tail = (text: string) => text.trim().split('\n').slice(-3).join(' | ').slice(0, 400);

/**
 * Runs the comparison. Throws SedError when our own side fails (that is a problem to fix, not a missing option);
 * a failing PyTorch side becomes `pytorch: null` with the reason.
 */
export async function compareTrainWithPytorch(opts: TrainCompareOptions = {}): Promise<TrainCompareResult> {
  const { backend = 'wasm', threads = 1, batch = 8, runs = 3, warmup = 2, steps = 5 } = opts;
  for (const [name, v, min] of [['--threads', threads, 1], ['--batch', batch, 1], ['--runs', runs, 1], ['--steps', steps, 1], ['--warmup', warmup, 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new UsageError(`${name} must be an integer ≥ ${min} (${v} given)`);
  }
  const python = opts.python ?? defaultPython();
  const env = { ...process.env, ...threadEnvVars(threads) };
  const common = ['--batch', String(batch), '--threads', String(threads), '--warmup', String(warmup), '--steps', String(steps)];
  const [sedCmd, ...sedArgs] = [...(opts.commands?.sed ?? [process.execPath, SED_BIN, '--quiet', 'bench', 'train', '--backend', backend, '--model', 'reference']), ...common];
  const [pyCmd, ...pyArgs] = [...(opts.commands?.pytorch ?? [python, PYTORCH_SCRIPT]), ...common];

  const sedRuns: number[] = [];
  const pyRuns: number[] = [];
  let sedThreads = threads;
  let sedBackend = backend;
  let pyThreads = threads;
  let pyBackend = 'pytorch-cpu';
  let pytorchUnavailable: string | undefined;
  for (let r = 0; r < runs; r++) {
    opts.onRun?.('sed', r);
    const ours = await runChild(sedCmd!, sedArgs, env);
    const line = lastStepLine(ours.stdout);
    if (ours.code !== 0 || !line) {
      throw new SedError(`sed bench train (backend ${backend}) failed with exit code ${ours.code}: ${ours.spawnError ?? tail(ours.stderr)}`);
    }
    sedRuns.push(line.step_ms_median as number);
    sedThreads = typeof line.threads === 'number' ? line.threads : sedThreads;
    sedBackend = String(line.backend ?? backend);

    if (pytorchUnavailable) continue;
    opts.onRun?.('pytorch', r);
    const py = await runChild(pyCmd!, pyArgs, env);
    const pyLine = lastStepLine(py.stdout);
    if (py.code !== 0 || !pyLine) {
      pytorchUnavailable = `${[pyCmd, ...pyArgs].join(' ')} failed (exit ${py.code}): ${py.spawnError ?? tail(py.stderr)}`;
      continue;
    }
    pyRuns.push(pyLine.step_ms_median as number);
    pyThreads = typeof pyLine.threads === 'number' ? pyLine.threads : pyThreads;
    pyBackend = `pytorch-cpu ${String(pyLine.torch ?? '')}`.trim();
  }

  const sed: SideResult = { step_ms: median(sedRuns), runs_ms: sedRuns, threads: sedThreads, backend: sedBackend };
  const pytorch: SideResult | null = pytorchUnavailable
    ? null
    : { step_ms: median(pyRuns), runs_ms: pyRuns, threads: pyThreads, backend: pyBackend };
  const result: TrainCompareResult = {
    bench: 'train_compare_pytorch',
    model: 'reference',
    batch,
    threads_requested: threads,
    steps,
    warmup,
    sed,
    pytorch,
    ratio: pytorch ? Math.round((sed.step_ms / pytorch.step_ms) * 100) / 100 : null,
  };
  if (pytorchUnavailable) result.pytorch_unavailable = pytorchUnavailable;
  return result;
}

/** One readable paragraph for stderr. */
export function formatTrainCompare(r: TrainCompareResult): string {
  const side = (s: SideResult) => `${s.step_ms} ms/step (median of ${s.runs_ms.length} runs: ${s.runs_ms.join(', ')}; ${s.threads} thread${s.threads === 1 ? '' : 's'}; ${s.backend})`;
  const lines = [
    `reference CRNN training step, batch ${r.batch}, ${r.threads_requested} thread${r.threads_requested === 1 ? '' : 's'} requested, ${r.steps} timed steps after ${r.warmup} per run`,
    `  sed:     ${side(r.sed)}`,
    `  pytorch: ${r.pytorch ? side(r.pytorch) : `unavailable: ${r.pytorch_unavailable}`}`,
  ];
  if (r.ratio !== null) lines.push(`  ratio:   ${r.ratio.toFixed(2)}× PyTorch`);
  if (r.sed.threads !== r.threads_requested) {
    lines.push(`  note: backend ${r.sed.backend} ran on ${r.sed.threads} thread(s), not the ${r.threads_requested} asked for`);
  }
  return `${lines.join('\n')}\n`;
}
