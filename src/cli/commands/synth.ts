import { readFileSync } from 'node:fs';
import { Option } from 'commander';
import { UsageError } from '../../errors.ts';
import { mixRealDataset } from '../../synth/real-mix.ts';
import { synthesizeDataset } from '../../synth/synthesize.ts';
import { loggerFor, parseIntArg, printSummary, type CliContext } from '../context.ts';
import { withExamples } from '../help.ts';

/** `A-B` (integers) or `A:B` (numbers) → [A, B]. */
const rangeArg = (flag: string, sep: string, integer: boolean) => (value: string) => {
  const parts = value.split(sep).map(Number);
  if (parts.length !== 2 || !parts.every((x) => (integer ? Number.isInteger(x) : Number.isFinite(x)))) throw new UsageError(`${flag} expects ${integer ? 'MIN-MAX integers' : 'LOW:HIGH numbers'}, got '${value}'`);
  return parts as [number, number];
};

/** `--split 0.6,0.2,0.2` → validation and eval shares (normalised by the sum). */
const splitArg = (value: string) => {
  const parts = value.split(',').map(Number);
  if (parts.length !== 3 || !parts.every((x) => Number.isFinite(x) && x > 0)) throw new UsageError(`--split expects TRAIN,VALIDATION,EVAL shares > 0, got '${value}'`);
  const sum = parts[0] + parts[1] + parts[2];
  return { validation: parts[1] / sum, eval: parts[2] / sum };
};

/** Reads --event-durations: {"class": [min_sec, max_sec]}; throws UsageError naming the file and key. */
export function readEventDurations(path: string): Record<string, [number, number]> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--event-durations ${path}: ${(err as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new UsageError(`--event-durations ${path}: expected {"class": [min_sec, max_sec], …}`);
  for (const [k, v] of Object.entries(json)) if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === 'number')) throw new UsageError(`--event-durations ${path}: ${k}: expected [min_sec, max_sec]`);
  return json as Record<string, [number, number]>;
}

/**
 * Registers `sed synth` (thin: flags → synth/synthesize.ts synthesizeDataset, or with --events/--backgrounds
 * synth/real-mix.ts mixRealDataset → summary).
 */
export function registerSynth(ctx: CliContext) {
  const cmd = ctx.program
    .command('synth')
    .description('write a deterministic DCASE-like dataset (WAV + metadata): built-in synthetic sounds in the 2019 or 2017 layout, or mixes of real recordings with --events/--backgrounds')
    .addOption(new Option('--layout <layout>', 'folder layout to write (real-recording mixes: dcase2019 only)').choices(['dcase2019', 'dcase2017']).default('dcase2019'))
    .requiredOption('--out <dir>', 'dataset folder to create')
    .option('--clips <n>', 'weakly labelled training clips; the other subsets are sized from it (2019: validation and eval/public clips/4, synthetic and unlabel_in_domain clips/2)', parseIntArg('--clips'), 200)
    .option('--seed <n>', 'random seed (same seed, same bytes)', parseIntArg('--seed'), 1)
    .option('--validation-clips <n>', 'strongly labelled validation/test clips (default: clips/4)', parseIntArg('--validation-clips'))
    .option('--eval-clips <n>', 'DCASE 2019 eval/public clips, never used for training or checkpoint selection (default: as validation)', parseIntArg('--eval-clips'))
    .option('--events <dir>', 'mix real recordings: one subfolder per class of isolated event recordings (any format our WAV reader or sox reads)')
    .option('--backgrounds <dir>', 'with --events: a folder of background recordings (ambiences), looped or cropped to the clip length')
    .option('--events-per-clip <min-max>', 'with --events: events per clip', rangeArg('--events-per-clip', '-', true), [1, 3])
    .option('--snr <low:high>', 'with --events: event-to-background SNR range in dB', rangeArg('--snr', ':', false), [0, 15])
    .option('--speed <low:high>', 'with --events: speed perturbation of the training clips\' events, e.g. 0.8:1.25 (log-uniform, 1 % steps, pitch and length together; validation and eval as recorded)', rangeArg('--speed', ':', false), [1, 1])
    .addOption(new Option('--onset <dist>', 'with --events: onset distribution over [0, clip − event]').choices(['uniform', 'normal']).default('uniform'))
    .option('--event-durations <file>', 'with --events: JSON {"class": [min_sec, max_sec]}: that class\'s events are cropped or looped to a length drawn from the range (others keep their source length)')
    .option('--split <train,val,eval>', 'with --events: shares of each class\'s source files per split (no file in two splits; default 0.6,0.2,0.2)', splitArg)
    .option('--json', 'print the summary as JSON on stdout');
  return withExamples(cmd, [
    ['npx sed synth --layout dcase2019 --out data/synth2019 --clips 200 --seed 1', "the first run's data set"],
    ['npx sed synth --layout dcase2017 --out data/synth2017 --clips 400'],
    [
      'npx sed synth --events data/real-sounds/events --backgrounds data/real-sounds/backgrounds --event-durations configs/real-sound-event-durations.json --out data/real2019 --clips 400',
      'soundscapes from real recordings (make the library with scripts/make-real-sound-set.ts)',
    ],
  ]).action(async (opts) => {
    const log = loggerFor(ctx.program, ctx.io);
    const labels = { clips: 'clips (all subsets)', subsets: 'clips per subset', events: 'events (all subsets)' };
    if (!opts.events !== !opts.backgrounds) throw new UsageError('--events and --backgrounds go together');
    if (opts.events) {
      if (opts.layout !== 'dcase2019') throw new UsageError('--events writes the dcase2019 layout only');
      log.info({ events: opts.events, backgrounds: opts.backgrounds, out: opts.out, weak_clips: opts.clips, seed: opts.seed }, 'mixing real recordings');
      const summary = await mixRealDataset({
        eventsDir: opts.events,
        backgroundsDir: opts.backgrounds,
        outDir: opts.out,
        seed: opts.seed,
        clips: opts.clips,
        validationClips: opts.validationClips,
        evalClips: opts.evalClips,
        eventsPerClip: opts.eventsPerClip,
        snrDb: opts.snr,
        trainSpeed: opts.speed,
        onset: opts.onset,
        eventDurations: opts.eventDurations ? readEventDurations(opts.eventDurations) : undefined,
        splitFractions: opts.split,
      });
      printSummary(ctx, 'synth done', summary, opts.json, labels);
      return;
    }
    log.info({ layout: opts.layout, out: opts.out, weak_clips: opts.clips, seed: opts.seed }, 'synthesizing');
    const summary = await synthesizeDataset({
      layout: opts.layout,
      outDir: opts.out,
      clips: opts.clips,
      seed: opts.seed,
      validationClips: opts.validationClips,
      evalClips: opts.evalClips,
    });
    printSummary(ctx, 'synth done', summary, opts.json, labels);
  });
}
