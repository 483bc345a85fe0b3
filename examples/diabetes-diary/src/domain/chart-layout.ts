/**
 * The geometry of a time-series line chart, computed without the DOM so it can be tested: scales,
 * "nice" value ticks, date ticks, the reference band and each point's position.
 */
import { dayNumber } from './dates.js';

export interface ChartPointInput {
  date: string;
  value: number;
}

export interface ChartOptions {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
  /** The reference range to shade; either side may be open. */
  band?: { low?: number; high?: number };
  /** A treatment target to draw as a line (kept inside the value axis). */
  target?: number;
}

export interface PlacedPoint extends ChartPointInput {
  x: number;
  y: number;
}

export interface ChartLayout {
  /** The plotting area inside the margins. */
  plot: { left: number; top: number; right: number; bottom: number };
  yDomain: [number, number];
  yTicks: { value: number; y: number }[];
  /** Date ticks: January of each year, or every third month when the data spans under two years. */
  xTicks: { date: string; x: number; kind: 'year' | 'month' }[];
  points: PlacedPoint[];
  /** SVG path data through the points in order (empty without points). */
  path: string;
  /** The shaded reference band, clipped to the plot. */
  band?: { top: number; bottom: number };
  /** Where the target line runs. */
  targetY?: number;
}

/** A step of 1, 2 or 5 × 10^k giving about `count` intervals over `span`. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** The value domain: the data and the band, widened to whole steps (about five ticks). */
function valueDomain(values: number[], band: ChartOptions['band']): { domain: [number, number]; step: number } {
  const all = [...values];
  if (band?.low !== undefined) all.push(band.low);
  if (band?.high !== undefined) all.push(band.high);
  if (all.length === 0) return { domain: [0, 1], step: 0.2 };
  let min = Math.min(...all);
  let max = Math.max(...all);
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const step = niceStep(max - min, 5);
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  return { domain: [round(lo), round(hi)], step };
}

function dateTicks(firstDay: number, lastDay: number): { date: string; day: number; kind: 'year' | 'month' }[] {
  const first = new Date(firstDay * 86_400_000);
  const last = new Date(lastDay * 86_400_000);
  const years = (lastDay - firstDay) / 365.25;
  const ticks: { date: string; day: number; kind: 'year' | 'month' }[] = [];
  const monthStep = years >= 2 ? 12 : 3;
  let y = first.getUTCFullYear();
  let m = monthStep === 12 ? 0 : Math.floor(first.getUTCMonth() / 3) * 3;
  for (;;) {
    const t = Date.UTC(y, m, 1);
    if (t > last.getTime()) break;
    if (t >= first.getTime()) {
      const date = new Date(t).toISOString().slice(0, 10);
      ticks.push({ date, day: Math.round(t / 86_400_000), kind: m === 0 ? 'year' : 'month' });
    }
    m += monthStep;
    if (m >= 12) {
      y += Math.floor(m / 12);
      m %= 12;
    }
  }
  return ticks;
}

/**
 * Places the points (in the order given, which should be oldest first) on a chart of the given
 * size; values rise upwards, dates run left to right.
 */
export function layoutChart(points: readonly ChartPointInput[], options: ChartOptions): ChartLayout {
  const { width, height, margin, band, target } = options;
  const plot = { left: margin.left, top: margin.top, right: width - margin.right, bottom: height - margin.bottom };
  const { domain, step } = valueDomain(
    [...points.map((p) => p.value), ...(target === undefined ? [] : [target])],
    band,
  );
  const [lo, hi] = domain;
  const yOf = (v: number) => round(plot.bottom - ((v - lo) / (hi - lo)) * (plot.bottom - plot.top));

  const days = points.map((p) => dayNumber(p.date));
  const firstDay = days.length > 0 ? Math.min(...days) : 0;
  const lastDay = days.length > 0 ? Math.max(...days) : 0;
  // A single day has no span: centre it, and give the axis a month either side for its ticks.
  const [d0, d1] = firstDay === lastDay ? [firstDay - 31, lastDay + 31] : [firstDay, lastDay];
  const xOf = (day: number) => round(plot.left + ((day - d0) / (d1 - d0)) * (plot.right - plot.left));

  const placed = points.map((p, i) => ({ ...p, x: xOf(days[i] as number), y: yOf(p.value) }));
  const yTicks: ChartLayout['yTicks'] = [];
  for (let v = lo; v <= hi + step / 1000; v += step) yTicks.push({ value: round(v), y: yOf(round(v)) });

  const layout: ChartLayout = {
    plot,
    yDomain: domain,
    yTicks,
    xTicks: points.length === 0 ? [] : dateTicks(d0, d1).map((t) => ({ date: t.date, x: xOf(t.day), kind: t.kind })),
    points: placed,
    path: placed.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x},${p.y}`).join(' '),
  };
  if (band && (band.low !== undefined || band.high !== undefined)) {
    const top = band.high === undefined ? plot.top : Math.max(plot.top, yOf(band.high));
    const bottom = band.low === undefined ? plot.bottom : Math.min(plot.bottom, yOf(band.low));
    if (bottom > top) layout.band = { top, bottom };
  }
  if (target !== undefined) layout.targetY = yOf(target);
  return layout;
}
