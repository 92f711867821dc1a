/**
 * `npm run setup:tensorflow [-- --gpu] [--wheel FILE | --libtensorflow DIR]`: installs @tensorflow/tfjs-node (or
 * -gpu) at the tfjs version this project pins, without its install script (which downloads Google's libtensorflow
 * 2.9.1), and builds its addon from the package's own C++ sources against libtensorflow taken from a TensorFlow
 * wheel (pip's configured index, local ones included; `tensorflow-cpu`, or `tensorflow` with --gpu) or an existing
 * libtensorflow folder (include/ + lib/, e.g. Google's tarball). See README "Backends" and ../shared/TENSORFLOW.md.
 *
 * Everything bulky lives under the ignored `.cache/tensorflow/` of the project: the extracted libraries and headers
 * (~815 MB, once per wheel) and the built addon (once per package × libtensorflow × Node ABI). The package's
 * `deps` folder is a symlink to the libraries (its rpath is $ORIGIN/../../deps/lib), so a re-run after `npm ci`
 * (which deletes node_modules) costs an `npm install` from npm's cache plus a copy of the addon: seconds. CPU and
 * GPU take one code path; only the wheel's name, the package and the final GPU check differ.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { SedError, UsageError } from '../errors.ts';

export type NodePackage = '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';

export interface SetupOptions {
  /** The project root (package.json, node_modules). */
  root: string;
  /** Install @tensorflow/tfjs-node-gpu and take the CUDA `tensorflow` wheel. */
  gpu: boolean;
  /** A TensorFlow wheel to extract instead of asking pip. */
  wheel?: string;
  /** An existing libtensorflow (DIR/include/tensorflow/c/c_api.h, DIR/lib/libtensorflow.so). */
  libtensorflow?: string;
  /** Ask pip again even when an earlier run left an extracted wheel in the cache. */
  refresh?: boolean;
  /** Progress lines (one per step). */
  log: (line: string) => void;
}

/** Written to `.cache/tensorflow/installed.json` and printed; what `sed doctor` shows as "where". */
export interface SetupSummary {
  package: NodePackage;
  tfjsVersion: string;
  /** TF_Version() of the library the addon loaded. */
  tfVersion: string;
  /** Whether the library was built with CUDA (it names libcudart), and whether TensorFlow then used a GPU. */
  build: 'cpu' | 'gpu';
  usingGpu: boolean;
  /** The folder `deps` points at (include/ and lib/). */
  libtensorflowDir: string;
  /** Where it came from: a wheel file name or the --libtensorflow folder. */
  source: string;
  addon: string;
  /** Steps skipped because their result was already in place (idempotent re-runs). */
  reused: string[];
  seconds: number;
}

/** A prerequisite is missing or a step failed; the message is one line naming what. */
export class SetupError extends SedError {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

export const CACHE_DIR = path.join('.cache', 'tensorflow');
const OTHER: Record<NodePackage, NodePackage> = {
  '@tensorflow/tfjs-node': '@tensorflow/tfjs-node-gpu',
  '@tensorflow/tfjs-node-gpu': '@tensorflow/tfjs-node',
};

/** Parses the script's flags; throws UsageError (exit 2) on anything else. */
export function parseSetupArgs(argv: string[]): Omit<SetupOptions, 'root' | 'log'> {
  const out: Omit<SetupOptions, 'root' | 'log'> = { gpu: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v == null || v.startsWith('--')) throw new UsageError(`${arg} expects a path`);
      return v;
    };
    if (arg === '--gpu') out.gpu = true;
    else if (arg === '--refresh') out.refresh = true;
    else if (arg === '--wheel') out.wheel = path.resolve(value());
    else if (arg === '--libtensorflow') out.libtensorflow = path.resolve(value());
    else if (arg === '--help' || arg === '-h') throw new UsageError(SETUP_USAGE);
    else throw new UsageError(`unknown option '${arg}'\n${SETUP_USAGE}`);
  }
  if (out.wheel && out.libtensorflow) throw new UsageError('give --wheel or --libtensorflow, not both');
  return out;
}

export const SETUP_USAGE =
  'usage: npm run setup:tensorflow [-- [--gpu] [--wheel FILE | --libtensorflow DIR] [--refresh]]';

