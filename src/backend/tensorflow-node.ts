/**
 * Loading the native `tensorflow` backend: @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node, as installed by
 * `npm run setup:tensorflow` (src/backend/native-setup.ts), never by `npm ci`.
 *
 * Only an installed package is imported (a package that is merely absent is not an error), and only one: importing
 * a package whose addon is missing registers its kernels before failing, and a second package then registers them
 * again (~170 "kernel already registered" lines). TensorFlow's own stderr chatter (cpu_feature_guard, the oneDNN
 * notice, absl's "log messages before InitializeLog") is switched off before the addon loads unless the user set
 * the variables: TF_CPP_MIN_LOG_LEVEL=2 keeps warnings' betters (errors); the oneDNN notice is printed whatever
 * the level whenever TF_ENABLE_ONEDNN_OPTS is unset or 1, see `quietTensorflowLogs`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodePackage, SetupSummary } from './native-setup.ts';
import { registerTensorflowKernels } from './tensorflow-kernels.ts';

/** Tried in this order: the CUDA build first (it also runs on CPU when it sees no GPU). */
export const NODE_PACKAGES: readonly NodePackage[] = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

export const SETUP_HINT = 'run `npm run setup:tensorflow` (CPU) or `npm run setup:tensorflow -- --gpu` (CUDA), see README "Backends"';

export type TensorflowStatus =
  | {
      ok: true;
      package: NodePackage;
      tfjsNodeVersion: string;
      /** TF_Version() of the loaded libtensorflow. */
      tfVersion: string;
      /** TensorFlow placed ops on a GPU (tfjs-node's binding: a GPU device was listed). */
      usingGpu: boolean;
      /** 'gpu' when the library is a CUDA build; null when setup:tensorflow did not record it. */
      build: 'cpu' | 'gpu' | null;
      /** The folder node_modules/<package>/deps resolves to. */
      libtensorflowDir: string | null;
    }
  | { ok: false; package: NodePackage | null; why: string };

/**
 * Sets TensorFlow's logging variables unless the user has: TF_CPP_MIN_LOG_LEVEL=2 (errors only). The oneDNN
 * notice ("oneDNN custom operations are on …") ignores that level and is printed unless TF_ENABLE_ONEDNN_OPTS is
 * set to 0, so oneDNN is kept off by default for a quiet stderr. That costs speed: with TensorFlow's fused BatchNorm
 * and ReLU kernels (tensorflow-kernels.ts), oneDNN's convolutions and batch norm make the reference CRNN's step
 * 1.3–1.6× faster and the DCASE 2019 net's 2.6× (README "Backends"); `TF_ENABLE_ONEDNN_OPTS=1` turns it on.
 */
export function quietTensorflowLogs(env: NodeJS.ProcessEnv = process.env): void {
  env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  env.TF_ENABLE_ONEDNN_OPTS ??= '0';
}

const requireHere = createRequire(import.meta.url);
const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function packageDir(pkg: string): string | null {
  try {
    return path.dirname(requireHere.resolve(`${pkg}/package.json`));
  } catch {
    return null;
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.slice(0, 240);
}

/** Turns a load failure into what to do about it. */
function explain(pkg: NodePackage, err: unknown): string {
  const msg = firstLine(err);
  if (/tfjs_binding\.node\) can not be found/.test(msg)) return `${pkg} is installed without its addon: ${SETUP_HINT}`;
  if (/libtensorflow|cannot open shared object/.test(msg)) return `${pkg}'s libtensorflow is missing (${msg}): ${SETUP_HINT}`;
  if (/libcud|libcublas|libnccl/.test(msg)) return `${pkg} cannot load the CUDA libraries (${msg}): put each site-packages/nvidia/*/lib on LD_LIBRARY_PATH`;
  return `${pkg}: ${msg}`;
}

let loaded: Promise<TensorflowStatus> | null = null;

/**
 * Imports the installed tfjs-node(-gpu) once per process and registers its 'tensorflow' backend (without making
 * it the active one for good: the previous backend is restored). Never throws; says why when it fails.
 */
export function loadTensorflowNode(): Promise<TensorflowStatus> {
  loaded ??= load();
  return loaded;
}

async function load(): Promise<TensorflowStatus> {
  const installed = NODE_PACKAGES.filter((p) => packageDir(p) != null);
  if (installed.length === 0) return { ok: false, package: null, why: `neither @tensorflow/tfjs-node nor -gpu is installed: ${SETUP_HINT}` };
  if (installed.length > 1) {
    return { ok: false, package: null, why: `both @tensorflow/tfjs-node and -gpu are installed (they register the same kernels): ${SETUP_HINT} to keep one` };
  }
  const pkg = installed[0]!;
  const dir = packageDir(pkg)!;
  quietTensorflowLogs();
  const before = tf.getBackend();
  try {
    // A variable specifier keeps TypeScript from resolving a package that is usually absent.
    const specifier: string = pkg;
    const mod = (await import(specifier)) as { version?: Record<string, string> };
    // With a different tfjs-core version npm nests a second copy, whose engine is not ours.
    if (tf.findBackend('tensorflow') == null) {
      return { ok: false, package: pkg, why: `${pkg} registered its backend with another copy of @tensorflow/tfjs-core` };
    }
    if (!(await tf.setBackend('tensorflow'))) return { ok: false, package: pkg, why: `${pkg}: the 'tensorflow' backend failed to initialise` };
    registerTensorflowKernels();
    const backend = tf.backend() as unknown as { binding: { TF_Version: string }; isUsingGpuDevice: boolean };
    const depsDir = path.join(dir, 'deps');
    const installedJson = path.join(projectRoot, '.cache', 'tensorflow', 'installed.json');
    let build: 'cpu' | 'gpu' | null = null;
    if (existsSync(installedJson)) {
      const summary = JSON.parse(readFileSync(installedJson, 'utf8')) as SetupSummary;
      if (summary.package === pkg) build = summary.build;
    }
    return {
      ok: true,
      package: pkg,
      tfjsNodeVersion: mod.version?.['tfjs-node'] ?? 'unknown',
      tfVersion: backend.binding.TF_Version,
      usingGpu: backend.isUsingGpuDevice,
      build,
      libtensorflowDir: existsSync(depsDir) ? realpathOrNull(depsDir) : null,
    };
  } catch (err) {
    return { ok: false, package: pkg, why: explain(pkg, err) };
  } finally {
    // tfjs-node makes itself the active backend on import; the caller decides.
    if (before && before !== tf.getBackend() && tf.findBackend(before)) await tf.setBackend(before);
  }
}

function realpathOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}
