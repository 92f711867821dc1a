import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatEventTsv,
  parseDurationsTsv,
  parseEventTsv,
  parseLabelTsv,
  parseWeakTsv,
  tagsFromEventTable,
} from '../src/io/event-tsv.ts';
import { DataError } from '../src/errors.ts';

const isDataError = (file: string, line: number | undefined, detail: RegExp) => (e: unknown) =>
  e instanceof DataError && e.file === file && e.line === line && detail.test(e.message);

test('strong table: CRLF, BOM, blank lines, no final newline, a clip without events', () => {
  const text = '\uFEFFfilename\tonset\toffset\tevent_label\r\n' + 'a.wav\t0.5\t2\tDog\r\n' + '\r\n' + 'b.wav\t\t\t\r\n' + 'a.wav\t3.25\t4.0\tCat';
  const t = parseEventTsv(text, 'x.tsv');
  assert.deepEqual(t.files, ['a.wav', 'b.wav']);
  assert.deepEqual(t.events, [
    { file: 'a.wav', onsetSec: 0.5, offsetSec: 2, label: 'Dog' },
    { file: 'a.wav', onsetSec: 3.25, offsetSec: 4, label: 'Cat' },
  ]);
});

test('strong table: columns found by name, extra columns ignored, a lone file name is a clip without events', () => {
  const text = 'filename\tevent_label\tonset\toffset\tconfidence\nc.wav\tSpeech\t1\t2\t0.9\nd.wav\n';
  const t = parseEventTsv(text, 'x.tsv');
  assert.deepEqual(t.files, ['c.wav', 'd.wav']);
  assert.deepEqual(t.events, [{ file: 'c.wav', onsetSec: 1, offsetSec: 2, label: 'Speech' }]);
});

test('malformed strong rows name the file and the 1-based line', () => {
  const head = 'filename\tonset\toffset\tevent_label\n';
  assert.throws(() => parseEventTsv(head + 'a.wav\t1\t2\tDog\na.wav\t1\t2\n', 'r.tsv'), isDataError('r.tsv', 3, /expected 4 .*got 3/));
  assert.throws(() => parseEventTsv(head + 'a.wav\t1\t2\tDog\textra\n', 'r.tsv'), isDataError('r.tsv', 2, /expected 4/));
  assert.throws(() => parseEventTsv(head + '\na.wav\tone\t2\tDog\n', 'r.tsv'), isDataError('r.tsv', 3, /onset must be a number.*"one"/));
  assert.throws(() => parseEventTsv(head + 'a.wav\t1\tnan\tDog\n', 'r.tsv'), isDataError('r.tsv', 2, /offset must be a number/));
  assert.throws(() => parseEventTsv(head + 'a.wav\t-0.5\t2\tDog\n', 'r.tsv'), isDataError('r.tsv', 2, /must not be negative/));
  assert.throws(() => parseEventTsv(head + 'a.wav\t3\t2\tDog\n', 'r.tsv'), isDataError('r.tsv', 2, /offset 2 is before onset 3/));
  assert.throws(() => parseEventTsv(head + 'a.wav\t1\t2\t\n', 'r.tsv'), isDataError('r.tsv', 2, /all given or all empty/));
  assert.throws(() => parseEventTsv('file\tstart\tend\tlabel\n', 'r.tsv'), isDataError('r.tsv', 1, /header must name/));
  assert.throws(() => parseEventTsv('\n\n', 'r.tsv'), isDataError('r.tsv', 1, /empty file/));
});

test('onset = offset is allowed (DCASE 2017 rows with 0, 0), exponents parse', () => {
  const t = parseEventTsv('filename\tonset\toffset\tevent_label\na\t0\t0\tCar\nb\t1e-1\t2.5E0\tBus\n', 'x');
  assert.deepEqual(t.events.map((e) => [e.onsetSec, e.offsetSec]), [[0, 0], [0.1, 2.5]]);
});

