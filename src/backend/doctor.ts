/**
 * `sed doctor`: which backends load here and why not the others, what the native one is built on, the devices,
 * and the wasm SIMD/threads state. Read-only; tries each backend in this process and leaves 'auto's choice active.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { selectBackend, describeTensorflow, wasmThreadsFallbackReason } from './select.ts';
import { defaultThreads, wasmThreadsUnsupported } from './wasm-threads.ts';
import { loadTensorflowNode, type TensorflowStatus } from './tensorflow-node.ts';

export interface BackendRow {
  name: 'tensorflow' | 'wasm' | 'cpu';
  ok: boolean;
  /** What it runs on, or why it does not load. */
  detail: string;
}

export interface DoctorReport {
  backends: BackendRow[];
  /** What `--backend auto` picks, and its logged reason. */
  auto: { backend: string; reason: string };
  tensorflow: TensorflowStatus;
  /** Devices TensorFlow computes on ('CPU', plus 'GPU' when it placed ops on one), and what the NVIDIA driver lists. */
  devices: { tensorflow: string[]; nvidiaSmi: string };
  /**
   * threads: whether wasm computes on more than one thread; threadCount: how many; threadsWhy: why one thread, when
   * it is one (no threaded build here, one core, OMP_NUM_THREADS=1).
   */
  wasm: { simd: boolean | null; threads: boolean | null; threadCount: number | null; threadsWhy?: string };
  /** TensorFlow's logging variables as the native backend sees them (sed sets them unless the user did). */
  env: Record<string, string | null>;
  host: { node: string; cpus: number; platform: string };
}

/** `nvidia-smi -L`'s first line, or why there is none. */
function nvidiaSmi(): string {
  const res = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 10_000 });
  if (res.error) return (res.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no NVIDIA driver here (nvidia-smi not found)' : `nvidia-smi: ${res.error.message}`;
  const out = (res.stdout || res.stderr).trim().split('\n');
  return res.status === 0 ? out.join('; ') : `nvidia-smi failed: ${out[0]}`;
}

/** Why wasm runs on one thread here (called when it does). */
function oneThreadWhy(): string {
  const fallback = wasmThreadsFallbackReason();
  if (fallback) return fallback;
  if (defaultThreads() > 1) return 'the wasm backend was initialised on one thread before doctor ran';
  return process.env.OMP_NUM_THREADS ? `OMP_NUM_THREADS=${process.env.OMP_NUM_THREADS}` : 'this machine has one core';
}

/** Loads every backend once and reports; never throws for a backend that is missing. */
export async function runDoctor(): Promise<DoctorReport> {
  const native = await loadTensorflowNode();
  const backends: BackendRow[] = [];
  backends.push(
    native.ok
      ? { name: 'tensorflow', ok: true, detail: `${describeTensorflow(native)} ${native.tfjsNodeVersion}` + (native.build ? ` (${native.build === 'gpu' ? 'CUDA' : 'CPU-only'} build)` : '') }
      : { name: 'tensorflow', ok: false, detail: native.why },
  );
  let wasm: DoctorReport['wasm'] = { simd: null, threads: null, threadCount: null };
  try {
    const choice = await selectBackend('wasm');
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threadCount = getThreadsCount();
    wasm = { simd, threads: threadCount > 1, threadCount };
    if (threadCount === 1) wasm.threadsWhy = oneThreadWhy();
    const support = wasmThreadsUnsupported();
    backends.push({ name: 'wasm', ok: true, detail: `${choice.reason.replace(/^requested; /, '')} (threaded build: ${support ? `no, ${support}` : 'yes'})` });
  } catch (err) {
    backends.push({ name: 'wasm', ok: false, detail: (err as Error).message });
  }
  await selectBackend('cpu');
  backends.push({ name: 'cpu', ok: true, detail: 'pure JavaScript, always there (slowest)' });
  const auto = await selectBackend('auto');
  return {
    backends,
    auto,
    tensorflow: native,
    devices: { tensorflow: native.ok ? (native.usingGpu ? ['CPU', 'GPU'] : ['CPU']) : [], nvidiaSmi: nvidiaSmi() },
    wasm,
    env: Object.fromEntries(['TF_CPP_MIN_LOG_LEVEL', 'TF_ENABLE_ONEDNN_OPTS', 'LD_LIBRARY_PATH', 'CUDA_VISIBLE_DEVICES'].map((k) => [k, process.env[k] ?? null])),
    host: { node: process.version, cpus: os.availableParallelism?.() ?? os.cpus().length, platform: `${process.platform}-${process.arch}` },
  };
}

/** The report as the lines `sed doctor` prints. */
export function formatDoctor(r: DoctorReport): string {
  const lines = ['backends:'];
  for (const b of r.backends) lines.push(`  ${b.name.padEnd(10)} ${b.ok ? 'yes' : 'no '}  ${b.detail}`);
  lines.push(`auto:       ${r.auto.backend} (${r.auto.reason})`);
  if (r.tensorflow.ok) {
    lines.push(`tensorflow: libtensorflow ${r.tensorflow.tfVersion}, ${r.tensorflow.build === 'gpu' ? 'CUDA' : r.tensorflow.build === 'cpu' ? 'CPU-only' : 'unknown'} build, from ${r.tensorflow.libtensorflowDir ?? '(deps missing)'}`);
    lines.push(`devices:    TensorFlow computes on ${r.devices.tensorflow.join(' + ')}${r.tensorflow.usingGpu ? '' : ' (no GPU)'}`);
  }
  lines.push(`nvidia:     ${r.devices.nvidiaSmi}`);
  lines.push(`wasm:       SIMD ${r.wasm.simd == null ? '?' : r.wasm.simd ? 'on' : 'off'}, threads ${r.wasm.threadCount == null ? '?' : r.wasm.threads ? `on (${r.wasm.threadCount})` : `off (1 thread: ${r.wasm.threadsWhy})`}`);
  lines.push(`env:        ${Object.entries(r.env).filter(([k]) => k.startsWith('TF_')).map(([k, v]) => `${k}=${v ?? '(unset)'}`).join(' ')}`);
  lines.push(`host:       node ${r.host.node}, ${r.host.cpus} CPUs, ${r.host.platform}`);
  return lines.join('\n') + '\n';
}
