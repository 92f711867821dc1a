/**
 * Analysis windows with torch's conventions (torch.hann_window / torch.hamming_window):
 * a periodic window of length N is the symmetric window of length N + 1 without its last sample,
 * which is what torch computes (it builds N + 1 points and drops the last).
 */

export type WindowName = 'hann' | 'hamming';

/**
 * Window of `length` samples, float64.
 * symmetric: w[n] = a − (1 − a)·cos(2πn / (N − 1)); periodic: the same with N in place of N − 1.
 * a = 0.5 for Hann, 0.54 for Hamming (torch's default alpha 0.54, beta 0.46). Length 1 gives [1] as in torch.
 */
export function makeWindow(name: WindowName, length: number, periodic: boolean): Float64Array {
  if (!Number.isInteger(length) || length < 1) {
    throw new RangeError(`window length must be a positive integer (${length} given)`);
  }
  const w = new Float64Array(length);
  if (length === 1) {
    w[0] = 1;
    return w;
  }
  const a = name === 'hann' ? 0.5 : 0.54;
  const denom = periodic ? length : length - 1;
  for (let n = 0; n < length; n++) w[n] = a - (1 - a) * Math.cos((2 * Math.PI * n) / denom);
  return w;
}

/**
 * The window of `winLength` samples placed in the middle of an `nFft`-sample frame, zeros elsewhere.
 * torch.stft pads a shorter window with (n_fft − win_length) // 2 zeros on the left.
 */
export function paddedWindow(name: WindowName, winLength: number, nFft: number, periodic: boolean): Float64Array {
  if (winLength > nFft) throw new RangeError(`win_length ${winLength} exceeds n_fft ${nFft}`);
  const out = new Float64Array(nFft);
  out.set(makeWindow(name, winLength, periodic), Math.floor((nFft - winLength) / 2));
  return out;
}
