import { runExport } from '../../export/run-export.ts';
import { loggerFor, printSummary, type CliContext } from '../context.ts';
import { withExamples } from '../help.ts';
import { requireRunFolder } from '../paths.ts';
import { postprocessOverrides, withPostprocessOptions } from '../postprocess-flags.ts';

/** Registers `sed export` (thin: flags → export/run-export.ts runExport → summary). */
export function registerExport(ctx: CliContext) {
  const cmd = ctx.program
    .command('export')
    .description(
      "write a self-contained static web folder that runs the run's detector in a browser, offline: index.html, one " +
        'JavaScript bundle, the model files and metadata.json; serve it with any static file server',
    )
    .requiredOption('--run <dir>', 'run folder written by `sed train`')
    .option('--checkpoint <name>', "'best', 'last' or a checkpoints/ folder name", 'best')
    .requiredOption('--out <dir>', 'folder to write (replaced if it holds an earlier export)')
    .option('--json', 'print the summary as JSON on stdout');
  return withExamples(withPostprocessOptions(cmd), [
    ['npx sed export --run runs/first --out web/', 'then serve it, e.g. `python3 -m http.server -d web 8000`, and open http://localhost:8000'],
  ]).action(async (opts) => {
    requireRunFolder(opts.run);
    const log = loggerFor(ctx.program, ctx.io);
    const summary = await runExport({ run: opts.run, out: opts.out }, log, { checkpoint: opts.checkpoint, overrides: postprocessOverrides(opts) });
    printSummary(ctx, 'export done', summary, opts.json);
  });
}
