/**
 * best/ and checkpoints/last/ stay consistent whenever training stops (src/checkpoint/best-and-last.ts). Regression:
 * best/ was written after last/, so a crash between the two left last/state.json naming a best epoch that best/ did
 * not hold. Crashes are injected with a checkpoint writer that fails at a chosen call; folders hold only state.json
 * and model.json, which is all the protocol looks at.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bestCheckpointDir, lastCheckpointDir, reconcileBest, writeEpochCheckpoints } from '../src/checkpoint/best-and-last.ts';
import { readState, type CheckpointContent } from '../src/checkpoint/checkpoint.ts';
import { checkpointDir } from '../src/infer/run-folder.ts';

/** The content of epoch `epoch`, whose best epoch so far is `bestEpoch`. */
const content = (epoch: number, bestEpoch: number): CheckpointContent =>
  ({
    model: null,
    teacher: null,
    optimizers: {},
    perClass: null,
    state: { epoch, batch_in_epoch: 0, step: 10 * epoch, rng: [1, 2, 3, 4], best: { metric: 'event_f1_macro', value: bestEpoch / 10, epoch: bestEpoch }, epoch_sums: {}, unfrozen: null, clip_counts: [[], [], []], interrupted: false },
  }) as unknown as CheckpointContent;

/** A writer that writes state.json + model.json, and throws on its `failAt`-th call (1-based) as a crash would. */
function writer(failAt = Infinity) {
  let calls = 0;
  return async (dir: string, c: CheckpointContent) => {
    if (++calls === failAt) throw new Error(`injected crash writing ${dir}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ ...c.state, optimizers: {} }));
    writeFileSync(join(dir, 'model.json'), '{}');
  };
}

/** The invariant: the best checkpoint readers get holds the epoch last/state.json names as best. */
function assertConsistent(run: string, expectedBest: number) {
  assert.equal(readState(lastCheckpointDir(run)).best?.epoch, expectedBest);
  const best = bestCheckpointDir(run);
  assert.ok(best, 'a best checkpoint is found');
  assert.equal(readState(best).epoch, expectedBest, `best checkpoint ${best}`);
  assert.equal(readState(checkpointDir(run, 'best')).epoch, expectedBest, 'sed eval --checkpoint best reads the same');
}

async function runWithEpochs1And2(failAt: number) {
  const run = mkdtempSync(join(tmpdir(), 'sed-best-last-'));
  await writeEpochCheckpoints(run, content(1, 1), true, writer()); // epoch 1 improved: best = 1
  await assert.rejects(writeEpochCheckpoints(run, content(2, 2), true, writer(failAt)), /injected crash/); // epoch 2 improved, crash
  return run;
}

test('regression: a crash after the new best is staged but before last/ is written keeps best = the previous epoch', async () => {
  const run = await runWithEpochs1And2(2); // call 1 staged best.next (epoch 2); call 2 (last/) crashed
  assertConsistent(run, 1); // last/ still says best epoch 1, and best/ holds epoch 1
  await reconcileBest(run); // what --resume does: best.next/ was never committed → dropped
  assertConsistent(run, 1);
});

test('regression: a crash after last/ names the new best but before best/ holds it: readers and resume find epoch 2', async () => {
  const run = mkdtempSync(join(tmpdir(), 'sed-best-last-'));
  await writeEpochCheckpoints(run, content(1, 1), true, writer());
  // Stop between step 2 and step 3: stage and commit by hand with the same writer, skip the rename.
  const w = writer();
  await w(join(run, 'best.next'), content(2, 2));
  await w(lastCheckpointDir(run), content(2, 2));
  assert.equal(readState(join(run, 'best')).epoch, 1, 'the old order would have left this: last says 2, best/ holds 1');
  assertConsistent(run, 2); // best.next/ is what last/state.json names
  await reconcileBest(run);
  assert.equal(readState(join(run, 'best')).epoch, 2, 'resume promotes it to best/');
  assertConsistent(run, 2);
});

test('a crash while staging the best, and epochs that do not improve, leave the pair as it was', async () => {
  const run = await runWithEpochs1And2(1); // crash writing best.next
  assertConsistent(run, 1);
  await writeEpochCheckpoints(run, content(3, 1), false, writer()); // epoch 3 not better: only last/
  assertConsistent(run, 1);
  assert.equal(readState(lastCheckpointDir(run)).epoch, 3);
});
