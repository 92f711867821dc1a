/**
 * The `eval` stage: a run's checkpoint over one subset of a feature store → frame probabilities (.npy per clip),
 * detections TSV, per-threshold detections for PSDS, metrics.json in the `sed metrics --json` shape, report.md.
 */
import { join } from 'node:path';
import { loadConfig, type ConfigOverride } from '../config/load.ts';
import { checkStoreSettings } from '../features/settings-diff.ts';
import { DataError } from '../errors.ts';
import { readManifest } from '../features/store.ts';
import { encodeNpy } from '../io/npy.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { formatEventTsv } from '../io/event-tsv.ts';
import { selectBackend } from '../backend/select.ts';
import { computeMetrics, metricsOptionsFromConfig, metricsToJson, type MetricsReport } from '../metrics/compute-metrics.ts';
import { medianCandidateFrames, postprocessFromConfig } from '../postprocess/from-config.ts';
import { chooseMedianWindows, type MedianChoice } from '../postprocess/tune-median.ts';
import { frameHopSec, secFromFrame } from '../data/time-grid.ts';
import { detectEvents, operatingPoints, psdsThresholds } from '../postprocess/sweep.ts';
import { batchShapeFor } from '../data/batch.ts';
import { openFeatureSource, type ClipRef } from '../data/feature-source.ts';
import { referenceTable } from '../data/label-encoding.ts';
import { loadModel } from '../model/model-io.ts';
import { poolingHooks } from '../model/pooling-hooks.ts';
import type { Logger } from '../util/log.ts';
import * as tf from '@tensorflow/tfjs-core';
import { predictClips } from './predict-clips.ts';
import { describeChoice, isOutOfMemory, OutOfMemoryError, resolveMicroBatch } from '../backend/micro-batch.ts';
import { formatEvalReport } from './report.ts';
import { frozenClasses } from '../report/n-c-summary.ts';
import type { EvalSettings } from './report-sections.ts';
import { readClassesJson } from '../data/classes.ts';
import { readState } from '../checkpoint/checkpoint.ts';
import { checkpointDir } from './run-folder.ts';

export interface EvalPaths {
  run: string;
  features: string;
  out: string;
}

export interface EvalOptions {
  /** 'best' (default), 'last', or a folder name under checkpoints/ such as 'epoch-007'. */
  checkpoint?: string;
  subset?: string;
  overrides?: ConfigOverride[];
  backend?: 'auto' | 'tensorflow' | 'wasm' | 'cpu';
}

export interface EvalSummary {
  out: string;
  checkpoint: string;
  subset: string;
  clips: number;
  detections: number;
  event_f1_macro: number | null;
  segment_f1_macro: number | null;
  tagging_f1_macro: number | null;
  psds1: number | null;
  seconds: number;
}

/**
 * The `eval` stage: loads `opts.checkpoint` (default best) of the run in `paths.run` with its config.yaml (plus
 * `opts.overrides`), predicts every clip of `opts.subset` (default: the store's validation/test subset) of the store
 * in `paths.features`, and writes into `paths.out`: probabilities/<clip>.npy (float32 [outFrames, C]),
 * detections.tsv (post-processed per the config), psds/thr_*.tsv operating points, metrics.json (the `sed metrics
 * --json` shape) and report.md. With postprocess.median_candidates, each class's median window is first chosen on the
 * store's validation subset (median_windows.json says which and why). Metrics that need strong labels are null when
 * the subset has none. Throws DataError for a missing checkpoint or subset (or a validation subset when windows are
 * to be chosen), ConfigError when the run was trained on other feature settings.
 */
