/** A minimal SVG writer for the reproduction plots: labelled scatter (optionally log-x) and line charts. */

const W = 640;
const H = 420;
const M = { left: 60, right: 20, top: 30, bottom: 50 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

interface Axis {
  min: number;
  max: number;
  log: boolean;
}

function axisOf(values: number[], log: boolean): Axis {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  let min = Math.min(...v);
  let max = Math.max(...v);
  if (!(max > min)) [min, max] = [min - 1, max + 1];
  if (log) return { min: min / 1.3, max: max * 1.3, log };
  const pad = (max - min) * 0.08;
  return { min: min - pad, max: max + pad, log };
}

const scale = (a: Axis, x: number, lo: number, hi: number) => {
  const t = a.log ? (Math.log(x) - Math.log(a.min)) / (Math.log(a.max) - Math.log(a.min)) : (x - a.min) / (a.max - a.min);
  return lo + t * (hi - lo);
};

function ticks(a: Axis): number[] {
  if (a.log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(a.min)); e <= Math.ceil(Math.log10(a.max)); e++)
      for (const m of [1, 2, 5]) if (m * 10 ** e >= a.min && m * 10 ** e <= a.max) out.push(m * 10 ** e);
    return out;
  }
  const step = 10 ** Math.floor(Math.log10((a.max - a.min) / 4));
  const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => (a.max - a.min) / s <= 6) ?? step * 10;
  const out: number[] = [];
  for (let t = Math.ceil(a.min / nice) * nice; t <= a.max; t += nice) out.push(Number(t.toPrecision(6)));
  return out;
}

function frame(title: string, xLabel: string, yLabel: string, xa: Axis, ya: Axis): string[] {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#333"/>`,
    `<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(15 ${H / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  for (const t of ticks(xa)) {
    const x = scale(xa, t, M.left, W - M.right);
    parts.push(`<line x1="${x}" y1="${H - M.bottom}" x2="${x}" y2="${H - M.bottom + 5}" stroke="#333"/><text x="${x}" y="${H - M.bottom + 18}" text-anchor="middle">${t}</text>`);
  }
  for (const t of ticks(ya)) {
    const y = scale(ya, t, H - M.bottom, M.top);
    parts.push(`<line x1="${M.left - 5}" y1="${y}" x2="${M.left}" y2="${y}" stroke="#333"/><text x="${M.left - 8}" y="${y + 4}" text-anchor="end">${t}</text>`);
  }
  return parts;
}

/** A labelled scatter plot as standalone SVG text (optionally log x). */
export function scatterSvg(opts: { title: string; xLabel: string; yLabel: string; logX?: boolean; points: { x: number; y: number; label: string }[] }): string {
  const xa = axisOf(opts.points.map((p) => p.x), opts.logX ?? false);
  const ya = axisOf(opts.points.map((p) => p.y), false);
  const parts = frame(opts.title, opts.xLabel, opts.yLabel, xa, ya);
  for (const p of opts.points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const x = scale(xa, p.x, M.left, W - M.right);
    const y = scale(ya, p.y, H - M.bottom, M.top);
    parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="4" fill="#1f77b4"/><text x="${(x + 6).toFixed(1)}" y="${(y - 6).toFixed(1)}">${esc(p.label)}</text>`);
  }
  return `${parts.join('\n')}\n</svg>\n`;
}

/** A line chart of one or more series as standalone SVG text. */
export function lineSvg(opts: { title: string; xLabel: string; yLabel: string; series: { name: string; points: [number, number][] }[] }): string {
  const all = opts.series.flatMap((s) => s.points);
  const xa = axisOf(all.map((p) => p[0]), false);
  const ya = axisOf(all.map((p) => p[1]), false);
  const parts = frame(opts.title, opts.xLabel, opts.yLabel, xa, ya);
  opts.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const d = s.points.filter((p) => Number.isFinite(p[1])).map((p, k) => `${k ? 'L' : 'M'}${scale(xa, p[0], M.left, W - M.right).toFixed(1)} ${scale(ya, p[1], H - M.bottom, M.top).toFixed(1)}`).join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    parts.push(`<text x="${W - M.right - 110}" y="${M.top + 14 + 14 * i}" fill="${color}">${esc(s.name)}</text>`);
  });
  return `${parts.join('\n')}\n</svg>\n`;
}
