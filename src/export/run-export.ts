/**
 * `sed export`: a run's checkpoint → a self-contained static folder that detects events in a web browser, offline
 * and from any static file server (no CDN, no build step for the user):
 *
 *   index.html        the page (src/web/index.html)
 *   sed-web.js        ONE bundle, built here with esbuild from src/web/page.ts: tfjs (webgl, wasm, cpu backends),
 *                     our resampler, log-mel, normalisation, windowing, post-processing and pooling-head layers
 *   sed-web.js.LEGAL.txt  the licence comments of the bundled packages
 *   tfjs-backend-wasm*.wasm  the wasm backend's binaries, fetched from this folder
 *   model/model.json, model/weights.bin  the checkpoint, unchanged
 *   metadata.json     classes, feature settings, feature statistics, post-processing, time pooling, n_c (WebMetadata)
 *
 * The folder is built beside `out` and renamed into place; an existing `out` is replaced only when it is an export.
 */
import { copyFile, mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { loadConfig, type ConfigOverride } from '../config/load.ts';
import { DataError, UsageError } from '../errors.ts';
import { readRunStats, runWindowGeometry } from '../infer/run-predict.ts';
import { checkpointDir } from '../infer/run-folder.ts';
import { timePoolingFactor } from '../model/crnn.ts';
import type { Logger } from '../util/log.ts';
import type { WebMetadata } from '../web/sed-web.ts';

export interface ExportSummary {
  out: string;
  checkpoint: string;
  classes: number;
  bundle_bytes: number;
  total_bytes: number;
  seconds: number;
}

const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

/** Bundles src/web/page.ts for browsers (ES2020, minified) → the JS text and the licence comments. */
export async function buildWebBundle(): Promise<{ js: Uint8Array; legal: Uint8Array | null }> {
  const result = await build({
    entryPoints: [join(WEB_DIR, 'page.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    minify: true,
    legalComments: 'linked',
    outfile: 'sed-web.js',
    write: false,
    logLevel: 'silent',
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('sed-web.js'));
  if (!js) throw new Error('esbuild produced no sed-web.js');
  const legal = result.outputFiles.find((f) => f.path.endsWith('.LEGAL.txt'));
  return { js: js.contents, legal: legal?.contents ?? null };
}

/** The metadata the page reads, from the run's config, statistics and the checkpoint's n_c.json. */
export function webMetadata(run: string, checkpoint: string, dir: string, overrides: ConfigOverride[] = []): WebMetadata {
  const config = loadConfig(join(run, 'config.yaml'), overrides);
  const stats = readRunStats(run, config);
  const g = runWindowGeometry(config);
  let poolingParams: Record<string, unknown> | null = null;
  const paramsFile = join(dir, 'n_c.json');
  if (existsSync(paramsFile)) {
    try {
      poolingParams = JSON.parse(readFileSync(paramsFile, 'utf8'));
    } catch (err) {
      throw new DataError(paramsFile, `not JSON: ${(err as Error).message}`);
    }
  }
  const nC = poolingParams && typeof poolingParams.n_c === 'object' ? (poolingParams.n_c as Record<string, number>) : null;
  let epoch: number | null = null;
  if (typeof poolingParams?.epoch === 'number') epoch = poolingParams.epoch;
  else if (existsSync(join(dir, 'state.json'))) epoch = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).epoch ?? null;
  return {
    format: 'sed-web/1',
    classes: stats.classes,
    features: config.features,
    time_pool: timePoolingFactor(config.net),
    stats: { mean: stats.mean, std: stats.std },
    postprocess: config.postprocess,
    window_hop_sec: (g.hopFrames * g.frameSamples) / g.sampleRateHz,
    pooling: config.pooling.head,
    n_c: nC,
    pooling_params: poolingParams,
    run: basename(resolve(run)),
    checkpoint,
    epoch,
  };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await folderBytes(path) : (await stat(path)).size;
  }
  return total;
}

/**
 * Writes the export folder `out` for `run`'s checkpoint `checkpoint` (default best), its post-processing overridden
 * by `overrides` (--threshold, --median) if given. Throws DataError for a run
 * without that checkpoint or with invalid statistics, UsageError when `out` exists and is not an earlier export.
 */
export async function runExport(paths: { run: string; out: string }, log: Logger, opts: { checkpoint?: string; overrides?: ConfigOverride[] } = {}): Promise<ExportSummary> {
  const startMs = Date.now();
  const checkpoint = opts.checkpoint ?? 'best';
  const dir = checkpointDir(paths.run, checkpoint);
  const metadata = webMetadata(paths.run, checkpoint, dir, opts.overrides);
  const out = resolve(paths.out);
  if (existsSync(out)) {
    const entries = await readdir(out);
    if (entries.length > 0 && !existsSync(join(out, 'metadata.json'))) {
      throw new UsageError(`--out ${paths.out}: exists and is not an export folder (no metadata.json); choose a new or empty folder`);
    }
  }
  const temp = `${out}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(join(temp, 'model'), { recursive: true });
    log.info({ checkpoint: dir }, 'bundling the page with esbuild');
    const bundle = await buildWebBundle();
    await writeFile(join(temp, 'sed-web.js'), bundle.js);
    if (bundle.legal) await writeFile(join(temp, 'sed-web.js.LEGAL.txt'), bundle.legal);
    await copyFile(join(WEB_DIR, 'index.html'), join(temp, 'index.html'));
    const model = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    await copyFile(join(dir, 'model.json'), join(temp, 'model', 'model.json'));
    for (const p of model.weightsManifest.flatMap((g) => g.paths)) {
      await mkdir(dirname(join(temp, 'model', p)), { recursive: true });
      await copyFile(join(dir, p), join(temp, 'model', p));
    }
    const wasmDir = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    for (const name of await readdir(wasmDir)) if (name.endsWith('.wasm')) await copyFile(join(wasmDir, name), join(temp, name));
    await writeFile(join(temp, 'metadata.json'), `${JSON.stringify(metadata, null, 1)}\n`);
    await rm(out, { recursive: true, force: true });
    await mkdir(dirname(out), { recursive: true });
    await rename(temp, out);
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    throw err;
  }
  return {
    out: paths.out,
    checkpoint: dir,
    classes: metadata.classes.length,
    bundle_bytes: (await stat(join(out, 'sed-web.js'))).size,
    total_bytes: await folderBytes(out),
    seconds: (Date.now() - startMs) / 1000,
  };
}