/** The exact tfjs version the project pins (package.json's @tensorflow/tfjs-core). */
export function pinnedTfjsVersion(root: string): string {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const version = pkg.dependencies?.['@tensorflow/tfjs-core'];
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new SetupError(`package.json: dependencies['@tensorflow/tfjs-core'] must be an exact version, got '${version}'`);
  }
  return version;
}

/** Runs a command; returns its result, or throws SetupError naming the command when it cannot start. */
function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  const result = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new SetupError(code === 'ENOENT' ? `'${cmd}' not found on PATH` : `${cmd}: ${result.error.message}`);
  }
  return result;
}

const lastLine = (text: string): string => text.trim().split('\n').filter((l) => l.trim()).pop()?.trim() ?? '';

/** Checks the build tools before anything is downloaded, so that a missing one is the first and only complaint. */
function checkTools(needPip: boolean): string {
  const have = (cmd: string, args: string[]): boolean => {
    try {
      return run(cmd, args).status === 0;
    } catch {
      return false;
    }
  };
  const python = have('python3', ['--version']) ? 'python3' : null;
  if (!python) throw new SetupError('no python3 on PATH: it is needed to read the wheel and by node-gyp (apt install python3)');
  if (needPip && !have(python, ['-m', 'pip', '--version'])) {
    throw new SetupError('no pip (python3 -m pip): install it, or pass a wheel with --wheel FILE');
  }
  if (!have('c++', ['--version']) && !have('g++', ['--version'])) {
    throw new SetupError('no C++ compiler (c++/g++) on PATH: apt install g++ (the addon is compiled here)');
  }
  if (!have('make', ['--version'])) throw new SetupError('no make on PATH: apt install make');
  return python;
}

/** Node's own headers beside the running binary (Debian/Ubuntu nodejs, the official tarballs), if present. */
function localNodeDir(): string | null {
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return existsSync(path.join(prefix, 'include', 'node', 'node_api.h')) ? prefix : null;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(value, null, 2) + '\n');
  renameSync(temp, file);
}

interface LibInfo {
  dir: string;
  source: string;
  build: 'cpu' | 'gpu';
}

/** Whether a libtensorflow names the CUDA runtime (it dlopens it): a CUDA build. Scans the framework library. */
export function isCudaBuild(libDir: string): boolean {
  const lib = ['libtensorflow_framework.so.2', 'libtensorflow_framework.so'].map((f) => path.join(libDir, f)).find(existsSync);
  if (!lib) return false;
  const data = readFileSync(lib);
  return data.includes('libcudart.so') || data.includes('cudaGetDevice');
}

/** Finds or downloads the wheel, extracts it into the cache (once), and returns the folder for `deps`. */
function libFromWheel(opts: SetupOptions, python: string, bindingDir: string): LibInfo & { reused: boolean } {
  const cache = path.join(opts.root, CACHE_DIR);
  const kind = opts.gpu ? 'gpu' : 'cpu';
  const lastFile = path.join(cache, `last-wheel-${kind}.json`);
  const last = readJson<LibInfo>(lastFile);
  if (!opts.wheel && !opts.refresh && last && existsSync(path.join(last.dir, '.complete'))) {
    opts.log(`libtensorflow: reusing ${path.relative(opts.root, last.dir)} (from ${last.source}; --refresh asks pip again)`);
    return { ...last, reused: true };
  }
  let wheel = opts.wheel;
  let downloaded = false;
  if (!wheel) {
    const project = opts.gpu ? 'tensorflow' : 'tensorflow-cpu';
    const dest = path.join(cache, 'wheels');
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dest, { recursive: true });
    opts.log(`libtensorflow: pip download --no-deps ${project} (pip's configured indexes)`);
    const pip = run(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '-d', dest, project]);
    const got = existsSync(dest) ? readdirSync(dest).filter((f) => f.endsWith('.whl')) : [];
    if (pip.status !== 0 || got.length !== 1) {
      throw new SetupError(
        `no ${project} wheel: pip could not get one from its configured indexes (${lastLine(pip.stderr) || lastLine(pip.stdout)}); ` +
          'pass one with --wheel FILE or an existing libtensorflow with --libtensorflow DIR',
      );
    }
    wheel = path.join(dest, got[0]!);
    downloaded = true;
  }
  const stem = path.basename(wheel).replace(/\.whl$/, '');
  const dir = path.join(cache, 'libtensorflow', stem);
  if (!existsSync(path.join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    opts.log(`libtensorflow: extracting ${path.basename(wheel)} → ${path.relative(opts.root, dir)}`);
    const script = path.join(opts.root, 'scripts', 'setup-tensorflow-extract.py');
    const ex = run(python, [script, wheel, dir, bindingDir]);
    if (ex.status !== 0) throw new SetupError(lastLine(ex.stderr) || `extracting ${wheel} failed`);
    const info = JSON.parse(lastLine(ex.stdout)) as { version: string; unresolved: string[] };
    if (info.unresolved.length > 0) opts.log(`libtensorflow: headers not in the wheel (the build may fail): ${info.unresolved.join(', ')}`);
    writeFileSync(path.join(dir, '.complete'), JSON.stringify({ wheel: path.basename(wheel), version: info.version }) + '\n');
  } else {
    opts.log(`libtensorflow: ${path.relative(opts.root, dir)} already extracted`);
  }
  // The 274 MB wheel is not needed once extracted; pip gets it again in seconds from a local index.
  if (downloaded) rmSync(path.dirname(wheel), { recursive: true, force: true });
  const info: LibInfo = { dir, source: path.basename(wheel), build: isCudaBuild(path.join(dir, 'lib')) ? 'gpu' : 'cpu' };
  writeJson(lastFile, info);
  return { ...info, reused: false };
}

