/**
 * tfjs-layers' Orthogonal initializer prints "Orthogonal initializer is being called on a matrix with more than 2000
 * (…) elements: Slowness may result." through console.warn for every GRU recurrent kernel above 2,000 weights — twice
 * per model (both directions), on every train. Our kernels are [units, 3·units] with units ≤ 64 (12,288 weights): the
 * QR takes milliseconds, so the warning only alarms users. tfjs-core's cpu backend also prints a banner ("Hi, looks like
 * you are running TensorFlow.js in Node.js …") the first time it runs in Node; `sed` already logs which backend it
 * uses and why. This drops those two messages and passes every other console.warn through untouched.
 */

const NOISE = [
  /^Orthogonal initializer is being called on a matrix with more than \d+ \(\d+\) elements: Slowness may result\.$/,
  /^\n=+\nHi, looks like you are running TensorFlow\.js in Node\.js\./,
];

let installed = false;

/** Installs the filter on console.warn once per process (idempotent); the CLI calls it at start. */
export function silenceTfjsNoise(): void {
  if (installed) return;
  installed = true;
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    if (args.length === 1 && typeof args[0] === 'string' && isTfjsNoise(args[0])) return;
    warn(...args);
  };
}

/** Whether `message` is one that silenceTfjsNoise drops (for tests). */
export const isTfjsNoise = (message: string) => NOISE.some((pattern) => pattern.test(message));
