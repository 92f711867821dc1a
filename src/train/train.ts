/**
 * The `train` stage: a CRNN with the configured pooling head trained on clip-level labels (plus frame-level labels
 * and a mean-teacher consistency term when the data has them), validated each epoch, checkpointed, resumable.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { configToYaml } from '../config/load.ts';
import { checkStoreSettings } from '../features/settings-diff.ts';
import type { SedConfig } from '../config/types.ts';
import { ConfigError, DataError } from '../errors.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { selectBackend } from '../backend/select.ts';
import { buildCrnn } from '../model/crnn.ts';
import type { Logger } from '../util/log.ts';
import { createProgress } from '../util/progress.ts';
import { Rng, withMathRandom } from '../util/rng.ts';
import { readState, restoreOptimizer, writeCheckpoint, type TrainState } from '../checkpoint/checkpoint.ts';
import { resumeMessage } from './resume-message.ts';
import { logPoolingStart, warnIfPoolingNeverLearns } from './pooling-warmup.ts';
import { lastCheckpointDir, prepareRunFolder } from './run-folder.ts';
import { batchShapeFor, loadBatch, type Batch, type BatchShape } from '../data/batch.ts';
import { checkClasses, clipsOfRoles, openFeatureSource } from '../data/feature-source.ts';
import { predictClips } from '../infer/predict-clips.ts';
import { loadModel } from '../model/model-io.ts';
import { poolingHooks } from '../model/pooling-hooks.ts';
import { stepProbe, trainStep } from './accumulate.ts';
import { sigmoidRampup } from './losses.ts';
import { describeChoice, guardMemory, resolveMicroBatch } from '../backend/micro-batch.ts';
import { clipF1PerClass } from '../metrics/tagging.ts';
import { countClipDecisions, updateUnfrozen, zeroCounts } from './pooling-gate.ts';
import { validationMetrics, type ValidationMetrics } from './validate.ts';
import { checkResumeConfig } from './resume-check.ts';
import { frozenClasses } from '../report/n-c-summary.ts';
import { reconcileBest, writeEpochCheckpoints } from '../checkpoint/best-and-last.ts';

export interface TrainPaths {
  features: string;
  out: string;
}

export interface TrainOptions {
  resume?: boolean;
  /** Aborting finishes the current step, writes a checkpoint and returns. */
  signal?: AbortSignal;
}

export interface TrainSummary {
  out: string;
  backend: string;
  pooling: string;
  epochs: number;
  steps: number;
  best_epoch: number | null;
  select_metric: string;
  best_value: number | null;
  seconds: number;
  seconds_per_epoch: number;
  per_class: Record<string, number> | null;
  interrupted: boolean;
}

export interface EpochRecord {
  epoch: number;
  step: number;
  seconds: number;
  train: Record<string, number>;
  val: ValidationMetrics;
  per_class: { name: string; values: Record<string, number> } | null;
  /** Classes whose pooling parameters are free after this epoch (with pooling.unfreeze_f1). */
  pooling_unfrozen?: string[];
  /** Clip-level F1 per class on this epoch's training clips (what pooling.unfreeze_f1 gates on). */
  gate_clip_f1_per_class?: Record<string, number>;
}

const TRAIN_ROLES = ['train_weak', 'train_strong'];
// checkpoint selection sees only the validation subset: the test subset (eval/public, 2017 evaluation) is for reporting
const VALIDATION_ROLES = ['validation'];
const HIGHER_IS_BETTER: Record<string, boolean> = { val_loss: false, clip_f1_macro: true, event_f1_macro: true, event_f1_macro_tuned: true };

/**
 * The `train` stage: trains the CRNN of `config.net` with the head of `config.pooling` on the store in
 * `paths.features` (training roles train_weak + train_strong, plus train_unlabeled with mean teacher; validation on
 * validation/test), Adam with the pooling parameters on their own optimizer; power pooling adds λ Σ n_c² and keeps
 * n_c ≥ 0 (after Liu et al. 2020). Writes into `paths.out`: config.yaml, feature_stats.json, metrics.jsonl (one line
 * per epoch), checkpoints/last (and best/), n_c.json and summary.json; `opts.resume` continues from
 * checkpoints/last; `opts.signal` stops after the current step with a checkpoint (summary.interrupted = true).
 * Throws ConfigError when the config's feature settings differ from the store's or a resumed run's config differs
 * (only train.epochs may grow), DataError when the store has no training clips, UsageError when `out` holds a
 * checkpoint and `opts.resume` is false (a folder without one is a fresh start: src/train/run-folder.ts).
 */
