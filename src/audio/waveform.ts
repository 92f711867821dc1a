/** Decoded audio: one Float32Array per channel, samples in [-1, 1]. */
export interface Waveform {
  channels: Float32Array[];
  sampleRateHz: number;
}

/** Averages all channels into one. A mono waveform's channel is returned as is. */
export function monoFromWaveform(wave: Waveform): Float32Array {
  const { channels } = wave;
  if (channels.length === 1) return channels[0];
  const length = channels[0].length;
  const mono = new Float32Array(length);
  for (const channel of channels) {
    for (let i = 0; i < length; i++) mono[i] += channel[i];
  }
  const scale = 1 / channels.length;
  for (let i = 0; i < length; i++) mono[i] *= scale;
  return mono;
}
