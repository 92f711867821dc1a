import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataError } from '../src/errors.ts';
import { readDataset, type DatasetIndex } from '../src/data/dataset.ts';
import { DCASE2019_CLASSES, officialClasses } from '../src/data/classes.ts';
import { rowsFromText, secondsFromCell } from '../src/data/tsv.ts';
import { parseEventTsv } from '../src/io/event-tsv.ts';

async function put(root: string, rel: string, text: string) {
  await mkdir(dirname(join(root, rel)), { recursive: true });
  await writeFile(join(root, rel), text);
}

// Hand-written fixture imitating the real files' quirks (checked against turpaultn/DCASE2019_task4):
// headers, CRLF in one file, no final newline in synthetic.tsv, a repeated label, an empty-event row.
const WEAK =
  'filename\tevent_labels\r\n' +
  'Ya-b_c_0.000_10.000.wav\tAlarm_bell_ringing,Speech\r\n' + // line 2
  'Yrw_30.000_40.000.wav\tRunning_water,Running_water\r\n' + // line 3: repeated label → one label, no problem
  'Ybad_0.000_10.000.wav\tDog,Barking\r\n' + // line 4: unknown label → reported, Dog kept
  'Ymalformed.wav\r\n' + // line 5: one column → malformed
  'Ya-b_c_0.000_10.000.wav\tCat\r\n'; // line 6: clip again → duplicate, labels merged
const SYNTHETIC =
  'filename\tonset\toffset\tevent_label\n' +
  '10.wav\t0.2871594438738916\t1.0577124645624223\tAlarm_bell_ringing\n' +
  '11.wav\t1.5\tx\tDog\n' + // line 3: bad offset
  '10.wav\t5.0\t6.0\tDog\n' + // rows of 10.wav not adjacent
  '12.wav\t3\t2\tCat\n' + // line 5: onset after offset
  '13.wav\t0\t10\tSpeech'; // no final newline
const UNLABELED = 'filename\nYu1_0.000_10.000.wav\nYu2_10.000_20.000.wav\nYu1_0.000_10.000.wav\n'; // line 4 duplicate
const VALIDATION =
  'filename\tonset\toffset\tevent_label\n' +
  'Yv1_0.000_10.000.wav\t0.000\t9.971\tVacuum_cleaner\n' +
  'Yempty_24.000_34.000.wav\t\t\t\n' + // empty event row: clip with no events
  'Yv2_0.000_10.000.wav\t1.0\t2.0\tSpeech\tEXTRA\n' + // line 4: 5 columns
  'Yv3_0.000_10.000.wav\t1.0\t2.0\tBlender_typo\n'; // line 5: unknown label, clip kept with no event