export async function runTrain(config: SedConfig, paths: TrainPaths, log: Logger, opts: TrainOptions = {}): Promise<TrainSummary> {
  const startMs = Date.now();
  const checkpointDir = lastCheckpointDir(paths.out);
  const resumeFrom = await prepareRunFolder(paths.out, Boolean(opts.resume), log);
  if (resumeFrom) checkResumeConfig(paths.out, config);
  const source = openFeatureSource(paths.features);
  checkClasses(source, config.data.classes);
  checkStoreSettings(paths.features, source.info.settings, source.info.settings_hash, config.features);
  const mt = config.train.mean_teacher;
  const trainRefs = clipsOfRoles(source, mt.enabled ? [...TRAIN_ROLES, 'train_unlabeled'] : TRAIN_ROLES);
  const valRefs = clipsOfRoles(source, VALIDATION_ROLES);
  if (!trainRefs.length) throw new DataError(paths.features, 'no training clips in this feature store');
  const classes = source.classes;

  const shape = batchShapeFor(source, config.net);
  const backend = await selectBackend(config.train.backend);
  log.info(`computing on the ${backend.backend} backend`);
  log.debug(`backend: ${backend.reason}`);

  let state: Omit<TrainState, 'optimizers'>;
  let model: tfl.LayersModel;
  let teacher: tfl.LayersModel | null = null;
  const mainOptimizer = tf.train.adam(config.train.lr);
  const poolingOptimizer = tf.train.adam(config.pooling.lr ?? config.train.lr);
  const build = () => buildCrnn({ net: config.net, pooling: config.pooling, nMels: source.nMels, nClasses: classes.length, frames: shape.frames });
  if (resumeFrom) {
    const saved = readState(resumeFrom);
    model = await loadModel(resumeFrom);
    if (mt.enabled) teacher = await loadModel(join(resumeFrom, 'teacher'));
    for (const [name, optimizer] of [['main', mainOptimizer], ['pooling', poolingOptimizer]] as const) {
      const specs = saved.optimizers[name] ?? [];
      if (specs.length) await restoreOptimizer(optimizer, new Uint8Array(readFileSync(join(resumeFrom, `optimizer-${name}.bin`))), specs);
    }
    state = { ...saved, interrupted: false };
    await truncateMetrics(paths.out, state.epoch);
    await writeFileAtomic(join(paths.out, 'config.yaml'), configToYaml(config)); // train.epochs may have grown
    await reconcileBest(paths.out);
    log.info(resumeMessage(resumeFrom, state, config.train.epochs, Math.ceil(trainRefs.length / config.train.batch_size)));
  } else {
    const rng = new Rng(config.train.seed);
    model = await withMathRandom(rng, async () => build());
    if (mt.enabled) {
      const fresh = build();
      fresh.setWeights(model.getWeights());
      teacher = fresh;
    }
    state = { epoch: 0, batch_in_epoch: 0, step: 0, rng: rng.state(), best: null, epoch_sums: {}, interrupted: false, unfrozen: config.pooling.unfreeze_f1 === null ? null : classes.map(() => false), clip_counts: zeroCounts(classes.length) };
    await writeFileAtomic(join(paths.out, 'config.yaml'), configToYaml(config));
    // predict needs the normalisation and class list without the feature store
    await writeFileAtomic(join(paths.out, 'feature_stats.json'), `${JSON.stringify({ ...source.stats, classes }, null, 1)}\n`);
  }
  const hooks = poolingHooks(model);
  const head = hooks.head;
  const poolingVars = new Set(head.trainableWeights.map((w) => (w.read() as tf.Variable).name));
  warnIfPoolingNeverLearns(config, poolingVars.size > 0 ? (head.perClassParameters()?.name ?? 'the pooling parameters') : null, log);
  const allVars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const rng = new Rng(state.rng);
  const batchSize = config.train.batch_size;
  const stepsPerEpoch = Math.ceil(trainRefs.length / batchSize);
  log.info({ train_clips: trainRefs.length, validation_clips: valRefs.length, steps_per_epoch: stepsPerEpoch, params: model.countParams() }, `training ${config.pooling.head} pooling`);
  const probe = stepProbe(model, teacher, hooks, loadBatch(source, trainRefs.slice(0, 2), shape), shape, allVars);
  const memory = await resolveMicroBatch(config.train.micro_batch, batchSize, backend.backend, config.train.memory_limit_gib, probe);
  const micro = memory.micro;
  log.info({ micro_batch: micro, batch_size: batchSize }, describeChoice(memory, batchSize));

  const epochSeconds: number[] = [];
  let interrupted = false;
  await withMathRandom(rng, async () => {
    for (let epoch = state.epoch; epoch < config.train.epochs && !interrupted; epoch++) {
      if (opts.signal?.aborted) {
        interrupted = true; // Ctrl-C during the previous epoch's validation or checkpoint: stop before this one
        state = { ...state, interrupted: true };
        break;
      }
      const epochStart = Date.now();
      const order = new Rng(config.train.seed * 1_000_003 + epoch).shuffle([...trainRefs]);
      const poolingFrozen = epoch < config.pooling.warmup_epochs;
      const vars = poolingFrozen ? allVars.filter((v) => !poolingVars.has(v.name)) : allVars;
      const sums = state.batch_in_epoch ? state.epoch_sums : {};
      const counts = state.batch_in_epoch ? state.clip_counts : zeroCounts(classes.length);
      const gate = !poolingFrozen && state.unfrozen ? state.unfrozen.map((free) => (free ? 1 : 0)) : null;
      const progress = createProgress(`epoch ${epoch + 1}/${config.train.epochs}`, stepsPerEpoch, log, { every: config.train.log_every, unit: 'step', start: state.batch_in_epoch });
      logPoolingStart(config, epoch, poolingVars.size > 0 ? (head.perClassParameters()?.name ?? 'the pooling parameters') : null, log);
      for (let b = state.batch_in_epoch; b < stepsPerEpoch; b++) {
        const batch = loadBatch(source, order.slice(b * batchSize, (b + 1) * batchSize), shape);
        const consistencyWeight = mt.enabled ? mt.consistency_weight * sigmoidRampup(epoch + b / stepsPerEpoch, mt.rampup_epochs) : 0;
        const terms = guardMemory(memory, backend.backend, () => trainStep(model, teacher, hooks, batch, shape, vars, poolingVars, {
          main: mainOptimizer,
          pooling: poolingOptimizer,
          lambda: poolingFrozen ? 0 : config.pooling.lambda,
          strongWeight: config.train.strong_weight,
          consistencyWeight,
          poolingGate: gate,
        }, micro));
        countClipDecisions(terms.clipProb, batch, counts);
        if (!poolingFrozen) hooks.project();
        if (teacher) emaUpdate(teacher, model, mt.ema_decay);
        for (const [k, v] of Object.entries(terms.losses)) sums[k] = (sums[k] ?? 0) + v;
        sums.batches = (sums.batches ?? 0) + 1;
        state.step++;
        progress.tick(1, `loss ${terms.losses.loss.toFixed(4)}`);
        await new Promise<void>((resolve) => setImmediate(resolve)); // a step keeps the event loop busy: let a Ctrl-C in
        if (opts.signal?.aborted) {
          interrupted = true;
          state = { ...state, epoch, batch_in_epoch: b + 1, epoch_sums: sums, clip_counts: counts, rng: rng.state(), interrupted: true };
          break;
        }
      }
      progress.done();
      if (interrupted) break;

      const train = Object.fromEntries(Object.entries(sums).filter(([k]) => k !== 'batches').map(([k, v]) => [k, v / sums.batches]));
      const val = valRefs.length
        ? validationMetrics(predictClips(model, source, valRefs, shape, micro), classes, config, shape.outGrid)
        : { loss: NaN, clip_f1_macro: NaN, event_f1_macro: null, event_f1_macro_tuned: null };
      const perClass = head.perClassParameters();
      const seconds = (Date.now() - epochStart) / 1000;
      epochSeconds.push(seconds);
      const record: EpochRecord = {
        epoch: epoch + 1,
        step: state.step,
        seconds,
        train,
        val,
        per_class: perClass ? { name: perClass.name, values: Object.fromEntries(classes.map((c, i) => [c, perClass.values[i]])) } : null,
      };
      const trainClipF1 = clipF1PerClass(counts);
      // the pooling gate's statistic (clip probabilities ≥ 0.5 on training clips), not the validation clip F1
      record.train.gate_clip_f1_macro = trainClipF1.reduce((a, b) => a + b, 0) / Math.max(1, trainClipF1.length);
      record.gate_clip_f1_per_class = Object.fromEntries(classes.map((c, i) => [c, round(trainClipF1[i])]));
      const metricValue = config.train.select_metric === 'val_loss' ? val.loss : (val[config.train.select_metric] ?? NaN);
      const improved = Number.isFinite(metricValue) && (!state.best || (HIGHER_IS_BETTER[config.train.select_metric] ? metricValue > state.best.value : metricValue < state.best.value));
      if (improved) state.best = { metric: config.train.select_metric, value: metricValue, epoch: epoch + 1 };
      const unfrozen = updateUnfrozen(state.unfrozen, counts, config.pooling.unfreeze_f1, epoch + 1 >= config.pooling.warmup_epochs);
      if (unfrozen) record.pooling_unfrozen = classes.filter((_, c) => unfrozen[c]);
      state = { ...state, epoch: epoch + 1, batch_in_epoch: 0, epoch_sums: {}, clip_counts: zeroCounts(classes.length), unfrozen, rng: rng.state() };
      await appendFile(join(paths.out, 'metrics.jsonl'), `${JSON.stringify(record)}\n`);
      log.info(
        { loss: round(train.loss), val_loss: round(val.loss), clip_f1: round(val.clip_f1_macro), event_f1: val.event_f1_macro === null ? null : round(val.event_f1_macro), seconds: round(seconds, 1), ...(perClass ? { [perClass.name]: Object.fromEntries(classes.map((c, i) => [c, round(perClass.values[i], 3)])) } : {}) },
        `epoch ${epoch + 1}/${config.train.epochs}${improved ? ' (best)' : ''}`,
      );
      const content = { model, teacher, optimizers: { main: mainOptimizer, pooling: poolingOptimizer }, state, perClass: perClassJson(config, epoch + 1, classes, perClass) };
      await writeEpochCheckpoints(paths.out, content, improved); // best/ and last/ consistent at every instant
      if (config.train.keep_all_checkpoints) await writeCheckpoint(join(paths.out, 'checkpoints', `epoch-${String(epoch + 1).padStart(3, '0')}`), content);
    }
  });
  if (interrupted) {
    const perClass = head.perClassParameters();
    await writeCheckpoint(checkpointDir, { model, teacher, optimizers: { main: mainOptimizer, pooling: poolingOptimizer }, state, perClass: perClassJson(config, state.epoch, classes, perClass) });
    log.warn({ epoch: state.epoch, batch: state.batch_in_epoch }, `interrupted: checkpoint written to ${checkpointDir}; continue with --resume`);
  }
  const finalParams = head.perClassParameters();
  const finalJson = perClassJson(config, state.epoch, classes, finalParams);
  if (finalJson && !interrupted) await writeFileAtomic(join(paths.out, 'n_c.json'), `${JSON.stringify(finalJson, null, 1)}\n`);
  const seconds = (Date.now() - startMs) / 1000;
  const summary: TrainSummary = {
    out: paths.out,
    backend: backend.backend,
    pooling: config.pooling.head,
    epochs: state.epoch,
    steps: state.step,
    best_epoch: state.best?.epoch ?? null,
    select_metric: config.train.select_metric,
    best_value: state.best?.value ?? null,
    seconds,
    seconds_per_epoch: epochSeconds.length ? epochSeconds.reduce((a, b) => a + b, 0) / epochSeconds.length : 0,
    per_class: finalParams ? Object.fromEntries(classes.map((c, i) => [c, finalParams.values[i]])) : null,
    interrupted,
  };
  if (!interrupted) await writeFileAtomic(join(paths.out, 'summary.json'), `${JSON.stringify(summary, null, 1)}\n`);
  model.dispose();
  teacher?.dispose();
  return summary;
}

