import { Option } from 'commander';
import { runPredict } from '../../infer/run-predict.ts';
import { formatEventTsv } from '../../io/event-tsv.ts';
import { loggerFor, type CliContext } from '../context.ts';
import { withExamples } from '../help.ts';
import { requireRunFolder } from '../paths.ts';
import { postprocessOverrides, withPostprocessOptions } from '../postprocess-flags.ts';
import { DURATION_HELP, durationArg } from '../units.ts';

/** Registers `sed predict` (thin: flags → infer/run-predict.ts runPredict → detections TSV or JSON on stdout; exit 1 when a file failed). */
export function registerPredict(ctx: CliContext) {
  const cmd = ctx.program
    .command('predict')
    .description(
      'detect events in WAV files of any length with a trained run; prints filename/onset/offset/event_label TSV. ' +
        'Files are scored in windows of the training clip length; overlapping windows are averaged.',
    )
    .requiredOption('--run <dir>', 'run folder written by `sed train`')
    .option('--checkpoint <name>', "'best', 'last' or a checkpoints/ folder name", 'best')
    .argument('<wav...>', 'audio files (each is reported under the path given here)')
    .option('--window-hop <hop>', `hop between scoring windows: ${DURATION_HELP} (default: half of features.clip_seconds)`, durationArg('--window-hop'))
    .option('--probabilities <dir>', "also write each file's stitched frame probabilities here, [frames, classes] float32 .npy");
  return withExamples(withPostprocessOptions(cmd), [
    ['npx sed predict --run runs/first clip1.wav clip2.wav > detections.tsv'],
    ['npx sed predict --run runs/first --window-hop 2s --probabilities probs/ long-recording.wav', 'windows every 2 s, stitched probabilities to probs/long-recording.npy'],
  ])
    .addOption(new Option('--backend <name>', 'compute backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'))
    .option('--json', 'print events as JSON (fields filename, onset, offset, event_label) instead of TSV')
    .action(async (files: string[], opts) => {
      requireRunFolder(opts.run);
      const log = loggerFor(ctx.program, ctx.io);
      const result = await runPredict(opts.run, files, log, {
        checkpoint: opts.checkpoint,
        windowHop: opts.windowHop,
        probabilitiesDir: opts.probabilities,
        overrides: postprocessOverrides(opts),
        backend: opts.backend,
      });
      if (opts.json) {
        const rows = result.events.map((e) => ({ filename: e.file, onset: e.onsetSec, offset: e.offsetSec, event_label: e.label }));
        ctx.io.stdout(`${JSON.stringify(rows, null, 1)}\n`);
      } else {
        ctx.io.stdout(formatEventTsv(result.events));
      }
      const { events, failed, ...summary } = result;
      log.info({ ...summary, events: events.length, failed: failed.length }, 'predict done');
      if (result.failed.length) ctx.exitCode = 1;
    });
}
