/**
 * One reproduction run (train, then eval) in a child process, for `sed reproduce --jobs N`: the same runTrain and
 * runEval calls as the serial path, so a run's files are the same whichever way it ran. The task comes as JSON in
 * argv[2]; logs go to stderr as JSON lines; the exit code is 0 on success, 1 on an error (its message on stderr).
 */
import { runEval } from '../infer/run-eval.ts';
import { runTrain } from '../train/train.ts';
import { createLogger } from '../util/log.ts';
import type { SedConfig } from '../config/types.ts';
import type { ConfigOverride } from '../config/load.ts';

/** What the parent sends: the run's full config and its folders. */
export interface RunOneTask {
  config: SedConfig;
  features: string;
  run: string;
  evalDir: string;
  /** The subset the eval reports on. */
  subset: string;
  train: boolean;
  resume: boolean;
  /** Applied over the run's saved config by eval (settings that never reach training). */
  overrides?: ConfigOverride[];
}

const task = JSON.parse(process.argv[2] ?? 'null') as RunOneTask | null;
if (task) {
  const log = createLogger({ format: 'json', level: 'warn', write: (t) => process.stderr.write(t) });
  try {
    if (task.train) await runTrain(task.config, { features: task.features, out: task.run }, log, { resume: task.resume });
    await runEval({ run: task.run, features: task.features, out: task.evalDir }, log, { subset: task.subset, overrides: task.overrides });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