test('weak table: comma-joined labels, repeats dropped, empty = no label; parseLabelTsv picks the kind from the header', () => {
  const text = 'filename\tevent_labels\r\nw1.wav\tRunning_water,Running_water\r\nw2.wav\t\r\nw1.wav\tDog';
  const tags = parseWeakTsv(text, 'weak.tsv');
  assert.deepEqual(tags.files, ['w1.wav', 'w2.wav']);
  assert.deepEqual(tags.labels.get('w1.wav'), ['Running_water', 'Dog']);
  assert.deepEqual(tags.labels.get('w2.wav'), []);
  assert.equal(parseLabelTsv(text, 'weak.tsv').kind, 'weak');
  assert.equal(parseLabelTsv('filename\tonset\toffset\tevent_label\n', 's.tsv').kind, 'strong');
  assert.throws(() => parseWeakTsv('filename\tevent_labels\nw1.wav\tA\tB\n', 'weak.tsv'), isDataError('weak.tsv', 2, /expected 2/));
});

test('durations table: seconds per clip; repeats must agree; bad values name the line', () => {
  const d = parseDurationsTsv('filename\tduration\na.wav\t10.0\nb.wav\t7.5\na.wav\t10\n', 'dur.tsv');
  assert.deepEqual([...d], [['a.wav', 10], ['b.wav', 7.5]]);
  assert.throws(() => parseDurationsTsv('filename\tduration\na.wav\t10\na.wav\t9\n', 'dur.tsv'), isDataError('dur.tsv', 3, /given twice/));
  assert.throws(() => parseDurationsTsv('filename\tduration\na.wav\tx\n', 'dur.tsv'), isDataError('dur.tsv', 2, /duration must be a number/));
  assert.throws(() => parseDurationsTsv('filename\tduration\na.wav\t0\n', 'dur.tsv'), isDataError('dur.tsv', 2, /positive/));
});

test('formatEventTsv → parseEventTsv gives the table back on the millisecond grid, empty clips kept', () => {
  const table = {
    files: ['a.wav', 'empty.wav', 'b.wav'],
    events: [
      { file: 'a.wav', onsetSec: 0.3, offsetSec: 0.667, label: 'Dog' },
      { file: 'a.wav', onsetSec: 5, offsetSec: 6.125, label: 'Alarm_bell_ringing' },
      { file: 'b.wav', onsetSec: 0, offsetSec: 10, label: 'Speech' },
    ],
  };
  const text = formatEventTsv(table);
  assert.ok(text.startsWith('filename\tonset\toffset\tevent_label\n'));
  assert.ok(text.includes('empty.wav\t\t\t\n'));
  assert.deepEqual(parseEventTsv(text, 'x'), table);
  assert.equal(formatEventTsv(table.events.slice(2), { decimals: 3 }), 'filename\tonset\toffset\tevent_label\nb.wav\t0.000\t10.000\tSpeech\n');
});

test('regression: times are written rounded to the millisecond (95 × 0.08 printed 7.6000000000000005)', () => {
  // 95 * 0.08 is the double 7.6000000000000005; 0.1 + 0.2 is 0.30000000000000004; 2/3 → 0.667 (nearest ms).
  const events = [{ file: 'a.wav', onsetSec: 0.1 + 0.2, offsetSec: 95 * 0.08, label: 'Dog' }, { file: 'a.wav', onsetSec: 1e-9, offsetSec: 2 / 3, label: 'Cat' }];
  assert.equal(formatEventTsv(events), 'filename\tonset\toffset\tevent_label\na.wav\t0.3\t7.6\tDog\na.wav\t0\t0.667\tCat\n');
});

test('tagsFromEventTable: per-file label sets, clips without events get none', () => {
  const t = tagsFromEventTable({
    files: ['a', 'b'],
    events: [
      { file: 'a', onsetSec: 0, offsetSec: 1, label: 'Dog' },
      { file: 'a', onsetSec: 2, offsetSec: 3, label: 'Dog' },
      { file: 'a', onsetSec: 2, offsetSec: 3, label: 'Cat' },
    ],
  });
  assert.deepEqual([...t.labels], [['a', ['Dog', 'Cat']], ['b', []]]);
});
