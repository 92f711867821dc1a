/**
 * The `reproduce` stage: synth (when the data folder is empty) → features → one training run per pooling head and
 * seed → eval, reusing whatever is already done, then the paper-style tables, the n_c-vs-duration analysis and plots.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { canonicalJson, type ConfigOverride } from '../config/load.ts';
import { join } from 'node:path';
import type { PoolingName, SedConfig } from '../config/types.ts';
import { runFeatures } from '../features/run-features.ts';
import { runEval } from '../infer/run-eval.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { mixRealDataset } from '../synth/real-mix.ts';
import { synthesizeDataset } from '../synth/synthesize.ts';
import { storeInfoPath } from '../features/store.ts';
import { ConfigError } from '../errors.ts';
import { runTrain } from '../train/train.ts';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { threadEnvVars } from '../bench/train-compare.ts';
import { SedError } from '../errors.ts';
import type { RunOneTask } from './run-one.ts';
import type { Logger } from '../util/log.ts';
import { meanStd, spearman } from '../report/stats.ts';
import { ncDurationCheck, ncMarkdown, ncSummary, ncVsDurationSvg, releaseEpochs, trainingCurvesSvg } from '../report/n-c-summary.ts';

export interface ReproduceSummary {
  out: string;
  runs: number;
  trained: number;
  reused: number;
  stage_seconds: Record<string, number>;
  spearman_n_c_duration: number | null;
  checks: { name: string; passed: boolean; detail: string }[];
  passed: boolean;
}

const FAMILIES = ['event_based', 'segment_based', 'tagging'] as const;

export interface ReproduceOptions {
  /**
   * Runs (train + eval) at once, each in its own process with every thread pool capped at one thread
   * (reproduce/run-one.ts: the same runTrain/runEval calls, so the files are those of a serial run). Default 1: in
   * this process, one after the other.
   */
  jobs?: number;
}

const RUN_ONE = fileURLToPath(new URL('./run-one.ts', import.meta.url));
// tsx's loader by its resolved location, so that the child works from any working directory
const TSX = import.meta.resolve('tsx');

