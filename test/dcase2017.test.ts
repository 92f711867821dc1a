import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataError } from '../src/errors.ts';
import { DCASE2017_CLASSES } from '../src/data/classes.ts';
import { readDataset, type DatasetIndex } from '../src/data/dataset.ts';

async function put(root: string, rel: string, text: string) {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  await writeFile(join(root, rel), text);
}

// Imitates groundtruth_weak_label_training_set.csv: no header, one row per label grouped by label (so a
// clip's rows are not adjacent), YouTube start/end times, ids with `_` and `-`, ids starting with `Y`.
const TRAINING =
  '-5QrBL6M_zg_60.000_70.000.wav\t60.000\t70.000\tTrain horn\n' + // line 1
  'Yq9-x_1YbAAA_30.000_40.000.wav\t30.000\t40.000\tTrain horn\n' + // line 2: id starts with Y → YY…
  '-5QrBL6M_zg_60.000_70.000.wav\t60.000\t70.000\tAir horn, truck horn\n' + // line 3: comma inside a class
  'abc\t30\t40\n' + // line 4: 3 columns → malformed
  'Yq9-x_1YbAAA_30.000_40.000.wav\t30.000\t40.000\tSpaceship\n' + // line 5: unknown label
  'Yq9-x_1YbAAA_30.000_40.000.wav\t30.000\t40.000\tFire engine, fire truck (siren)\n' + // line 6
  '-5QrBL6M_zg_60.000_70.000.wav\t60.000\t70.000\tTrain horn\n' + // line 7: repeated → duplicate
  'zz_1.000_11.000.wav\tten\t11\tCar\n'; // line 8: bad start → malformed
// Imitates groundtruth_strong_label_testing_set.csv: clip-relative times, integer and 3-decimal, `0 0` rows.
const TESTING_STRONG =
  '-GCwoyCnYsY_0.000_10.000.wav\t0.165\t3.8\tTrain horn\n' +
  'Yabs_30.000_40.000.wav\t0\t0\tCar alarm\n' + // sound absent: clip kept, no event
  '-GCwoyCnYsY_0.000_10.000.wav\t4.865\t8.7\tTrain horn\n';
const TESTING_WEAK =
  '-GCwoyCnYsY_0.000_10.000.wav\t0.000\t10.000\tTrain horn\n' + //
  'Yabs_30.000_40.000.wav\t30.000\t40.000\tCar alarm\n';
// Imitates groundtruth_strong_label_evaluation_set.csv: CRLF, an exact duplicate row.
const EVALUATION_STRONG =
  'dSfcznv4KLo_30.000_40.000.wav\t0\t5.942\tCar\r\n' + //
  'dSfcznv4KLo_30.000_40.000.wav\t0\t5.942\tCar\r\n' + // line 2: exact duplicate → reported, dropped
  'k-9_30.000_40.000.wav\t0.5\t10\tPolice car (siren)\r\n';

