/**
 * The browser export in real Chromium (issue 16): `npm run test:browser`, not part of `npm test` (it needs Debian's
 * chromium package, which `.ci/run` installs). Nothing is downloaded: playwright-core drives /usr/bin/chromium with
 * the flags that keep it off the network, and the page is served from 127.0.0.1.
 *
 * Setup makes a tiny trained run (8 synthetic clips, 1 epoch): the model need not be good, only real. The test picks
 * a decision threshold between two probability values of `sed predict`'s own output, away from every frame probability
 * by more than the 1e-4 the two sides may differ by (the median filter only picks among them), so that events exist
 * and cannot flip on rounding; export and predict both use it. Chromium gets a fake microphone (a test tone, no real
 * device) so that the denied and the live microphone paths run.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { main } from '../../src/cli/main.ts';
import { decodeWav } from '../../src/audio/wav-decode.ts';
import { monoFromWaveform } from '../../src/audio/waveform.ts';
import { resample } from '../../src/audio/resample.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { decodeNpy } from '../../src/io/npy.ts';
import { CHROMIUM_FLAGS, serveFolder } from '../helpers/static-server.ts';

const CHROMIUM = '/usr/bin/chromium';
/** A fake capture device, so that microphone permission (not a missing device) decides. */
const MIC_FLAGS = ['--use-fake-device-for-media-stream'];
/** Screenshots and other artefacts of this test (git-ignored). */
const OUTPUT = resolve('test-output/browser');

const dir = mkdtempSync(join(tmpdir(), 'sed-browser-'));
const run = join(dir, 'run');
const web = join(dir, 'web');
const wav = join(dir, 'long-44k.wav');
let server: Server;
let baseUrl: string;
let browser: Browser;
let threshold: number;

async function sed(...args: string[]): Promise<string> {
  let out = '';
  let err = '';
  const code = await main(['node', 'sed', '-q', ...args], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  assert.equal(code, 0, `sed ${args.join(' ')}: exit ${code}\n${err}`);
  return out;
}

const b64 = (x: Float32Array | Uint8Array) => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64');

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  await sed('synth', '--out', join(dir, 'data'), '--clips', '8', '--seed', '3');
  await sed('features', '--config', 'configs/default.yaml', '--root', join(dir, 'data'), '--out', join(dir, 'feat'), '--jobs', '1');
  await sed('train', '--config', 'configs/default.yaml', '--features', join(dir, 'feat'), '--out', run, '--epochs', '1', '--backend', 'wasm', '--set', 'pooling.warmup_epochs=0');
  // 25 s at 44.1 kHz (two validation clips and half of one again), so both sides resample and window (3 windows).
  const folder = join(dir, 'data', 'audio', 'validation');
  const clips = readdirSync(folder).filter((f) => f.endsWith('.wav')).sort().map((f) => join(folder, f));
  const parts = clips.slice(0, 2).map((f) => monoFromWaveform(decodeWav(new Uint8Array(readFileSync(f)), f)));
  const joined = new Float32Array(parts[0].length * 2 + parts[0].length / 2);
  joined.set(parts[0], 0);
  joined.set(parts[1 % parts.length], parts[0].length);
  joined.set(parts[0].subarray(0, parts[0].length / 2), parts[0].length * 2);
  writeFileSync(wav, encodeWav({ channels: [resample(joined, 16000, 44100)], sampleRateHz: 44100 }, { format: 'float', bitDepth: 32 }));

  // A threshold in the widest gap of the upper probabilities, > 1e-4 from every value.
  await sed('predict', '--run', run, '--backend', 'wasm', '--probabilities', join(dir, 'p0'), wav);
  const p = decodeNpy(new Uint8Array(readFileSync(join(dir, 'p0', `${wav.replace(/^\/+/, '').replace(/\.wav$/, '')}.npy`))), 'p0').data;
  const sorted = Float64Array.from(p).sort();
  let best = { gap: 0, at: 0.5 };
  for (let i = Math.floor(sorted.length * 0.6); i < Math.floor(sorted.length * 0.95); i++) {
    const gap = sorted[i + 1] - sorted[i];
    if (gap > best.gap) best = { gap, at: (sorted[i] + sorted[i + 1]) / 2 };
  }
  assert.ok(best.gap > 2e-4, `no usable gap in the probabilities (${best.gap})`);
  threshold = best.at;
  await sed('export', '--run', run, '--out', web, '--threshold', String(threshold));
  ({ server, baseUrl } = await serveFolder(web));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, ...MIC_FLAGS] });
});