/** Validates a user-given libtensorflow folder (Google's tarball layout: include/ and lib/). */
function libFromDir(given: string): LibInfo {
  if (!existsSync(given)) throw new SetupError(`--libtensorflow ${given}: no such folder`);
  const dir = realpathSync(given);
  for (const need of ['include/tensorflow/c/c_api.h', 'lib/libtensorflow.so', 'lib/libtensorflow_framework.so']) {
    if (!existsSync(path.join(dir, need))) throw new SetupError(`--libtensorflow ${dir}: no ${need} (expected include/ and lib/ as in Google's libtensorflow tarball)`);
  }
  return { dir, source: dir, build: isCudaBuild(path.join(dir, 'lib')) ? 'gpu' : 'cpu' };
}

/** The installed version of a package under root/node_modules, or null. */
function installedVersion(root: string, pkg: string): string | null {
  return readJson<{ version: string }>(path.join(root, 'node_modules', pkg, 'package.json'))?.version ?? null;
}

/** npm as `npm run` started us (npm_execpath), else from PATH. */
function npm(args: string[], root: string): SpawnSyncReturns<string> {
  const execPath = process.env.npm_execpath;
  return execPath && execPath.endsWith('.js') ? run(process.execPath, [execPath, ...args], { cwd: root }) : run('npm', args, { cwd: root });
}

