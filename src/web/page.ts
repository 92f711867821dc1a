/**
 * The export's page: choose or drop a WAV file, or listen on the microphone; draws the per-class frame probabilities
 * as a scrolling timeline and lists the detected events with each class's n_c; says which tfjs backend runs and how
 * many ms of compute a second of audio takes. Exposes the script API `window.sedWeb` (detect, frameProbabilities).
 * Bundled by `sed export` with esbuild into sed-web.js; index.html checks browser support before loading it.
 */
import { decodeWav } from '../audio/wav-decode.ts';
import { monoFromWaveform } from '../audio/waveform.ts';
import { InputError, SedWeb, type FrameProbabilities, type WebBackend, type WebEvent } from './sed-web.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The stable script API (issue 16): both methods wait for the model to load. */
export interface SedWebApi {
  ready: Promise<void>;
  backend: string | null;
  detect(samples: Float32Array, sampleRateHz: number): Promise<WebEvent[]>;
  frameProbabilities(samples: Float32Array, sampleRateHz: number): Promise<FrameProbabilities>;
}

declare global {
  interface Window {
    sedWeb: SedWebApi;
  }
}

function showMessage(text: string, kind: 'error' | 'info' = 'error'): void {
  const box = $('message');
  box.textContent = text;
  box.className = text ? kind : '';
}

function backendOrder(): WebBackend[] {
  const asked = new URLSearchParams(location.search).get('backend');
  if (asked === 'webgl' || asked === 'wasm' || asked === 'cpu') return [asked];
  return ['webgl', 'wasm', 'cpu'];
}

const loading = SedWeb.load(new URL('./', location.href).href, backendOrder());

window.sedWeb = {
  ready: loading.then((web) => {
    window.sedWeb.backend = web.backend;
  }),
  backend: null,
  detect: async (samples, rate) => (await loading).detect(samples, rate),
  frameProbabilities: async (samples, rate) => (await loading).frameProbabilities(samples, rate),
};

const PX_PER_FRAME = 4;
const ROW_PX = 18;

function classColour(c: number, n: number): string {
  return `hsl(${Math.round((360 * c) / n)}, 70%, 45%)`;
}

/** Draws [frames, classes] probabilities (one row per class) and the events as outlined bars; `startSec` labels the axis. */
function drawTimeline(p: FrameProbabilities, events: WebEvent[], startSec: number, follow: boolean): void {
  const canvas = $<HTMLCanvasElement>('timeline');
  const nC = p.classes.length;
  const frames = p.prob.length / nC;
  canvas.width = Math.max(frames * PX_PER_FRAME, 200);
  canvas.height = nC * ROW_PX + 16;
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (let c = 0; c < nC; c++) {
    ctx.fillStyle = classColour(c, nC);
    for (let t = 0; t < frames; t++) {
      ctx.globalAlpha = p.prob[t * nC + c];
      ctx.fillRect(t * PX_PER_FRAME, c * ROW_PX, PX_PER_FRAME, ROW_PX - 2);
    }
  }
  ctx.globalAlpha = 1;
  ctx.strokeStyle = '#000';
  for (const e of events) {
    const c = p.classes.indexOf(e.event_label);
    const x0 = ((e.onset - startSec) / p.hopSec) * PX_PER_FRAME;
    const x1 = ((e.offset - startSec) / p.hopSec) * PX_PER_FRAME;
    ctx.strokeRect(x0 + 0.5, c * ROW_PX + 0.5, Math.max(x1 - x0 - 1, 1), ROW_PX - 3);
  }
  // A tick every second.
  ctx.fillStyle = '#444';
  ctx.font = '10px sans-serif';
  const perSec = PX_PER_FRAME / p.hopSec;
  for (let s = Math.ceil(startSec); (s - startSec) * perSec < canvas.width; s++) {
    const x = (s - startSec) * perSec;
    ctx.fillRect(x, nC * ROW_PX, 1, 4);
    if (s % 5 === 0) ctx.fillText(`${s}s`, x + 2, nC * ROW_PX + 13);
  }
  if (follow) $('timeline-scroll').scrollLeft = canvas.width;
}

function renderLegend(web: SedWeb): void {
  const legend = $('legend');
  legend.replaceChildren();
  web.metadata.classes.forEach((name, c) => {
    const row = document.createElement('div');
    row.style.height = `${ROW_PX}px`;
    row.style.color = classColour(c, web.metadata.classes.length);
    const nc = web.metadata.n_c?.[name];
    row.textContent = nc === undefined ? name : `${name} (n_c ${nc.toFixed(3)})`;
    legend.append(row);
  });
}