export async function runEval(paths: EvalPaths, log: Logger, opts: EvalOptions = {}): Promise<EvalSummary> {
  const startMs = Date.now();
  const config = loadConfig(join(paths.run, 'config.yaml'), opts.overrides ?? []);
  const dir = checkpointDir(paths.run, opts.checkpoint);
  const source = openFeatureSource(paths.features);
  checkStoreSettings(paths.features, source.info.settings, source.info.settings_hash, config.features, 'run');
  const subset = opts.subset ?? source.info.subsets.find((s) => s.role === 'validation' || s.role === 'test')?.name;
  if (!subset || !source.info.subsets.some((s) => s.name === subset))
    throw new DataError(paths.features, `no subset '${subset ?? '(validation)'}' here; subsets: ${source.info.subsets.map((s) => s.name).join(', ')}`);
  // the backend after every check of the inputs: a usage error comes without a backend line before it
  const backend = await selectBackend(opts.backend ?? 'auto');
  log.info(`computing on the ${backend.backend} backend`);
  log.debug(`backend: ${backend.reason}`);
  const model = await loadModel(dir);
  const manifest = readManifest(source.dir, subset, source.info.settings_hash);
  const refs: ClipRef[] = manifest.clips.map((clip) => ({ subset, clip, hasWeak: true, hasStrong: clip.events !== null }));
  const shape = batchShapeFor(source, config.net);
  const { outFrames } = shape;
  const classes = source.classes;
  log.info({ checkpoint: dir, subset, clips: refs.length }, 'predicting');
  // clips per forward pass: train.micro_batch, or with `auto` a forward-only memory probe, so that a net whose
  // training batch did not fit (DCASE 2019 on wasm) does not trap here either
  const inference = await resolveMicroBatch(config.train.micro_batch, config.train.batch_size, backend.backend, config.train.memory_limit_gib, (m) =>
    tf.tidy(() => {
      model.predict(tf.zeros([m, shape.frames, shape.nMels]));
    }),
  );
  log.debug(describeChoice(inference, config.train.batch_size));
  let pred: ReturnType<typeof predictClips>;
  try {
    pred = predictClips(model, source, refs, shape, inference.micro);
  } catch (err) {
    if (!isOutOfMemory(err)) throw err;
    throw new OutOfMemoryError(`predicting ${inference.micro} clip(s) per pass ran out of memory on the ${backend.backend} backend; set a smaller train.micro_batch in ${join(paths.run, 'config.yaml')}, or use --backend tensorflow`);
  }

  for (let i = 0; i < refs.length; i++) {
    const name = refs[i].clip.npy;
    await writeFileAtomic(join(paths.out, 'probabilities', name), encodeNpy(pred.frameProb[i], [outFrames, classes.length]));
  }
  const clipsOf = (list: ClipRef[], frameProb: Float32Array[]) =>
    list.map((r, i) => ({ file: r.clip.name, prob: frameProb[i], clipDurationSec: Math.min(r.clip.duration_sec, secFromFrame(outFrames, shape.outGrid)) }));
  const clips = clipsOf(refs, pred.frameProb);
  const { options, thresholds } = postprocessFromConfig(config.postprocess, classes, shape.outGrid);
  const scoring = metricsOptionsFromConfig(config.eval).options;
  // per-class median windows chosen on the validation subset (postprocess.median_candidates), never on `subset`
  // unless it is the validation subset itself (then said so)
  let medianChoice: (MedianChoice & { subset: string }) | null = null;
  const candidates = medianCandidateFrames(config.postprocess, shape.outGrid);
  if (candidates.length) {
    const validation = source.info.subsets.find((s) => s.role === 'validation')?.name;
    if (!validation) throw new DataError(paths.features, 'postprocess.median_candidates chooses windows on the validation subset, and this store has none');
    if (validation === subset) log.warn({ subset }, 'median windows are chosen on the subset being evaluated: these scores are optimistic');
    const valRefs: ClipRef[] = readManifest(source.dir, validation, source.info.settings_hash).clips.map((clip) => ({ subset: validation, clip, hasWeak: true, hasStrong: clip.events !== null }));
    const valClips = validation === subset ? clips : clipsOf(valRefs, predictClips(model, source, valRefs, shape, inference.micro).frameProb);
    const choice = chooseMedianWindows(valClips, referenceTable(valRefs), { classes, grid: options.grid }, thresholds, candidates, options.medianWindowsFrames[0] ?? 1, scoring);
    options.medianWindowsFrames = choice.windowsFrames;
    medianChoice = { ...choice, subset: validation };
    const windows = Object.fromEntries(classes.map((c, k) => [c, choice.windowsFrames[k]]));
    const record = { chosen_on: validation, frame_hop_sec: frameHopSec(options.grid), windows_frames: windows, candidates_frames: candidates, event_f1: choice.f1 };
    await writeFileAtomic(join(paths.out, 'median_windows.json'), `${JSON.stringify(record, null, 1)}\n`);
    log.info({ on: validation, windows }, 'median windows per class');
  }
  const detections = detectEvents(clips, options, thresholds);
  await writeFileAtomic(join(paths.out, 'detections.tsv'), formatEventTsv(detections));

  const reference = referenceTable(refs);
  const hasStrong = refs.some((r) => r.hasStrong);
  const { options: metricOptions, psdsParams } = metricsOptionsFromConfig(config.eval);
  metricOptions.warn = (message) => log.warn(message); // PSDS the tables do not allow: psds1 null, the rest reported
  if (hasStrong) {
    const points = operatingPoints(clips, options, psdsThresholds(config.eval.psds.n_thresholds));
    for (const p of points) await writeFileAtomic(join(paths.out, 'psds', `thr_${p.threshold.toFixed(3)}.tsv`), formatEventTsv(p.table));
    metricOptions.psds = { durationsSec: new Map(refs.map((r) => [r.clip.name, r.clip.duration_sec])), operatingPoints: points, params: psdsParams };
  }
  const report: MetricsReport = computeMetrics(reference, detections, metricOptions);
  await writeFileAtomic(join(paths.out, 'metrics.json'), `${metricsToJson(report)}\n`);
  const perClass = poolingHooks(model).head.perClassParameters();
  const state = readState(dir);
  const settings: EvalSettings = {
    threshold: config.postprocess.threshold,
    median: {
      window: config.postprocess.median_window,
      unit: config.postprocess.median_unit,
      frames: options.medianWindowsFrames[0] ?? 1,
      frameHopSec: frameHopSec(options.grid),
      perClass: medianChoice ? { chosenOn: medianChoice.subset, frames: Object.fromEntries(classes.map((c, k) => [c, medianChoice!.windowsFrames[k]])) } : undefined,
    },
    tCollarSec: config.eval.t_collar,
    percentageOfLength: config.eval.percentage_of_length,
    segmentSec: config.eval.segment_seconds,
    checkpoint: { epoch: state.epoch, batchInEpoch: state.batch_in_epoch, epochs: config.train.epochs },
  };
  const classInfo = await readClassesJson(source.info.root);
  const durations = classInfo ? new Map(classInfo.map((c) => [c.name, c.mean_duration_sec])) : null;
  await writeFileAtomic(join(paths.out, 'report.md'), formatEvalReport(report, { run: paths.run, checkpoint: dir, subset, pooling: config.pooling.head, classes, perClass, settings, durations, frozen: perClass ? frozenClasses(config, classes, perClass.values) : [] }));
  model.dispose();
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    out: paths.out,
    checkpoint: dir,
    subset,
    clips: refs.length,
    detections: detections.events.length,
    event_f1_macro: hasStrong ? finite(report.event_based.f1_macro) : null,
    segment_f1_macro: hasStrong ? finite(report.segment_based.f1_macro) : null,
    tagging_f1_macro: finite(report.tagging.f1_macro),
    psds1: report.psds1,
    seconds: (Date.now() - startMs) / 1000,
  };
}
