/**
 * `--threshold` and `--median`, shared by the commands that post-process frame probabilities (`sed eval`,
 * `sed predict`): parsed with their units here, then applied as overrides of the run's `postprocess` config.
 */
import type { Command } from 'commander';
import type { ConfigOverride } from '../config/load.ts';
import { DURATION_HELP, durationArg, probabilityArg, type Duration } from './units.ts';

/** Adds `--threshold <p>` and `--median <window>` to `cmd`. */
export function withPostprocessOptions(cmd: Command): Command {
  return cmd
    .option('--threshold <p>', "decision threshold for every class, 0–1 (default: the run's postprocess.threshold)", probabilityArg('--threshold'))
    .option('--median <window>', `median filter window: ${DURATION_HELP} (default: the run's postprocess.median_window, or per class from postprocess.median_candidates)`, durationArg('--median'));
}

/** The config overrides for the flags `withPostprocessOptions` parsed (none when neither was given). */
export function postprocessOverrides(opts: { threshold?: number; median?: Duration }): ConfigOverride[] {
  const out: ConfigOverride[] = [];
  if (opts.threshold !== undefined) out.push({ keyPath: 'postprocess.threshold', value: opts.threshold, source: '--threshold' });
  if (opts.median !== undefined) {
    out.push({ keyPath: 'postprocess.median_window', value: opts.median.value, source: '--median' });
    out.push({ keyPath: 'postprocess.median_unit', value: opts.median.unit, source: '--median' });
    // a window given on the command line is the window: no per-class choice among postprocess.median_candidates
    out.push({ keyPath: 'postprocess.median_candidates', value: [], source: '--median' });
  }
  return out;
}
