/**
 * What goes into each synthetic clip (classes, times, SNRs), and the mixing of a planned clip into samples.
 * Planning is sequential per subset (a shuffled deck keeps every class in about the same share of clips);
 * rendering uses one random stream per clip.
 */
import { pinkNoise, scaleToRms } from './dsp.ts';
import { streamSeed, SynthRandom } from './random.ts';
import type { SynthClass } from './sound-classes.ts';

export interface PlannedEvent {
  classIndex: number;
  onsetSec: number; // rounded to 1 ms, as written in the metadata
  offsetSec: number;
  snrDb: number;
}

export interface PlannedClip {
  events: PlannedEvent[]; // onset order
  renderSeed: number;
}

export const DURATION_SIGMA = 0.2; // lognormal σ of an event's duration around its class mean
export const SNR_RANGE_DB: readonly [number, number] = [0, 15];
export const EVENTS_PER_CLIP: readonly [number, number] = [1, 3];
export const BACKGROUND_RMS = 0.03; // ≈ −30 dBFS, leaving headroom for a 15 dB event

const roundMs = (sec: number) => Math.round(sec * 1000) / 1000;

/** Plans `count` clips of one subset (see above), deterministically from (seed, subsetIndex); times in seconds. */
export function planClips(count: number, classes: readonly SynthClass[], clipSeconds: number, seed: number, subsetIndex: number): PlannedClip[] {
  const rng = new SynthRandom(streamSeed(seed, subsetIndex));
  let deck: number[] = [];
  const draw = (taken: Set<number>): number => {
    // a class already in this clip goes back under the deck, so same-class events never overlap
    for (let tries = 0; ; tries++) {
      if (deck.length === 0) deck = rng.shuffle(classes.map((_, i) => i));
      const c = deck.pop()!;
      if (!taken.has(c) || tries > 4 * classes.length) return c;
      deck.unshift(c);
    }
  };
  const plans: PlannedClip[] = [];
  for (let k = 0; k < count; k++) {
    const n = Math.min(rng.int(EVENTS_PER_CLIP[0], EVENTS_PER_CLIP[1]), classes.length);
    const taken = new Set<number>();
    const events: PlannedEvent[] = [];
    for (let e = 0; e < n; e++) {
      const classIndex = draw(taken);
      taken.add(classIndex);
      const durationSec = roundMs(Math.min(clipSeconds, Math.max(0.05, rng.lognormal(classes[classIndex].meanDurationSec, DURATION_SIGMA))));
      const onsetSec = roundMs(rng.uniform(0, clipSeconds - durationSec));
      const offsetSec = Math.min(clipSeconds, roundMs(onsetSec + durationSec));
      events.push({ classIndex, onsetSec, offsetSec, snrDb: rng.uniform(SNR_RANGE_DB[0], SNR_RANGE_DB[1]) });
    }
    events.sort((a, b) => a.onsetSec - b.onsetSec || a.classIndex - b.classIndex);
    plans.push({ events, renderSeed: streamSeed(seed, subsetIndex, k, 1) });
  }
  return plans;
}

/** Background pink noise plus each event at its SNR (event RMS over its own extent vs background RMS). */
export function renderClip(plan: PlannedClip, classes: readonly SynthClass[], sampleRateHz: number, clipSeconds: number): Float32Array {
  const rng = new SynthRandom(plan.renderSeed);
  const total = Math.round(clipSeconds * sampleRateHz);
  const mix = scaleToRms(pinkNoise(total, rng), BACKGROUND_RMS);
  for (const ev of plan.events) {
    const start = Math.round(ev.onsetSec * sampleRateHz);
    const end = Math.min(total, Math.round(ev.offsetSec * sampleRateHz));
    if (end <= start) continue;
    const samples = classes[ev.classIndex].render(end - start, sampleRateHz, rng);
    const gain = BACKGROUND_RMS * 10 ** (ev.snrDb / 20);
    for (let i = 0; i < samples.length; i++) mix[start + i] += gain * samples[i];
  }
  // keep 16-bit WAV from clipping: scale the whole clip (SNRs unchanged)
  let peak = 0;
  for (let i = 0; i < total; i++) peak = Math.max(peak, Math.abs(mix[i]));
  if (peak > 0.98) for (let i = 0; i < total; i++) mix[i] *= 0.98 / peak;
  return mix;
}