describe('DCASE 2019 reader', () => {
  let root: string;
  let index: DatasetIndex;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sed-dcase2019-'));
    await put(root, 'metadata/train/weak.tsv', WEAK);
    await put(root, 'metadata/train/synthetic.tsv', SYNTHETIC);
    await put(root, 'metadata/train/unlabel_in_domain.tsv', UNLABELED);
    await put(root, 'metadata/validation/validation.tsv', VALIDATION);
    // every audio file present except Yu2 and 13.wav
    for (const f of ['Ya-b_c_0.000_10.000.wav', 'Yrw_30.000_40.000.wav', 'Ybad_0.000_10.000.wav']) await put(root, `audio/train/weak/${f}`, 'x');
    for (const f of ['10.wav', '11.wav', '12.wav']) await put(root, `audio/train/synthetic/${f}`, 'x');
    await put(root, 'audio/train/unlabel_in_domain/Yu1_0.000_10.000.wav', 'x');
    for (const f of ['Yv1_0.000_10.000.wav', 'Yempty_24.000_34.000.wav', 'Yv3_0.000_10.000.wav']) await put(root, `audio/validation/${f}`, 'x');
    index = await readDataset('dcase2019', root);
  });
  after(() => rm(root, { recursive: true, force: true }));

  const subset = (name: string) => index.subsets.find((s) => s.name === name)!;
  const clip = (s: string, name: string) => subset(s).clips.find((c) => c.name === name);
  const problemsOf = (kind: string) => index.problems.filter((p) => p.kind === kind);

  it('lists the subsets with their roles, the official classes, no eval_public without public.tsv', () => {
    assert.deepEqual(
      index.subsets.map((s) => [s.name, s.role]),
      [
        ['weak', 'train_weak'],
        ['synthetic', 'train_strong'],
        ['unlabel_in_domain', 'train_unlabeled'],
        ['validation', 'validation'],
      ],
    );
    assert.deepEqual(index.classes, [...DCASE2019_CLASSES]);
    assert.equal(index.classes.length, 10);
  });

  it('reads weak labels: CRLF, repeated label deduped, duplicate clip merged, unknown label dropped', () => {
    assert.deepEqual(
      subset('weak').clips.map((c) => c.name),
      ['Ya-b_c_0.000_10.000.wav', 'Yrw_30.000_40.000.wav', 'Ybad_0.000_10.000.wav'],
    );
    assert.deepEqual(clip('weak', 'Ya-b_c_0.000_10.000.wav')!.weakLabels, ['Alarm_bell_ringing', 'Speech', 'Cat']);
    assert.deepEqual(clip('weak', 'Yrw_30.000_40.000.wav')!.weakLabels, ['Running_water']);
    assert.deepEqual(clip('weak', 'Ybad_0.000_10.000.wav')!.weakLabels, ['Dog']);
    assert.equal(clip('weak', 'Yrw_30.000_40.000.wav')!.events, null);
    assert.equal(clip('weak', 'Yrw_30.000_40.000.wav')!.audioPath, join(root, 'audio/train/weak/Yrw_30.000_40.000.wav'));
  });

  it('reads strong labels: non-adjacent rows, no final newline, full-precision times', () => {
    const c10 = clip('synthetic', '10.wav')!;
    assert.deepEqual(c10.events, [
      { file: '10.wav', onsetSec: 0.2871594438738916, offsetSec: 1.0577124645624223, label: 'Alarm_bell_ringing' },
      { file: '10.wav', onsetSec: 5, offsetSec: 6, label: 'Dog' },
    ]);
    assert.deepEqual(c10.weakLabels, ['Alarm_bell_ringing', 'Dog']);
    assert.deepEqual(clip('synthetic', '13.wav')!.events, [{ file: '13.wav', onsetSec: 0, offsetSec: 10, label: 'Speech' }]);
    // 11.wav and 12.wav had only malformed rows
    assert.deepEqual(
      subset('synthetic').clips.map((c) => c.name),
      ['10.wav', '13.wav'],
    );
  });

  it('keeps an empty-event clip with [] events and an unknown-label clip with its event dropped', () => {
    assert.deepEqual(clip('validation', 'Yempty_24.000_34.000.wav')!.events, []);
    assert.deepEqual(clip('validation', 'Yempty_24.000_34.000.wav')!.weakLabels, []);
    assert.deepEqual(clip('validation', 'Yv3_0.000_10.000.wav')!.events, []);
    assert.equal(clip('validation', 'Yv2_0.000_10.000.wav'), undefined);
  });

  it('reads the unlabeled list with null labels and reports the repeated clip', () => {
    assert.deepEqual(
      subset('unlabel_in_domain').clips.map((c) => [c.name, c.weakLabels, c.events]),
      [
        ['Yu1_0.000_10.000.wav', null, null],
        ['Yu2_10.000_20.000.wav', null, null],
      ],
    );
  });

  it('reports each problem with its file and 1-based line', () => {
    const where = (kind: string) => problemsOf(kind).map((p) => `${p.file.slice(root.length + 1)}:${p.line}`);
    // lines counted by hand in the fixture strings above
    assert.deepEqual(where('malformed_row'), ['metadata/train/weak.tsv:5', 'metadata/train/synthetic.tsv:3', 'metadata/train/synthetic.tsv:5', 'metadata/validation/validation.tsv:4']);
    assert.deepEqual(where('unknown_label'), ['metadata/train/weak.tsv:4', 'metadata/validation/validation.tsv:5']);
    assert.deepEqual(where('duplicate'), ['metadata/train/weak.tsv:6', 'metadata/train/unlabel_in_domain.tsv:4']);
    assert.match(problemsOf('unknown_label')[0].message, /Barking/);
  });

  it('reports missing audio by audio path (13.wav, Yu2), and skips the check when asked', async () => {
    assert.deepEqual(
      problemsOf('missing_audio').map((p) => p.file),
      [join(root, 'audio/train/synthetic/13.wav'), join(root, 'audio/train/unlabel_in_domain/Yu2_10.000_20.000.wav')],
    );
    const unchecked = await readDataset('dcase2019', root, { checkAudio: false });
    assert.equal(unchecked.problems.filter((p) => p.kind === 'missing_audio').length, 0);
  });

  it('adds eval_public when metadata/eval/public.tsv exists (names without Y, integer times)', async () => {
    await put(root, 'metadata/eval/public.tsv', 'filename\tonset\toffset\tevent_label\n1Ro0FgMWTUE_120_130.wav\t0\t2\tSpeech\n');
    const withEval = await readDataset('dcase2019', root, { checkAudio: false });
    const pub = withEval.subsets.find((s) => s.name === 'eval_public')!;
    assert.equal(pub.role, 'test');
    assert.equal(pub.clips[0].audioPath, join(root, 'audio/eval/public/1Ro0FgMWTUE_120_130.wav'));
    await rm(join(root, 'metadata/eval'), { recursive: true });
  });

  it('takes classes from classes.json at the root, and an explicit list over both', async () => {
    await writeFile(join(root, 'classes.json'), JSON.stringify({ classes: [{ name: 'Dog', mean_duration_sec: 1, description: 'd' }, { name: 'Cat', mean_duration_sec: 2, description: 'c' }] }));
    const fromJson = await readDataset('dcase2019', root, { checkAudio: false });
    assert.deepEqual(fromJson.classes, ['Dog', 'Cat']);
    const explicit = await readDataset('dcase2019', root, { checkAudio: false, classes: ['Speech'] });
    assert.deepEqual(explicit.classes, ['Speech']);
    await writeFile(join(root, 'classes.json'), '{"classes": [{"name": ""}]}');
    await assert.rejects(readDataset('dcase2019', root), (e: unknown) => e instanceof DataError && /classes\[0\]\.name/.test(e.message));
    await rm(join(root, 'classes.json'));
  });

  it('throws DataError naming a missing required metadata file', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'sed-dcase2019-empty-'));
    try {
      await assert.rejects(readDataset('dcase2019', empty), (e: unknown) => e instanceof DataError && e.file === join(empty, 'metadata/train/weak.tsv'));
    } finally {
      await rm(empty, { recursive: true });
    }
  });
});