function renderEvents(web: SedWeb, events: WebEvent[], source: string): void {
  const body = $('events').querySelector('tbody')!;
  body.replaceChildren();
  for (const e of [...events].sort((a, b) => a.onset - b.onset)) {
    const tr = document.createElement('tr');
    const nc = web.metadata.n_c?.[e.event_label];
    for (const text of [e.event_label, e.onset.toFixed(3), e.offset.toFixed(3), nc === undefined ? '–' : nc.toFixed(3)]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
  $('events-caption').textContent = `${events.length} event${events.length === 1 ? '' : 's'} in ${source}`;
}

function renderSpeed(web: SedWeb): void {
  const msPerSec = web.lastComputeMs / Math.max(web.lastAudioSec, 1e-9);
  $('speed').textContent = `backend ${web.backend} · ${msPerSec.toFixed(1)} ms of compute per second of audio (${web.lastAudioSec.toFixed(1)} s in ${web.lastComputeMs.toFixed(0)} ms)`;
}

/** A WAV through our own decoder (the samples `sed predict` reads); other formats through the browser's decoder. */
async function samplesOfFile(file: File): Promise<{ samples: Float32Array; rate: number; note: string }> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isRiff = bytes.length >= 4 && String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) === 'RIFF';
  if (isRiff || !('AudioContext' in window)) {
    const wave = decodeWav(bytes, file.name);
    return { samples: monoFromWaveform(wave), rate: wave.sampleRateHz, note: wave.warnings.join('; ') };
  }
  const context = new AudioContext();
  try {
    const buffer = await context.decodeAudioData(bytes.buffer.slice(0));
    const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
    return { samples: monoFromWaveform({ channels, sampleRateHz: buffer.sampleRate }), rate: buffer.sampleRate, note: 'decoded by the browser (not a WAV): numbers may differ slightly from sed predict' };
  } finally {
    void context.close();
  }
}

async function analyseFile(web: SedWeb, file: File): Promise<void> {
  stopMicrophone();
  showMessage(`Analysing ${file.name}…`, 'info');
  let audio;
  try {
    audio = await samplesOfFile(file);
  } catch (err) {
    showMessage(`Cannot read ${file.name}: ${(err as Error).message}. Choose a WAV file (PCM or float).`);
    return;
  }
  try {
    const { events, probabilities } = await web.detectWithTrack(audio.samples, audio.rate);
    drawTimeline(probabilities, events, 0, false);
    renderEvents(web, events, file.name);
    renderSpeed(web);
    showMessage(audio.note, 'info');
  } catch (err) {
    if (err instanceof InputError) showMessage(`Cannot analyse ${file.name}: ${err.message}`);
    else throw err;
  }
}

// Microphone: the last window of audio at the AudioContext's rate, scored every second through our resampler.
let mic: { stream: MediaStream; context: AudioContext; timer: number } | null = null;

function stopMicrophone(): void {
  if (!mic) return;
  clearInterval(mic.timer);
  mic.stream.getTracks().forEach((t) => t.stop());
  void mic.context.close();
  mic = null;
  $('mic').textContent = 'Use the microphone';
}

async function startMicrophone(web: SedWeb): Promise<void> {
  if (!navigator.mediaDevices?.getUserMedia) {
    showMessage('This browser offers no microphone access here (it needs a secure origin: https:// or http://localhost).');
    return;
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  } catch (err) {
    const name = (err as DOMException).name;
    if (name === 'NotAllowedError' || name === 'SecurityError') showMessage("Microphone access was denied. Allow it in the browser's site settings, then press the button again.");
    else if (name === 'NotFoundError') showMessage('No microphone was found.');
    else showMessage(`The microphone could not be opened: ${(err as Error).message}`);
    return;
  }
  const context = new AudioContext();
  const rate = context.sampleRate;
  const keep = Math.round(web.geometry.windowSamples / web.geometry.sampleRateHz * rate); // one window at the mic's rate
  const ring = new Float32Array(keep);
  let filled = 0;
  let total = 0;
  const source = context.createMediaStreamSource(stream);
  const tap = context.createScriptProcessor(4096, 1, 1);
  tap.onaudioprocess = (e) => {
    const input = e.inputBuffer.getChannelData(0);
    if (input.length >= keep) ring.set(input.subarray(input.length - keep));
    else {
      ring.copyWithin(0, input.length);
      ring.set(input, keep - input.length);
    }
    filled = Math.min(keep, filled + input.length);
    total += input.length;
  };
  source.connect(tap);
  tap.connect(context.destination);
  let busy = false;
  const timer = window.setInterval(async () => {
    if (busy || filled < rate / 2) return;
    busy = true;
    try {
      const samples = ring.slice(keep - filled);
      const startSec = (total - filled) / rate;
      const { events, probabilities } = await web.detectWithTrack(samples, rate);
      const shifted = events.map((ev) => ({ ...ev, onset: ev.onset + startSec, offset: ev.offset + startSec }));
      drawTimeline(probabilities, shifted, startSec, true);
      renderEvents(web, shifted, `the last ${(filled / rate).toFixed(0)} s of the microphone (${rate} Hz)`);
      renderSpeed(web);
    } finally {
      busy = false;
    }
  }, 1000);
  mic = { stream, context, timer };
  $('mic').textContent = 'Stop the microphone';
  showMessage(`Listening at ${rate} Hz…`, 'info');
}

async function main(): Promise<void> {
  let web: SedWeb;
  try {
    web = await loading;
  } catch (err) {
    $('status').textContent = 'Not loaded';
    showMessage(`The model could not be loaded: ${(err as Error).message}`);
    return;
  }
  const m = web.metadata;
  $('status').textContent = `Ready · ${m.classes.length} classes · ${m.pooling} pooling · run ${m.run}, ${m.checkpoint}${m.epoch !== null ? ` (epoch ${m.epoch})` : ''} · backend ${web.backend}`;
  renderLegend(web);
  const input = $<HTMLInputElement>('file');
  input.disabled = false;
  input.addEventListener('change', () => {
    if (input.files?.[0]) void analyseFile(web, input.files[0]);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) void analyseFile(web, file);
    else showMessage('Nothing to read in what was dropped: drop a WAV file.');
  });
  const micButton = $<HTMLButtonElement>('mic');
  micButton.disabled = false;
  micButton.addEventListener('click', () => (mic ? stopMicrophone() : void startMicrophone(web)));
}

void main();