/** Runs each task in a child process, `jobs` at a time; throws (after the others finish) naming the failed runs. */
async function runInChildren(tasks: RunOneTask[], jobs: number, log: Logger): Promise<void> {
  const failures: string[] = [];
  let next = 0;
  const env = { ...process.env, ...threadEnvVars(1) };
  const lane = async () => {
    while (next < tasks.length) {
      const t = tasks[next++]!;
      log.info({ run: t.run }, t.train ? 'training (child process)' : 'evaluating (child process)');
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', TSX, RUN_ONE, JSON.stringify(t)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', (e) => resolve({ code: null, stderr: e.message }));
        child.on('close', (c) => resolve({ code: c, stderr: err }));
      });
      if (code !== 0) failures.push(`${t.run}: ${stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, lane));
  if (failures.length) throw new SedError(`${failures.length} reproduction run(s) failed: ${failures.join('; ')}`);
}

/**
 * Whether a run folder's saved config.yaml (text) was trained with `runConfig`'s settings. The `reproduce` section is
 * left out: it lists the other heads and seeds of a reproduction, which never reach training, so `--heads power` after
 * a two-head reproduction, or the seven-head config after the CI one, reuses the runs they share.
 */
export function sameRunSettings(savedYaml: string, runConfig: SedConfig): boolean {
  const { reproduce: _savedReproduce, ...saved } = (parseYaml(savedYaml) ?? {}) as Record<string, unknown>;
  const { reproduce: _reproduce, ...wanted } = runConfig;
  return canonicalJson(withoutEvalOnly(saved)) === canonicalJson(withoutEvalOnly(wanted));
}

/**
 * postprocess.median_candidates is used by eval only (the choice of windows on validation), and by training only
 * when it selects checkpoints by train.select_metric event_f1_macro_tuned.
 */
function withoutEvalOnly(config: Record<string, unknown>): Record<string, unknown> {
  const post = config.postprocess as Record<string, unknown> | undefined;
  if ((config.train as Record<string, unknown> | undefined)?.select_metric === 'event_f1_macro_tuned') return config;
  if (!post || !('median_candidates' in post)) return config;
  const { median_candidates: _candidates, ...rest } = post;
  return { ...config, postprocess: rest };
}

/**
 * The `reproduce` stage: synth (when data.root is empty) → features → one training run per head in
 * `config.reproduce.heads` and seed in `config.reproduce.seeds` → eval, reusing finished stages under `paths.out`;
 * writes results.md/json (mean ± std over seeds per head), n_c.md/json (n_c per class beside its mean event duration,
 * Spearman ρ) and the plots, and returns the paper's two checks (power pooling ahead on event F1; ρ(n_c, duration)
 * negative) with `passed`. Errors of the stages pass through.
 */
export async function runReproduce(config: SedConfig, paths: { out: string }, log: Logger, opts: ReproduceOptions = {}): Promise<ReproduceSummary> {
  const seconds: Record<string, number> = {};
  const timed = async <T>(stage: string, fn: () => Promise<T>) => {
    const start = Date.now();
    const result = await fn();
    seconds[stage] = (seconds[stage] ?? 0) + (Date.now() - start) / 1000;
    return result;
  };
  const r = config.reproduce;
  const root = config.data.root;
  const metadata = config.data.layout === 'dcase2019' ? join(root, 'metadata/train/weak.tsv') : join(root, 'groundtruth_weak_label_training_set.csv');
  // the data set a reproduction mixes is remade only when data.root is empty: a record of the settings it was made
  // with keeps a changed reproduce.synth_* from silently reusing the old mix
  const synthRecord = join(root, SYNTH_RECORD);
  const wantedSynth = synthSettings(config);
  if (existsSync(metadata) && existsSync(synthRecord)) {
    const made = JSON.parse(readFileSync(synthRecord, 'utf8')) as Record<string, unknown>;
    const changed = Object.keys(wantedSynth).filter((k) => canonicalJson(made[k] ?? null) !== canonicalJson(wantedSynth[k as keyof typeof wantedSynth]));
    if (changed.length) throw new ConfigError('reproduce', `${root} was made with other settings (${changed.join(', ')} differ from ${synthRecord}); delete ${root} to remake it, or set another data.root`);
  }
  if (!existsSync(metadata)) {
    if (Boolean(r.synth_events) !== Boolean(r.synth_backgrounds)) throw new ConfigError('reproduce.synth_events', 'reproduce.synth_events and reproduce.synth_backgrounds go together');
    if (r.synth_events) {
      if (config.data.layout !== 'dcase2019') throw new ConfigError('data.layout', 'mixes of real recordings are written in the dcase2019 layout');
      for (const [key, dir] of [['synth_events', r.synth_events], ['synth_backgrounds', r.synth_backgrounds]])
        if (!existsSync(dir)) throw new ConfigError(`reproduce.${key}`, `${dir} does not exist (make it with scripts/make-real-sound-set.ts)`);
      log.info({ root, clips: r.synth_clips, events: r.synth_events }, 'no data set found: mixing one from real recordings');
      const eventDurations = r.synth_event_durations ? (JSON.parse(readFileSync(r.synth_event_durations, 'utf8')) as Record<string, [number, number]>) : undefined;
      await timed('synth', () => mixRealDataset({ eventsDir: r.synth_events, backgroundsDir: r.synth_backgrounds, eventDurations, outDir: root, clips: r.synth_clips, seed: r.synth_seed, snrDb: r.synth_snr_db, trainSpeed: r.synth_speed }));
    } else {
      log.info({ root, clips: r.synth_clips }, 'no data set found: synthesizing one');
      await timed('synth', () => synthesizeDataset({ layout: config.data.layout, outDir: root, clips: r.synth_clips, seed: r.synth_seed }));
    }
    await writeFileAtomic(synthRecord, `${JSON.stringify(wantedSynth, null, 1)}\n`);
  }
  const features = join(paths.out, 'features');
  const fs = await timed('features', () => runFeatures(config.data, config.features, { out: features }, log, { fullConfig: config }));
  if (fs.failed) log.warn({ failed: fs.failed }, 'some clips failed feature extraction');
  // checkpoints are selected on the validation subset (train.select_metric); the tables come from the test subset
  // (DCASE 2019 eval/public, DCASE 2017 evaluation), which neither training nor selection has seen
  const storeInfo = JSON.parse(readFileSync(storeInfoPath(features), 'utf8')) as { classes: string[]; subsets: { name: string; role: string; clips: number }[] };
  const storeSubsets = storeInfo.subsets;
  const testSubset = storeSubsets.find((s) => s.role === 'test' && s.clips > 0);
  const reportSubset = testSubset?.name ?? storeSubsets.find((s) => s.role === 'validation')?.name;
  if (!reportSubset) throw new ConfigError('data.root', `${root} has neither a test nor a validation subset to report on`);
  if (!testSubset) log.warn({ subset: reportSubset }, 'no test subset (e.g. metadata/eval/public.tsv): reporting on the validation subset, which also selected the checkpoints');
  const reportedOn = { subset: reportSubset, clips: storeSubsets.find((s) => s.name === reportSubset)!.clips, held_out: Boolean(testSubset), selected_on: storeSubsets.find((s) => s.role === 'validation')?.name ?? null };

  const rows: { head: PoolingName; seed: number; id: string; metrics: Record<string, Record<string, number | null>> }[] = [];
  const pending: RunOneTask[] = [];
  let trained = 0;
  for (const head of r.heads) {
    for (const seed of r.seeds) {
      const id = `${head}-seed${seed}`;
      const run = join(paths.out, 'runs', id);
      const runConfig: SedConfig = { ...config, pooling: { ...config.pooling, head }, train: { ...config.train, seed } };
      const evalDir = join(paths.out, 'eval', id, reportSubset);
      // a run made with other settings is redone, not reported as if it were this one
      const savedConfig = join(run, 'config.yaml');
      if (existsSync(savedConfig) && !sameRunSettings(readFileSync(savedConfig, 'utf8'), runConfig)) {
        log.warn({ run: id }, 'settings changed since this run was made: training it again');
        await rm(run, { recursive: true, force: true });
        await rm(join(paths.out, 'eval', id), { recursive: true, force: true });
      }
      const fresh = !existsSync(join(run, 'summary.json'));
      if (fresh) trained++;
      // eval always runs (seconds): its settings (postprocess) may differ from those of a reused run's last eval
      pending.push({ config: runConfig, features, run, evalDir, subset: reportSubset, train: fresh, resume: existsSync(join(run, 'metrics.jsonl')), overrides: evalOverrides(config) });
    }
  }
  const jobs = Math.max(1, opts.jobs ?? 1);
  if (jobs === 1) {
    for (const t of pending) {
      if (t.train) {
        log.info({ run: t.run }, 'training');
        await timed('train', () => runTrain(t.config, { features: t.features, out: t.run }, log, { resume: t.resume }));
      }
      await timed('eval', () => runEval({ run: t.run, features: t.features, out: t.evalDir }, log, { subset: t.subset, overrides: t.overrides }));
    }
  } else {
    log.info({ runs: pending.length, jobs }, 'training and evaluating in parallel processes, one thread each');
    await timed('train_eval_parallel', () => runInChildren(pending, jobs, log));
  }
  for (const head of r.heads) {
    for (const seed of r.seeds) {
      const id = `${head}-seed${seed}`;
      rows.push({ head, seed, id, metrics: JSON.parse(readFileSync(join(paths.out, 'eval', id, reportSubset, 'metrics.json'), 'utf8')) });
    }
  }

  const results = r.heads.map((head) => {
    const mine = rows.filter((row) => row.head === head);
    const stat = (family: string, key: string) => meanStd(mine.map((row) => (row.metrics[family] as Record<string, number | null>)[key] ?? NaN));
    return {
      head,
      seeds: mine.map((row) => row.seed),
      ...Object.fromEntries(FAMILIES.map((f) => [f, { f1_macro: stat(f, 'f1_macro'), f1_micro: stat(f, 'f1_micro'), precision_micro: stat(f, 'precision_micro'), recall_micro: stat(f, 'recall_micro') }])),
    } as { head: PoolingName; seeds: number[] } & Record<(typeof FAMILIES)[number], Record<string, { mean: number; std: number }>>;
  });
  // event-based F1 per class and head (mean ± std over seeds), and its mean over the short classes per seed
  const durations = readDurations(root);
  const classNames = storeInfo.classes;
  const classF1 = (row: (typeof rows)[number], c: string) => (row.metrics.event_based as unknown as { class_wise: Record<string, { f1: number | null }> }).class_wise[c]?.f1 ?? NaN;
  const shortMax = r.short_max_sec;
  const shortClasses = durations && shortMax !== null ? classNames.filter((c) => (durations.get(c) ?? Infinity) <= shortMax) : [];
  const perClass = r.heads.map((head) => {
    const mine = rows.filter((row) => row.head === head);
    const shortMeans = mine.map((row) => shortClasses.reduce((sum, c) => sum + (Number.isFinite(classF1(row, c)) ? classF1(row, c) : 0), 0) / Math.max(1, shortClasses.length));
    return { head, event_f1: Object.fromEntries(classNames.map((c) => [c, meanStd(mine.map((row) => classF1(row, c)))])), short_classes_event_f1: meanStd(shortMeans) };
  });
  const reported = { ...reportedOn, short_classes: shortClasses, short_max_sec: r.short_max_sec };
  await writeFileAtomic(join(paths.out, 'results.json'), `${JSON.stringify({ reported_on: reported, runs: rows.map(({ id, head, seed }) => ({ id, head, seed })), results, per_class: perClass }, nullNaN, 1)}\n`);
  await writeFileAtomic(join(paths.out, 'results.md'), resultsMarkdown(results, reported) + perClassMarkdown(perClass, classNames, durations, shortClasses));

  // n_c of power pooling against each class's mean event duration (classes.json of the synthetic data)
  const powerRuns = rows.filter((row) => row.head === 'power');
  let rho: number | null = null;
  let ncCheck: ReproduceSummary['checks'][number] | null = null;
  let rhoAll = NaN;
  let rhoAllPerSeed: number[] = [];
  if (powerRuns.length && durations) {
    const perSeed = powerRuns.map((row) => JSON.parse(readFileSync(join(paths.out, 'runs', row.id, 'n_c.json'), 'utf8')) as { n_c: Record<string, number>; frozen?: string[] });
    const curvesOf = (id: string) => readFileSync(join(paths.out, 'runs', id, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const released = config.pooling.unfreeze_f1 === null ? undefined : powerRuns.map((row) => releaseEpochs(curvesOf(row.id), Object.keys(perSeed[0].n_c)));
    const nc = ncSummary(perSeed, durations, released); // ρ over learned classes only (report/n-c-summary.ts)
    rho = nc.spearman_learned;
    ncCheck = ncDurationCheck(nc);
    // issue 17 asks for ρ with every class counted: a class frozen at n_init enters with that value
    const allMeans = nc.rows.map((row) => meanStd(perSeed.map((s) => s.n_c[row.class])).mean);
    rhoAll = spearman(allMeans, nc.rows.map((row) => row.mean_duration_sec));
    rhoAllPerSeed = perSeed.map((s) => spearman(nc.rows.map((row) => s.n_c[row.class]), nc.rows.map((row) => row.mean_duration_sec)));
    await writeFileAtomic(join(paths.out, 'n_c.json'), `${JSON.stringify({ spearman: rho, learned_classes: nc.learned_classes, spearman_all_classes: rhoAll, spearman_all_classes_per_seed: rhoAllPerSeed, classes: nc.rows }, nullNaN, 1)}\n`);
    await writeFileAtomic(join(paths.out, 'n_c.md'), ncMarkdown(nc) + `Spearman ρ(n_c, duration) with every class counted (frozen ones at their initial value): ${rhoAll.toFixed(3)} over the seed means (per seed: ${rhoAllPerSeed.map((x) => x.toFixed(3)).join(', ')}).\n`);
    await writeFileAtomic(join(paths.out, 'n_c_vs_duration.svg'), ncVsDurationSvg(nc));
    await writeFileAtomic(join(paths.out, 'training_curves.svg'), trainingCurvesSvg(curvesOf(powerRuns[0].id), nc.rows.map((r) => r.class), powerRuns[0].id));
  }

  const checks: ReproduceSummary['checks'] = [];
  if (ncCheck) checks.push(ncCheck);
  if (Number.isFinite(rhoAll)) checks.push({ name: 'n_c falls with event duration, every class counted', passed: rhoAll <= -0.6, detail: `Spearman ρ = ${rhoAll.toFixed(3)} over all classes, frozen ones at their initial value (needs ≤ −0.6)` });
  const power = results.find((x) => x.head === 'power');
  const linear = results.find((x) => x.head === 'linear_softmax');
  if (power && linear) {
    const spread = Math.max(power.event_based.f1_macro.std, linear.event_based.f1_macro.std);
    const gap = power.event_based.f1_macro.mean - linear.event_based.f1_macro.mean;
    checks.push({ name: 'power ≥ linear softmax within the seed spread', passed: gap >= -spread, detail: `event macro F1 ${power.event_based.f1_macro.mean.toFixed(3)} vs ${linear.event_based.f1_macro.mean.toFixed(3)} (spread ${spread.toFixed(3)}, ${reportSubset})` });
    const ps = perClass.find((x) => x.head === 'power')!.short_classes_event_f1;
    const ls = perClass.find((x) => x.head === 'linear_softmax')!.short_classes_event_f1;
    if (shortClasses.length) {
      const shortSpread = Math.max(ps.std, ls.std);
      checks.push({ name: 'power ≥ linear softmax on the short classes within the seed spread', passed: ps.mean - ls.mean >= -shortSpread, detail: `mean event F1 of ${shortClasses.join(', ')}: ${ps.mean.toFixed(3)} vs ${ls.mean.toFixed(3)} (spread ${shortSpread.toFixed(3)}, ${reportSubset})` });
    }
  }
  return {
    out: paths.out,
    runs: rows.length,
    trained,
    reused: rows.length - trained,
    stage_seconds: seconds,
    spearman_n_c_duration: rho,
    checks,
    passed: checks.every((c) => c.passed),
  };
}

const SYNTH_RECORD = 'reproduce-synth.json';

/** What `sed reproduce` makes data.root from: the layout and the reproduce.synth_* keys that apply to the kind of mix. */
function synthSettings(config: SedConfig) {
  const r = config.reproduce;
  const real = Boolean(r.synth_events);
  return {
    layout: config.data.layout,
    synth_clips: r.synth_clips,
    synth_seed: r.synth_seed,
    synth_events: real ? r.synth_events : null,
    synth_backgrounds: real ? r.synth_backgrounds : null,
    synth_event_durations: real ? r.synth_event_durations || null : null,
    synth_snr_db: real ? r.synth_snr_db : null,
    synth_speed: real ? r.synth_speed : null,
  };
}

/** The reproduction's eval-only settings, applied over a (possibly reused) run's saved config. */
function evalOverrides(config: SedConfig): ConfigOverride[] {
  return [{ keyPath: 'postprocess.median_candidates', value: config.postprocess.median_candidates, source: 'reproduce config' }];
}

const nullNaN = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
const pm = (s: { mean: number; std: number }) => (Number.isFinite(s.mean) ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.std).toFixed(1)}` : '–');

