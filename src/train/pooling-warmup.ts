/**
 * What `pooling.warmup_epochs` does, said in the log: the pooling parameters (n_c of power pooling, α of auto-pool,
 * attention's weights) stay frozen for the first warmup_epochs epochs. When the warm-up covers every epoch they never
 * train: power pooling then stays at n_c = n_init for the whole run (n = 1 is linear softmax), which used to happen
 * silently with `--epochs 3` and the default config's warm-up of 6.
 */
import type { SedConfig } from '../config/types.ts';
import type { Logger } from '../util/log.ts';

/**
 * Warns (once, at the start) when pooling.warmup_epochs ≥ train.epochs and the head has parameters (`paramName`,
 * e.g. 'n_c'; null when it has none). Returns whether it warned.
 */
export function warnIfPoolingNeverLearns(config: SedConfig, paramName: string | null, log: Logger): boolean {
  const { warmup_epochs: warmup, n_init: nInit } = config.pooling;
  const epochs = config.train.epochs;
  if (paramName === null || warmup < epochs) return false;
  const stays = paramName === 'n_c' ? `n_c stays at pooling.n_init = ${nInit} for the whole run${nInit === 1 ? ' (power pooling with n = 1 is linear softmax)' : ''}` : `${paramName} never trains`;
  log.warn(
    `pooling.warmup_epochs (${warmup}) ≥ train.epochs (${epochs}): ${stays}; lower the warm-up, e.g. --set pooling.warmup_epochs=${Math.floor(epochs / 2)}`,
  );
  return true;
}

/** Logs, at the start of `epoch` (0-based), that the pooling parameters are frozen or start to learn now. */
export function logPoolingStart(config: SedConfig, epoch: number, paramName: string | null, log: Logger): void {
  const warmup = config.pooling.warmup_epochs;
  if (paramName === null || warmup === 0 || epoch > warmup) return;
  if (epoch === 0 && warmup < config.train.epochs) log.info(`${paramName} frozen at its initial value for epochs 1–${warmup} (pooling.warmup_epochs), learning from epoch ${warmup + 1}`);
  if (epoch === warmup) {
    const gate = config.pooling.unfreeze_f1;
    log.info(`${paramName} starts to learn in this epoch (${epoch + 1})${gate === null ? '' : `, per class once the class's clip F1 on the training clips reaches ${gate} (pooling.unfreeze_f1)`}`);
  }
}
