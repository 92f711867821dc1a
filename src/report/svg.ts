/**
 * A minimal SVG writer for the reproduction plots: a labelled scatter with error bars (optionally log-x), and line
 * charts in stacked panels that share the x axis, each panel with its own y axis and a legend beside it (never over
 * the lines), every series of a panel in a colour of its own.
 */

const W = 760;
const PLOT_RIGHT_SCATTER = 20;
const LEGEND_WIDTH = 170; // right of the plot area, outside it
const M = { left: 60, top: 30, bottom: 50 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Tableau 10 then the light tab20 shades: 20 colours, no two alike, so up to 20 series never share one. */
export const COLORS = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
  '#aec7e8', '#ffbb78', '#98df8a', '#ff9896', '#c5b0d5', '#c49c94', '#f7b6d2', '#c7c7c7', '#dbdb8d', '#9edae5',
];

interface Axis {
  min: number;
  max: number;
  log: boolean;
}

function axisOf(values: number[], log: boolean): Axis {
  const v = values.filter((x) => Number.isFinite(x) && (!log || x > 0));
  let min = Math.min(...v);
  let max = Math.max(...v);
  if (!v.length) [min, max] = [0, 1];
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

interface Box {
  x0: number;
  x1: number;
  y0: number; // top
  y1: number; // bottom
}

/** Frame, ticks and y label of one plot area; the x ticks only when `xTicks`. */
function axes(box: Box, xa: Axis, ya: Axis, yLabel: string, xTicks: boolean): string[] {
  const parts = [
    `<rect x="${box.x0}" y="${box.y0}" width="${box.x1 - box.x0}" height="${box.y1 - box.y0}" fill="none" stroke="#333"/>`,
    `<text transform="translate(15 ${(box.y0 + box.y1) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
  ];
  for (const t of ticks(xa)) {
    const x = scale(xa, t, box.x0, box.x1);
    parts.push(`<line x1="${x}" y1="${box.y1}" x2="${x}" y2="${box.y1 + 5}" stroke="#333"/>`);
    if (xTicks) parts.push(`<text x="${x}" y="${box.y1 + 18}" text-anchor="middle">${t}</text>`);
  }
  for (const t of ticks(ya)) {
    const y = scale(ya, t, box.y1, box.y0);
    parts.push(`<line x1="${box.x0 - 5}" y1="${y}" x2="${box.x0}" y2="${y}" stroke="#333"/><text x="${box.x0 - 8}" y="${y + 4}" text-anchor="end">${t}</text>`);
  }
  return parts;
}

const open = (width: number, height: number, title: string) => [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
  `<rect width="${width}" height="${height}" fill="white"/>`,
  `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
];

export interface ScatterPoint {
  x: number;
  y: number;
  label: string;
  /** Half-length of a vertical error bar (e.g. the std over seeds); none when absent or 0. */
  yErr?: number;
}

/** Labelled points with optional vertical error bars (±yErr); the y axis covers the bars. */
export function scatterSvg(opts: { title: string; xLabel: string; yLabel: string; logX?: boolean; points: ScatterPoint[]; note?: string }): string {
  const H = 440;
  const box: Box = { x0: M.left, x1: W - PLOT_RIGHT_SCATTER, y0: M.top, y1: H - M.bottom - (opts.note ? 16 : 0) };
  const xa = axisOf(opts.points.map((p) => p.x), opts.logX ?? false);
  const ya = axisOf(opts.points.flatMap((p) => [p.y - (p.yErr ?? 0), p.y + (p.yErr ?? 0)]), false);
  const parts = [...open(W, H, opts.title), ...axes(box, xa, ya, opts.yLabel, true)];
  parts.push(`<text x="${(box.x0 + box.x1) / 2}" y="${box.y1 + 36}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  if (opts.note) parts.push(`<text x="${(box.x0 + box.x1) / 2}" y="${H - 8}" text-anchor="middle" fill="#555">${esc(opts.note)}</text>`);
  for (const p of opts.points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
    const x = scale(xa, p.x, box.x0, box.x1);
    const y = scale(ya, p.y, box.y1, box.y0);
    const colour = COLORS[0];
    if (p.yErr && p.yErr > 0) {
      const top = scale(ya, p.y + p.yErr, box.y1, box.y0).toFixed(1);
      const bottom = scale(ya, p.y - p.yErr, box.y1, box.y0).toFixed(1);
      const xs = x.toFixed(1);
      parts.push(`<path class="error-bar" d="M${xs} ${top} L${xs} ${bottom} M${(x - 4).toFixed(1)} ${top} L${(x + 4).toFixed(1)} ${top} M${(x - 4).toFixed(1)} ${bottom} L${(x + 4).toFixed(1)} ${bottom}" stroke="${colour}" stroke-width="1.2" fill="none"/>`);
    }
    parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="4" fill="${colour}"/><text x="${(x + 7).toFixed(1)}" y="${(y - 6).toFixed(1)}">${esc(p.label)}</text>`);
  }
  return `${parts.join('\n')}\n</svg>\n`;
}

export interface LineSeries {
  name: string;
  points: [number, number][];
  colour?: string; // default: the panel's next colour in COLORS
}

export interface LinePanel {
  yLabel: string;
  series: LineSeries[];
}

/**
 * Line charts stacked vertically over one x axis (each panel its own y range), legends to the right of each panel,
 * outside the plot area. Within a panel series take COLORS in order, so up to 20 are all distinct.
 */
export function panelsSvg(opts: { title: string; xLabel: string; panels: LinePanel[] }): string {
  const panelHeight = 220;
  const gap = 24;
  const H = M.top + opts.panels.length * panelHeight + (opts.panels.length - 1) * gap + M.bottom;
  const x1 = W - LEGEND_WIDTH;
  const xa = axisOf(opts.panels.flatMap((p) => p.series.flatMap((s) => s.points.map((q) => q[0]))), false);
  const parts = open(W, H, opts.title);
  opts.panels.forEach((panel, k) => {
    const y0 = M.top + k * (panelHeight + gap);
    const box: Box = { x0: M.left, x1, y0, y1: y0 + panelHeight };
    const ya = axisOf(panel.series.flatMap((s) => s.points.map((q) => q[1])), false);
    parts.push(...axes(box, xa, ya, panel.yLabel, k === opts.panels.length - 1));
    const rowHeight = Math.min(16, (panelHeight - 8) / Math.max(1, panel.series.length));
    panel.series.forEach((s, i) => {
      const colour = s.colour ?? COLORS[i % COLORS.length];
      const d = s.points.filter((p) => Number.isFinite(p[1])).map((p, j) => `${j ? 'L' : 'M'}${scale(xa, p[0], box.x0, box.x1).toFixed(1)} ${scale(ya, p[1], box.y1, box.y0).toFixed(1)}`).join(' ');
      if (d) parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.6"/>`);
      const ly = y0 + 12 + rowHeight * i;
      parts.push(`<line class="legend" x1="${x1 + 12}" y1="${ly - 4}" x2="${x1 + 32}" y2="${ly - 4}" stroke="${colour}" stroke-width="2.5"/><text x="${x1 + 38}" y="${ly}">${esc(s.name)}</text>`);
    });
  });
  parts.push(`<text x="${(M.left + x1) / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}</text>`);
  return `${parts.join('\n')}\n</svg>\n`;
}
