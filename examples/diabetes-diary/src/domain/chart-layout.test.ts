import { describe, expect, it } from 'vitest';
import { type ChartOptions, layoutChart, niceStep } from './chart-layout.js';
import { ANALYTES, extractSeries } from './series.js';
import { FIVE_YEARS, missA } from './testing.js';

const options: ChartOptions = { width: 640, height: 320, margin: { top: 20, right: 20, bottom: 40, left: 60 } };

describe('niceStep', () => {
  it.each([
    [10, 5, 2],
    [4.4, 5, 1],
    [120, 5, 50],
    [0.7, 5, 0.2],
    [1000, 4, 500],
  ])('span %d over %d intervals → %d', (span, count, step) => {
    expect(niceStep(span, count)).toBeCloseTo(step, 10);
  });
});

describe('layoutChart', () => {
  const hba1c = extractSeries(missA(FIVE_YEARS).lab, ANALYTES.hba1c);
  const layout = layoutChart(hba1c.points, { ...options, band: hba1c.referenceRange });

  it('places every point inside the plot, dates left to right and higher values higher', () => {
    expect(layout.points).toHaveLength(hba1c.points.length);
    const { plot } = layout;
    for (const p of layout.points) {
      expect(p.x).toBeGreaterThanOrEqual(plot.left);
      expect(p.x).toBeLessThanOrEqual(plot.right);
      expect(p.y).toBeGreaterThanOrEqual(plot.top);
      expect(p.y).toBeLessThanOrEqual(plot.bottom);
    }
    for (let i = 1; i < layout.points.length; i++) {
      const [a, b] = [layout.points[i - 1], layout.points[i]];
      if (!a || !b) continue;
      expect(b.x).toBeGreaterThanOrEqual(a.x);
      if (b.value > a.value) expect(b.y).toBeLessThan(a.y);
      if (b.value === a.value) expect(b.y).toBe(a.y);
    }
    expect(layout.points[0]?.x).toBe(plot.left);
    expect(layout.points.at(-1)?.x).toBe(plot.right);
  });

  it('spans the values and the reference band with ticks on whole steps', () => {
    const values = hba1c.points.map((p) => p.value);
    const [lo, hi] = layout.yDomain;
    expect(lo).toBeLessThanOrEqual(Math.min(...values, 4));
    expect(hi).toBeGreaterThanOrEqual(Math.max(...values, 5.6));
    expect(layout.yTicks[0]?.value).toBe(lo);
    expect(layout.yTicks.at(-1)?.value).toBe(hi);
    expect(layout.yTicks[0]?.y).toBe(layout.plot.bottom);
    expect(layout.yTicks.at(-1)?.y).toBe(layout.plot.top);
  });

  it('shades the reference band between its low and high values', () => {
    const yOf = (v: number) => {
      const [lo, hi] = layout.yDomain;
      const { top, bottom } = layout.plot;
      return Math.round((bottom - ((v - lo) / (hi - lo)) * (bottom - top)) * 100) / 100;
    };
    expect(layout.band).toEqual({ top: yOf(5.6), bottom: yOf(4) });
  });

  it('marks each January over five years, and every third month over a shorter span', () => {
    expect(layout.xTicks.map((t) => t.date)).toEqual([
      '2021-01-01',
      '2022-01-01',
      '2023-01-01',
      '2024-01-01',
      '2025-01-01',
    ]);
    const short = layoutChart(
      [
        { date: '2024-02-10', value: 7 },
        { date: '2024-11-20', value: 7.4 },
      ],
      options,
    );
    expect(short.xTicks.map((t) => [t.date, t.kind])).toEqual([
      ['2024-04-01', 'month'],
      ['2024-07-01', 'month'],
      ['2024-10-01', 'month'],
    ]);
  });

  it('draws a path through the points in order', () => {
    const path = layout.path.split(' ');
    expect(path).toHaveLength(layout.points.length);
    expect(path[0]).toBe(`M${layout.points[0]?.x},${layout.points[0]?.y}`);
  });

  it('centres a single result and opens the band on a missing side', () => {
    const one = layoutChart([{ date: '2024-05-01', value: 150 }], { ...options, band: { high: 99 } });
    expect(one.points[0]?.x).toBe((options.margin.left + options.width - options.margin.right) / 2);
    expect(one.band?.bottom).toBe(one.plot.bottom);
    expect(one.yDomain[0]).toBeLessThanOrEqual(99);
    expect(one.yDomain[1]).toBeGreaterThanOrEqual(150);
  });

  it('lays out an empty chart without ticks or path', () => {
    const empty = layoutChart([], options);
    expect(empty.points).toEqual([]);
    expect(empty.path).toBe('');
    expect(empty.xTicks).toEqual([]);
  });
});