after(async () => {
  await browser?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Event {
  onset: number;
  offset: number;
  event_label: string;
}
const byTime = (a: Event, b: Event) => a.onset - b.onset || a.event_label.localeCompare(b.event_label) || a.offset - b.offset;

test('the page API gives the events and frame probabilities of sed predict on the same WAV', { timeout: 300_000 }, async () => {
  const json = await sed('predict', '--run', run, '--backend', 'wasm', '--threshold', String(threshold), '--probabilities', join(dir, 'p1'), '--json', wav);
  const expected = (JSON.parse(json) as { filename: string; onset: number; offset: number; event_label: string }[]).map(({ onset, offset, event_label }) => ({ onset, offset, event_label }));
  assert.ok(expected.length > 0, 'predict found no events: the test would prove nothing');
  const probNode = decodeNpy(new Uint8Array(readFileSync(join(dir, 'p1', `${wav.replace(/^\/+/, '').replace(/\.wav$/, '')}.npy`))), 'p1');

  const page = await browser.newPage();
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${baseUrl}?backend=wasm`);
  await page.evaluate(() => window.sedWeb.ready);
  assert.equal(await page.evaluate(() => window.sedWeb.backend), 'wasm', logs.join('\n'));
  const wave = decodeWav(new Uint8Array(readFileSync(wav)), wav);
  const samples = monoFromWaveform(wave);
  const got = await page.evaluate(
    async ({ data, rate }) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const x = new Float32Array(bytes.buffer);
      const events = await window.sedWeb.detect(x, rate);
      const p = await window.sedWeb.frameProbabilities(x, rate);
      const out = new Uint8Array(p.prob.buffer, p.prob.byteOffset, p.prob.byteLength);
      let s = '';
      for (let i = 0; i < out.length; i += 8192) s += String.fromCharCode(...out.subarray(i, i + 8192));
      return { events, hopSec: p.hopSec, classes: p.classes, prob: btoa(s) };
    },
    { data: b64(samples), rate: wave.sampleRateHz },
  );
  const prob = new Float32Array(Uint8Array.from(Buffer.from(got.prob, 'base64')).buffer);
  assert.equal(got.hopSec, 0.08);
  assert.equal(prob.length, probNode.data.length);
  assert.deepEqual([prob.length / got.classes.length, got.classes.length], probNode.shape);
  let worst = 0;
  for (let i = 0; i < prob.length; i++) worst = Math.max(worst, Math.abs(prob[i] - probNode.data[i]));
  console.log(`${expected.length} events; largest frame-probability difference browser vs Node: ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-4, `frame probabilities differ by ${worst}`);
  // Self-contained: every request the page made went to the export folder's server.
  assert.deepEqual(requests.filter((u) => !u.startsWith(baseUrl)), []);
  assert.ok(requests.some((u) => u.endsWith('.wasm')) && requests.some((u) => u.endsWith('weights.bin')), requests.join('\n'));
  const a = [...got.events].sort(byTime);
  const b = [...expected].sort(byTime);
  assert.equal(a.length, b.length, `browser ${JSON.stringify(a)}\nnode ${JSON.stringify(b)}`);
  for (let i = 0; i < a.length; i++) {
    assert.equal(a[i].event_label, b[i].event_label);
    assert.ok(Math.abs(a[i].onset - b[i].onset) <= 1e-3 && Math.abs(a[i].offset - b[i].offset) <= 1e-3, `${JSON.stringify(a[i])} vs ${JSON.stringify(b[i])}`);
  }
  await page.close();
});

test('a WAV dropped on the page lists the events of sed predict; a bad file and a denied microphone get clear messages', { timeout: 300_000 }, async () => {
  const json = await sed('predict', '--run', run, '--backend', 'wasm', '--threshold', String(threshold), '--json', wav);
  const expected = (JSON.parse(json) as Event[]).sort(byTime).map((e) => [e.event_label, e.onset.toFixed(3), e.offset.toFixed(3)]);
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  await page.goto(`${baseUrl}?backend=wasm`);
  await page.evaluate(() => window.sedWeb.ready);

  const drop = async (name: string, bytes: Uint8Array) =>
    page.evaluate(
      ({ name, data }) => {
        const file = new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type: 'audio/wav' });
        const transfer = new DataTransfer();
        transfer.items.add(file);
        document.getElementById('drop')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      { name, data: b64(bytes) },
    );
  await drop('long-44k.wav', new Uint8Array(readFileSync(wav)));
  await page.waitForFunction(() => /events? in long-44k\.wav/.test(document.getElementById('events-caption')!.textContent ?? ''));
  const rows = await page.$$eval('#events tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
  assert.deepEqual(
    rows.map((r) => r.slice(0, 3)).sort(),
    expected.map((r) => r.slice()).sort(),
  );
  assert.ok(rows.every((r) => /^\d+\.\d{3}$/.test(r[3])), 'each event shows its class n_c');
  assert.match((await page.textContent('#speed')) ?? '', /backend wasm · [\d.]+ ms of compute per second of audio/);
  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, 'export-page.png'), fullPage: true });

  await drop('notes.txt', new TextEncoder().encode('not audio at all'));
  await page.waitForFunction(() => /Cannot read notes\.txt/.test(document.getElementById('message')!.textContent ?? ''));

  // No permission granted: Chromium refuses getUserMedia (NotAllowedError).
  await page.click('#mic');
  await page.waitForFunction(() => /Microphone access was denied/.test(document.getElementById('message')!.textContent ?? ''));
  await page.close();

  // Permission granted: the fake device's tone at the AudioContext's rate is scored live through our resampler.
  const context = await browser.newContext();
  await context.grantPermissions(['microphone'], { origin: baseUrl.replace(/\/$/, '') });
  const live = await context.newPage();
  await live.goto(`${baseUrl}?backend=wasm`);
  await live.evaluate(() => window.sedWeb.ready);
  await live.click('#mic');
  await live.waitForFunction(() => /of the microphone \(\d+ Hz\)/.test(document.getElementById('events-caption')!.textContent ?? ''), undefined, { timeout: 60_000 });
  console.log(`live: ${await live.textContent('#events-caption')}; ${await live.textContent('#speed')}`);
  await live.click('#mic');
  await context.close();

  // Without ?backend the page takes the first backend that starts (webgl when the browser has a GPU context, here
  // SwiftShader's); reported, not asserted: webgl's float32 shaders need not match wasm's rounding.
  const auto = await browser.newPage();
  await auto.goto(baseUrl);
  await auto.evaluate(() => window.sedWeb.ready);
  const backend = await auto.evaluate(() => window.sedWeb.backend);
  const wave = decodeWav(new Uint8Array(readFileSync(wav)), wav);
  const probs = await auto.evaluate(
    async ({ data, rate }) => {
      const x = new Float32Array(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)).buffer);
      return Array.from((await window.sedWeb.frameProbabilities(x, rate)).prob);
    },
    { data: b64(monoFromWaveform(wave)), rate: wave.sampleRateHz },
  );
  const node = decodeNpy(new Uint8Array(readFileSync(join(dir, 'p0', `${wav.replace(/^\/+/, '').replace(/\.wav$/, '')}.npy`))), 'p0').data;
  const diff = probs.reduce((m, v, i) => Math.max(m, Math.abs(v - node[i])), 0);
  console.log(`default backend in headless Chromium with --disable-gpu: ${backend}; largest frame-probability difference vs Node wasm: ${diff.toExponential(2)}`);
  await auto.close();
});