/** Installs the package at the pinned version without scripts and without touching package.json or the lockfile. */
function installPackage(opts: SetupOptions, pkg: NodePackage, version: string): boolean {
  const other = OTHER[pkg];
  if (installedVersion(opts.root, other) != null) {
    // Both in node_modules: the one without an addon fails to load after registering its kernels, and the other
    // then registers them again (~170 lines of "kernel already registered").
    opts.log(`npm: removing ${other} (only one of the two may be installed)`);
    const un = npm(['uninstall', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', other], opts.root);
    if (un.status !== 0) throw new SetupError(`npm uninstall ${other} failed: ${lastLine(un.stderr)}`);
    rmSync(path.join(opts.root, 'node_modules', other), { recursive: true, force: true });
  }
  if (installedVersion(opts.root, pkg) === version) return false;
  opts.log(`npm: install --no-save --ignore-scripts ${pkg}@${version}`);
  const res = npm(['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `${pkg}@${version}`], opts.root);
  if (res.status !== 0 || installedVersion(opts.root, pkg) !== version) {
    throw new SetupError(`npm could not install ${pkg}@${version}: ${lastLine(res.stderr) || 'no package.json after install'}`);
  }
  // A different tfjs-core under the package would be a second engine the project's models never see.
  const nested = path.join(opts.root, 'node_modules', pkg, 'node_modules', '@tensorflow', 'tfjs-core');
  if (existsSync(nested)) throw new SetupError(`${pkg} got its own copy of @tensorflow/tfjs-core (${nested}): tfjs versions differ`);
  return true;
}

/** Points node_modules/<pkg>/deps at libDir (a symlink; replaces whatever was there). */
function linkDeps(pkgDir: string, libDir: string): boolean {
  const deps = path.join(pkgDir, 'deps');
  let current: string | null = null;
  try {
    current = lstatSync(deps).isSymbolicLink() ? readlinkSync(deps) : '(a folder)';
  } catch {
    current = null;
  }
  if (current === libDir) return false;
  rmSync(deps, { recursive: true, force: true });
  symlinkSync(libDir, deps, 'dir');
  return true;
}

const sha256 = (file: string): string => createHash('sha256').update(new Uint8Array(readFileSync(file))).digest('hex');

/** The addon's place inside the package (node-pre-gyp's module_path for the highest N-API version built). */
function findAddon(pkgDir: string): string | null {
  const lib = path.join(pkgDir, 'lib');
  if (!existsSync(lib)) return null;
  const dirs = readdirSync(lib).filter((d) => /^napi-v\d+$/.test(d) && existsSync(path.join(lib, d, 'tfjs_binding.node')));
  dirs.sort((a, b) => Number(b.slice(6)) - Number(a.slice(6)));
  return dirs.length > 0 ? path.join(lib, dirs[0]!, 'tfjs_binding.node') : null;
}

/** Builds the addon (node-pre-gyp → node-gyp → make), or copies it from the cache when this exact build exists. */
function buildAddon(opts: SetupOptions, pkg: NodePackage, version: string, lib: LibInfo): { addon: string; reused: boolean } {
  const pkgDir = path.join(opts.root, 'node_modules', pkg);
  const libKey = lib.source.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-80);
  const key = `${pkg.split('/')[1]}-${version}-node-abi${process.versions.modules}-${libKey}`;
  const cacheDir = path.join(opts.root, CACHE_DIR, 'addon', key);
  const stamp = path.join(cacheDir, 'stamp.json');
  const cached = readJson<{ relative: string; libDir: string }>(stamp);
  if (cached && cached.libDir === lib.dir && existsSync(path.join(cacheDir, 'tfjs_binding.node'))) {
    const target = path.join(pkgDir, cached.relative);
    const have = findAddon(pkgDir);
    if (have !== target || sha256(have) !== sha256(path.join(cacheDir, 'tfjs_binding.node'))) {
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(path.join(cacheDir, 'tfjs_binding.node'), target);
    }
    return { addon: target, reused: true };
  }
  opts.log(`addon: compiling ${pkg}'s binding/*.cc against ${path.relative(opts.root, lib.dir) || lib.dir} (about 20 s)`);
  const nodeDir = localNodeDir();
  const preGyp = path.join(opts.root, 'node_modules', '@mapbox', 'node-pre-gyp', 'bin', 'node-pre-gyp');
  if (!existsSync(preGyp)) throw new SetupError(`no ${preGyp}: ${pkg} was installed without its dependencies`);
  rmSync(path.join(pkgDir, 'build'), { recursive: true, force: true });
  const args = [preGyp, 'install', '--build-from-source', ...(nodeDir ? [`--nodedir=${nodeDir}`] : [])];
  const res = run(process.execPath, args, { cwd: pkgDir });
  const addon = findAddon(pkgDir);
  if (res.status !== 0 || !addon) {
    const err = (res.stderr + '\n' + res.stdout).split('\n').find((l) => /error|fatal|not found/i.test(l) && !/^gyp (info|ERR! (stack|System|command|cwd|node|not ok))/.test(l));
    const noHeaders = !nodeDir && /node-v\d|headers|ENOTFOUND|EAI_AGAIN/.test(res.stderr) ? ' (no Node.js headers beside the node binary and none downloadable: install them, e.g. the nodejs-dev package)' : '';
    throw new SetupError(`compiling the ${pkg} addon failed: ${(err ?? lastLine(res.stderr)).trim()}${noHeaders}`);
  }
  // The object files are ~30 MB and no longer needed.
  rmSync(path.join(pkgDir, 'build'), { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  copyFileSync(addon, path.join(cacheDir, 'tfjs_binding.node'));
  writeJson(stamp, { relative: path.relative(pkgDir, addon), libDir: lib.dir });
  return { addon, reused: false };
}

/** Loads the package in a child process (so TensorFlow's stderr can be read) and returns what it reports. */
function probe(root: string, pkg: NodePackage, gpu: boolean): { tfVersion: string; usingGpu: boolean; stderr: string } {
  const code = [
    `const tf = await import('@tensorflow/tfjs-core');`,
    `await import('${pkg}');`,
    `if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialise');`,
    `const b = tf.backend();`,
    `const y = tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[1], [1]])).dataSync();`,
    `if (y[0] !== 3 || y[1] !== 7) throw new Error('matMul gave ' + Array.from(y));`,
    `console.log(JSON.stringify({ tfVersion: b.binding.TF_Version, usingGpu: b.isUsingGpuDevice }));`,
  ].join('\n');
  // With --gpu TensorFlow's own messages say why no GPU was used (missing libcudart, libcudnn, driver).
  const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: gpu ? '0' : '2' };
  const res = run(process.execPath, ['--input-type=module', '-e', code], { cwd: root, env });
  if (res.status !== 0) {
    const line = res.stderr.split('\n').find((l) => /Error|error while loading/.test(l)) ?? lastLine(res.stderr);
    throw new SetupError(`the built ${pkg} does not load: ${line.trim()}`);
  }
  return { ...(JSON.parse(lastLine(res.stdout)) as { tfVersion: string; usingGpu: boolean }), stderr: res.stderr };
}

/** Library folders of the pip-installed NVIDIA wheels (site-packages/nvidia/<x>/lib), for LD_LIBRARY_PATH. */
export function nvidiaLibDirs(python = 'python3'): string[] {
  const code = 'import nvidia, os\nfor p in nvidia.__path__:\n  for d in sorted(os.listdir(p)):\n    l = os.path.join(p, d, "lib")\n    if os.path.isdir(l): print(l)';
  try {
    const res = run(python, ['-c', code]);
    return res.status === 0 ? res.stdout.split('\n').filter(Boolean) : [];
  } catch {
    return [];
  }
}

/** The whole setup; idempotent. Throws SetupError (one line) on the first thing missing. */
export function setupTensorflow(opts: SetupOptions): SetupSummary {
  const started = Date.now();
  const pkg: NodePackage = opts.gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  const version = pinnedTfjsVersion(opts.root);
  // The user's inputs are checked first, before the tools and before npm or pip run.
  if (opts.wheel && !existsSync(opts.wheel)) throw new SetupError(`--wheel ${opts.wheel}: no such file`);
  const given = opts.libtensorflow ? libFromDir(opts.libtensorflow) : null;
  const python = checkTools(!opts.wheel && !opts.libtensorflow);
  if (!existsSync(path.join(opts.root, 'node_modules', '@tensorflow', 'tfjs-core'))) {
    throw new SetupError(`no node_modules/@tensorflow/tfjs-core in ${opts.root}: run npm ci first`);
  }
  const reused: string[] = [];
  if (!installPackage(opts, pkg, version)) reused.push(`${pkg}@${version}`);
  const pkgDir = path.join(opts.root, 'node_modules', pkg);
  const lib = given ?? libFromWheel(opts, python, path.join(pkgDir, 'binding'));
  if ('reused' in lib && lib.reused) reused.push('libtensorflow');
  if (!linkDeps(pkgDir, lib.dir)) reused.push('deps link');
  const { addon, reused: addonReused } = buildAddon(opts, pkg, version, lib);
  if (addonReused) reused.push('addon');
  const probed = probe(opts.root, pkg, opts.gpu);
  const summary: SetupSummary = {
    package: pkg,
    tfjsVersion: version,
    tfVersion: probed.tfVersion,
    build: lib.build,
    usingGpu: probed.usingGpu,
    libtensorflowDir: lib.dir,
    source: lib.source,
    addon,
    reused,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  writeJson(path.join(opts.root, CACHE_DIR, 'installed.json'), summary);
  if (opts.gpu && !probed.usingGpu) {
    const why = probed.stderr.split('\n').find((l) => /Cannot dlopen|Could not load dynamic library|cuda|CUDA|GPU/.test(l) && !/cpu_feature_guard/.test(l));
    const dirs = nvidiaLibDirs(python);
    const hint = lib.build === 'cpu'
      ? `${lib.source} is a CPU-only libtensorflow: use the CUDA \`tensorflow\` wheel`
      : dirs.length > 0
        ? `export LD_LIBRARY_PATH=${dirs.join(':')} and run it again`
        : "no CUDA 12 libraries: pip install 'tensorflow[and-cuda]' (nvidia-*-cu12 wheels) and put each site-packages/nvidia/*/lib on LD_LIBRARY_PATH";
    throw new SetupError(`built ${pkg} on libtensorflow ${probed.tfVersion}, but TensorFlow sees no GPU: ${hint}${why ? ` (TensorFlow: ${why.replace(/^.*\] /, '').trim()})` : ''}`);
  }
  return summary;
}
