/**
 * Numbers for people: logs, summaries on stderr and Markdown round to the precision that means something, while
 * JSON files keep full precision. Three decimals (n_c, F1, seconds), or three significant digits below 0.01 so that
 * small values (a λ term, a learning rate) do not print as 0.
 */

/** `x` rounded for display; non-finite values and integers are returned as they are. */
export function roundNumber(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  return Math.abs(x) >= 0.01 ? Math.round(x * 1000) / 1000 : Number(x.toPrecision(3));
}

/** A copy of `value` with every number rounded by roundNumber, at any depth (objects and arrays). */
export function roundForDisplay(value: unknown): unknown {
  if (typeof value === 'number') return roundNumber(value);
  if (Array.isArray(value)) return value.map(roundForDisplay);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundForDisplay(v)]));
  return value;
}
