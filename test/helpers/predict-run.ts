/** A run folder for `sed predict`/`sed export` tests: the default config, a CRNN with random weights, made-up statistics. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configToYaml, loadConfig } from '../../src/config/load.ts';
import { buildCrnn } from '../../src/model/crnn.ts';
import { saveModel } from '../../src/model/model-io.ts';
import { encodeWav } from '../../src/audio/wav-encode.ts';
import { selectBackend } from '../../src/backend/select.ts';

export const RUN_CLASSES = ['alarm', 'dog', 'speech'];

/** Writes config.yaml, feature_stats.json and best/model.json into `dir`; returns `dir`. */
export async function makeRandomRun(dir: string, seed = 1): Promise<string> {
  const config = loadConfig('configs/default.yaml');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.yaml'), configToYaml(config));
  const nMels = config.features.n_mels;
  // Log-mel dB values of quiet synthetic audio sit around −60..−20 dB.
  const stats = { mean: Array.from({ length: nMels }, (_, m) => -40 - m / 8), std: Array.from({ length: nMels }, (_, m) => 12 + m / 16), classes: RUN_CLASSES };
  writeFileSync(join(dir, 'feature_stats.json'), JSON.stringify(stats));
  await selectBackend('wasm');
  const model = buildCrnn({ net: config.net, pooling: config.pooling, nMels, nClasses: RUN_CLASSES.length });
  await saveModel(model, join(dir, 'best'));
  model.dispose();
  return dir;
}

/** Writes a mono 16-bit WAV. */
export function writeWav(path: string, samples: Float32Array, sampleRateHz: number): string {
  writeFileSync(path, encodeWav({ channels: [samples], sampleRateHz }));
  return path;
}

/** A tone of `amplitude` at `freqHz` over [onsetSec, offsetSec) in silence of `durationSec`. */
export function toneInSilence(durationSec: number, sampleRateHz: number, onsetSec: number, offsetSec: number, freqHz = 1000, amplitude = 0.5): Float32Array {
  const out = new Float32Array(Math.round(durationSec * sampleRateHz));
  const from = Math.round(onsetSec * sampleRateHz);
  const to = Math.min(out.length, Math.round(offsetSec * sampleRateHz));
  for (let n = from; n < to; n++) out[n] = amplitude * Math.sin((2 * Math.PI * freqHz * n) / sampleRateHz);
  return out;
}