function resultsMarkdown(
  results: { head: string; event_based: Record<string, { mean: number; std: number }>; segment_based: Record<string, { mean: number; std: number }>; tagging: Record<string, { mean: number; std: number }> }[],
  on: { subset: string; clips: number; held_out: boolean; selected_on: string | null },
): string {
  return [
    on.held_out
      ? `Reported on \`${on.subset}\` (${on.clips} clips), which neither training nor checkpoint selection saw; checkpoints selected on \`${on.selected_on}\`.`
      : `Reported on \`${on.subset}\` (${on.clips} clips), which ALSO selected the checkpoints: the data set has no test subset.`,
    '',
    '| pooling | event F1 macro % | event P / R micro % | segment F1 macro % | segment P / R micro % | clip F1 macro % |',
    '|---|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.head} | ${pm(r.event_based.f1_macro)} | ${pm(r.event_based.precision_micro)} / ${pm(r.event_based.recall_micro)} | ${pm(r.segment_based.f1_macro)} | ${pm(r.segment_based.precision_micro)} / ${pm(r.segment_based.recall_micro)} | ${pm(r.tagging.f1_macro)} |`),
    '',
    'Mean ± standard deviation over seeds.',
    '',
  ].join('\n');
}

function perClassMarkdown(perClass: { head: string; event_f1: Record<string, { mean: number; std: number }>; short_classes_event_f1: { mean: number; std: number } }[], classNames: string[], durations: Map<string, number> | null, shortClasses: string[]): string {
  const order = [...classNames].sort((a, b) => (durations?.get(a) ?? 0) - (durations?.get(b) ?? 0));
  return [
    '',
    `| class | mean event duration (s) | ${perClass.map((p) => `${p.head} event F1 %`).join(' | ')} |`,
    `|---|---:|${perClass.map(() => '---:|').join('')}`,
    ...order.map((c) => `| ${c}${shortClasses.includes(c) ? ' (short)' : ''} | ${durations?.get(c)?.toFixed(2) ?? '–'} | ${perClass.map((p) => pm(p.event_f1[c])).join(' | ')} |`),
    ...(shortClasses.length ? [`| mean of the short classes | | ${perClass.map((p) => pm(p.short_classes_event_f1)).join(' | ')} |`] : []),
    '',
  ].join('\n');
}

function readDurations(root: string): Map<string, number> | null {
  const file = join(root, 'classes.json');
  if (!existsSync(file)) return null;
  const json = JSON.parse(readFileSync(file, 'utf8')) as { classes: { name: string; mean_duration_sec: number }[] };
  return new Map(json.classes.map((c) => [c.name, c.mean_duration_sec]));
}