/** teacher ← decay · teacher + (1 − decay) · student, over every weight (batch-norm statistics included). */
function emaUpdate(teacher: tfl.LayersModel, student: tfl.LayersModel, decay: number) {
  tf.tidy(() => {
    const t = teacher.weights;
    const s = student.weights;
    t.forEach((w, i) => w.write(tf.add(tf.mul(w.read(), decay), tf.mul(s[i].read(), 1 - decay))));
  });
}

function perClassJson(config: SedConfig, epoch: number, classes: string[], params: { name: string; values: number[] } | null) {
  if (!params) return null;
  // `frozen`: classes whose n_c never left n_init (report/n-c-summary.ts), so no reader takes them for learned values
  const frozen = frozenClasses(config, classes, params.values);
  return { pooling: config.pooling.head, epoch, [params.name]: Object.fromEntries(classes.map((c, i) => [c, params.values[i]])), ...(frozen.length ? { frozen } : {}) } as {
    pooling: string;
    epoch: number;
    [k: string]: unknown;
  };
}

/** Drops metrics lines of epochs after the checkpoint, so a resumed run's metrics.jsonl equals an uninterrupted one. */
async function truncateMetrics(out: string, epochsDone: number) {
  const file = join(out, 'metrics.jsonl');
  if (!existsSync(file)) return;
  const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim());
  const kept = lines.filter((l) => {
    try {
      return JSON.parse(l).epoch <= epochsDone;
    } catch {
      return false;
    }
  });
  await writeFile(file, kept.map((l) => `${l}\n`).join(''));
}

const round = (x: number, digits = 4) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
