/** The line `sed train --resume` logs, counting epochs and steps from 1 as the progress display does. */
import type { TrainState } from '../checkpoint/checkpoint.ts';

/**
 * Where a resumed run continues: `state.epoch` epochs are complete and `state.batch_in_epoch` steps of the next one.
 * E.g. "resuming from runs/x/checkpoints/last: epoch 3/12 from step 5/19 (2 epochs and 4 steps done)".
 */
export function resumeMessage(from: string, state: Pick<TrainState, 'epoch' | 'batch_in_epoch'>, epochs: number, stepsPerEpoch: number): string {
  const done = state.epoch;
  const head = `resuming from ${from}:`;
  if (done >= epochs) return `${head} all ${epochs} epochs are done; nothing left to train (raise --epochs to train longer)`;
  const next = `epoch ${done + 1}/${epochs}`;
  const epochsDone = `${done} epoch${done === 1 ? '' : 's'}`;
  if (state.batch_in_epoch === 0) return `${head} ${next} (${epochsDone} done)`;
  if (state.batch_in_epoch >= stepsPerEpoch) return `${head} ${next} has all its ${stepsPerEpoch} steps done: validating it`;
  return `${head} ${next} from step ${state.batch_in_epoch + 1}/${stepsPerEpoch} (${epochsDone} and ${state.batch_in_epoch} step${state.batch_in_epoch === 1 ? '' : 's'} done)`;
}