describe('DCASE 2017 reader', () => {
  let root: string;
  let index: DatasetIndex;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sed-dcase2017-'));
    await put(root, 'groundtruth_weak_label_training_set.csv', TRAINING);
    await put(root, 'groundtruth_strong_label_testing_set.csv', TESTING_STRONG);
    await put(root, 'groundtruth_weak_label_testing_set.csv', TESTING_WEAK);
    await put(root, 'groundtruth_release/groundtruth_strong_label_evaluation_set.csv', EVALUATION_STRONG);
    await put(root, 'audio/training/Y-5QrBL6M_zg_60.000_70.000.wav', 'x');
    await put(root, 'audio/training/YYq9-x_1YbAAA_30.000_40.000.wav', 'x');
    for (const f of ['Y-GCwoyCnYsY_0.000_10.000.wav', 'YYabs_30.000_40.000.wav']) await put(root, `audio/testing/${f}`, 'x');
    await put(root, 'audio/evaluation/YdSfcznv4KLo_30.000_40.000.wav', 'x');
    // Yk-9… evaluation audio missing
    index = await readDataset('dcase2017', root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  const subset = (name: string) => index.subsets.find((s) => s.name === name)!;
  const clip = (s: string, name: string) => subset(s).clips.find((c) => c.name === name);
  const where = (kind: string) => index.problems.filter((p) => p.kind === kind).map((p) => `${p.file.slice(root.length + 1)}:${p.line}`);

  it('has the 17 official classes (commas inside) and three subsets with roles', () => {
    assert.deepEqual(index.classes, [...DCASE2017_CLASSES]);
    assert.equal(index.classes.length, 17);
    assert.ok(index.classes.includes('Fire engine, fire truck (siren)'));
    assert.deepEqual(
      index.subsets.map((s) => [s.name, s.role]),
      [
        ['training', 'train_weak'],
        ['testing', 'validation'],
        ['evaluation', 'test'],
      ],
    );
  });

  it('always prepends Y (YY for ids starting with Y), keeps `_`/`-` ids whole, gathers non-adjacent rows', () => {
    assert.deepEqual(
      subset('training').clips.map((c) => [c.name, c.weakLabels, c.events]),
      [
        ['Y-5QrBL6M_zg_60.000_70.000.wav', ['Train horn', 'Air horn, truck horn'], null],
        ['YYq9-x_1YbAAA_30.000_40.000.wav', ['Train horn', 'Fire engine, fire truck (siren)'], null],
      ],
    );
    assert.equal(clip('training', 'YYq9-x_1YbAAA_30.000_40.000.wav')!.audioPath, join(root, 'audio/training/YYq9-x_1YbAAA_30.000_40.000.wav'));
  });

  it('reads strong testing labels, drops onset = offset = 0 events but keeps the clip and its weak label', () => {
    assert.deepEqual(clip('testing', 'Y-GCwoyCnYsY_0.000_10.000.wav')!.events, [
      { file: 'Y-GCwoyCnYsY_0.000_10.000.wav', onsetSec: 0.165, offsetSec: 3.8, label: 'Train horn' },
      { file: 'Y-GCwoyCnYsY_0.000_10.000.wav', onsetSec: 4.865, offsetSec: 8.7, label: 'Train horn' },
    ]);
    const absent = clip('testing', 'YYabs_30.000_40.000.wav')!;
    assert.deepEqual(absent.events, []);
    // weak label from groundtruth_weak_label_testing_set.csv, not derived from (absent) events
    assert.deepEqual(absent.weakLabels, ['Car alarm']);
  });

  it('reads CRLF evaluation ground truth from groundtruth_release/, drops the exact duplicate row', () => {
    assert.deepEqual(clip('evaluation', 'YdSfcznv4KLo_30.000_40.000.wav')!.events, [{ file: 'YdSfcznv4KLo_30.000_40.000.wav', onsetSec: 0, offsetSec: 5.942, label: 'Car' }]);
    // no weak evaluation file: weak labels derived from events
    assert.deepEqual(clip('evaluation', 'Yk-9_30.000_40.000.wav')!.weakLabels, ['Police car (siren)']);
  });

  it('reports problems with file and line, and missing audio by path', () => {
    // line numbers counted by hand in the fixture strings above
    assert.deepEqual(where('malformed_row'), ['groundtruth_weak_label_training_set.csv:4', 'groundtruth_weak_label_training_set.csv:8']);
    assert.deepEqual(where('unknown_label'), ['groundtruth_weak_label_training_set.csv:5']);
    assert.deepEqual(where('duplicate'), ['groundtruth_weak_label_training_set.csv:7', 'groundtruth_release/groundtruth_strong_label_evaluation_set.csv:2']);
    assert.deepEqual(
      index.problems.filter((p) => p.kind === 'missing_audio').map((p) => p.file),
      [join(root, 'audio/evaluation/Yk-9_30.000_40.000.wav')],
    );
  });

  it('throws DataError naming the missing strong testing file; evaluation is optional', async () => {
    const partial = await mkdtemp(join(tmpdir(), 'sed-dcase2017-partial-'));
    try {
      await put(partial, 'groundtruth_weak_label_training_set.csv', TRAINING);
      await assert.rejects(readDataset('dcase2017', partial), (e: unknown) => e instanceof DataError && e.file === join(partial, 'groundtruth_strong_label_testing_set.csv'));
      await put(partial, 'groundtruth_strong_label_testing_set.csv', TESTING_STRONG);
      const index2 = await readDataset('dcase2017', partial, { checkAudio: false });
      assert.deepEqual(
        index2.subsets.map((s) => s.name),
        ['training', 'testing'],
      );
    } finally {
      await rm(partial, { recursive: true });
    }
  });
});
