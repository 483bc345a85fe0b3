/**
 * A trend chart drawn on the server as SVG: no script, so it works with JavaScript off and under
 * the strict CSP (colours come from the site stylesheet's classes and presentation attributes,
 * never inline styles). The chart is one image with a spoken summary (role="img", WCAG 1.1.1);
 * the numbers themselves belong in a table beside it, which is what screen readers and careful
 * readers use. The SVG scales to its container's width (viewBox), so it reflows at 200% zoom.
 */
import { type Html, html } from './html.js';

export interface ChartPoint {
  /** `YYYY-MM-DD`. */
  date: string;
  value: number;
}

export interface ChartSeries {
  /** Shown in the legend (beside the chart, in HTML). */
  label: string;
  points: ChartPoint[];
}

export interface LineChartOptions {
  /** The sentence a screen reader hears for the whole image. */
  summary: string;
  /** The unit printed above the value axis, e.g. `mg/dL`. */
  unit: string;
  series: ChartSeries[];
  /** A shaded band, e.g. the reference range or a treatment target. */
  band?: { low?: number; high?: number };
  width?: number;
  height?: number;
}

const DAY_MS = 86_400_000;
const round = (n: number) => Math.round(n * 10) / 10;

/** "Nice" axis steps: 1, 2 or 5 times a power of ten, about `count` of them over the range. */
export function niceTicks(min: number, max: number, count = 5): { min: number; max: number; ticks: number[] } {
  if (!(max > min)) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    return niceTicks(min - pad, max + pad, count);
  }
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw) ?? 10 * power;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  // Decimal steps accumulate error; fix each tick to the step's own precision.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toFixed(decimals)));
  return { min: lo, max: hi, ticks };
}

/**
 * The chart as inline SVG (every series a line with its points).
 *
 * @example
 * ```ts
 * lineChart({ summary: 'HbA1c from 2016 to 2025: latest 7.1 %', unit: '%',
 *   series: [{ label: 'HbA1c', points: [{ date: '2024-01-05', value: 7.4 }, { date: '2024-04-02', value: 7.1 }] }],
 *   band: { low: 4, high: 5.6 } });
 * ```
 */
export function lineChart(o: LineChartOptions): Html {
  const width = o.width ?? 640;
  const height = o.height ?? 300;
  const margin = { top: 36, right: 24, bottom: 44, left: 64 };
  const all = o.series.flatMap((s) => s.points);
  if (all.length === 0) return html``;
  const times = all.map((p) => Date.parse(p.date));
  let t0 = Math.min(...times);
  let t1 = Math.max(...times);
  if (t1 - t0 < 60 * DAY_MS) {
    t0 -= 30 * DAY_MS;
    t1 += 30 * DAY_MS;
  }
  const values = all.map((p) => p.value);
  if (o.band?.low !== undefined) values.push(o.band.low);
  if (o.band?.high !== undefined) values.push(o.band.high);
  const y = niceTicks(Math.min(...values), Math.max(...values));
  const left = margin.left;
  const right = width - margin.right;
  const top = margin.top;
  const bottom = height - margin.bottom;
  const xOf = (date: string) => round(left + ((Date.parse(date) - t0) / (t1 - t0)) * (right - left));
  const yOf = (v: number) => round(bottom - ((v - y.min) / (y.max - y.min)) * (bottom - top));

  const firstYear = new Date(t0).getUTCFullYear() + 1;
  const lastYear = new Date(t1).getUTCFullYear();
  const yearStep = Math.max(1, Math.ceil((lastYear - firstYear + 1) / 6));
  const years: number[] = [];
  for (let year = firstYear; year <= lastYear; year += yearStep) years.push(year);

  const band = o.band
    ? (() => {
        const hi = yOf(Math.min(o.band.high ?? y.max, y.max));
        const lo = yOf(Math.max(o.band.low ?? y.min, y.min));
        return html`<rect class="band" x="${left}" y="${hi}" width="${right - left}" height="${round(lo - hi)}"></rect>`;
      })()
    : '';

  return html`<svg class="chart" role="img" aria-label="${o.summary}" viewBox="0 0 ${width} ${height}" preserveAspectRatio="xMidYMid meet" font-size="16">
${band}
${y.ticks.map(
  (v) => html`<line class="grid" x1="${left}" x2="${right}" y1="${yOf(v)}" y2="${yOf(v)}"></line>
<text class="tick" x="${left - 8}" y="${yOf(v)}" text-anchor="end" dominant-baseline="middle">${v}</text>`,
)}
<text class="unit" x="4" y="20">${o.unit}</text>
<line class="axis" x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}"></line>
${years.map((year) => {
  const x = xOf(`${year}-01-01`);
  return html`<line class="axis" x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 6}"></line>
<text class="tick" x="${x}" y="${bottom + 24}" text-anchor="middle">${year}</text>`;
})}
${o.series.map((s, i) => {
  const sorted = [...s.points].sort((a, b) => a.date.localeCompare(b.date));
  const d = sorted.map((p, j) => `${j === 0 ? 'M' : 'L'}${xOf(p.date)} ${yOf(p.value)}`).join(' ');
  return html`<g class="series series-${i}" data-series="${s.label}">
<path class="line" d="${d}" fill="none"></path>
${sorted.map((p) => html`<circle class="point" cx="${xOf(p.date)}" cy="${yOf(p.value)}" r="4"></circle>`)}
</g>`;
})}
</svg>`;
}