describe('rowsFromText', () => {
  it('numbers lines from 1 across LF and CRLF, skips blank lines and a BOM, keeps empty cells', () => {
    const rows = rowsFromText('\ufeffa\tb\r\n\r\nc\t\t\nd', 'x.tsv');
    assert.deepEqual(rows, [
      { line: 1, cells: ['a', 'b'] },
      { line: 3, cells: ['c', '', ''] },
      { line: 4, cells: ['d'] },
    ]);
  });
  // Regression: data/tsv.ts took a lone CR as a line break while io/event-tsv.ts did not; the one reader now
  // rejects it, naming the file and the line that holds it.
  it('rejects a lone CR with file and line, in the dataset reader and in the label TSV reader alike', () => {
    const lone = (e: unknown) => e instanceof DataError && e.file === 'x.tsv' && e.line === 2 && /carriage return without a line feed/.test(e.message);
    assert.throws(() => rowsFromText('a\tb\nc\t\t\rd\n', 'x.tsv'), lone);
    assert.throws(() => parseEventTsv('filename\tonset\toffset\tevent_label\na.wav\t1\t2\tDog\rb.wav\t1\t2\tCat\n', 'x.tsv'), lone);
  });
  // Regression: io/event-tsv.ts accepted "-0" (and 1e999 as Infinity) where data/tsv.ts did not; both now take
  // secondsFromCell's numbers: an optional '+', no '-', finite.
  it('reads signs the same way in both readers: "+" accepted, any "-" and infinities rejected', () => {
    assert.equal(secondsFromCell('+1.5'), 1.5);
    assert.equal(secondsFromCell('-0'), null);
    assert.equal(secondsFromCell('1e999'), null);
    const head = 'filename\tonset\toffset\tevent_label\n';
    assert.deepEqual(parseEventTsv(`${head}a.wav\t+1.5\t2\tDog\n`, 'x.tsv').events, [{ file: 'a.wav', onsetSec: 1.5, offsetSec: 2, label: 'Dog' }]);
    assert.throws(() => parseEventTsv(`${head}a.wav\t-0\t2\tDog\n`, 'x.tsv'), (e: unknown) => e instanceof DataError && e.line === 2 && /must not be negative/.test(e.message));
    assert.throws(() => parseEventTsv(`${head}a.wav\t0\t1e999\tDog\n`, 'x.tsv'), (e: unknown) => e instanceof DataError && e.line === 2 && /offset must be a number/.test(e.message));
  });
  it('official lists have 10 and 17 classes', () => {
    assert.equal(officialClasses('dcase2019').length, 10);
    assert.equal(officialClasses('dcase2017').length, 17);
  });
});
