import { describe, expect, it } from 'vitest';
import { lineChart, niceTicks } from './chart.js';

describe('niceTicks', () => {
  it('covers the range with 1-2-5 steps', () => {
    expect(niceTicks(5.4, 8.9)).toEqual({ min: 5, max: 9, ticks: [5, 6, 7, 8, 9] });
    expect(niceTicks(62, 183).ticks).toEqual([50, 100, 150, 200]);
    expect(niceTicks(0.61, 0.93).ticks).toEqual([0.6, 0.7, 0.8, 0.9, 1]);
  });

  it('widens a single value into a range', () => {
    const { ticks } = niceTicks(7, 7);
    expect(ticks[0]).toBeLessThan(7);
    expect(ticks.at(-1)).toBeGreaterThan(7);
  });
});

describe('lineChart', () => {
  const chart = lineChart({
    summary: 'HbA1c <rising>',
    unit: '%',
    series: [
      {
        label: 'HbA1c',
        points: [
          { date: '2024-04-01', value: 7.1 },
          { date: '2020-01-15', value: 6.2 },
          { date: '2022-06-30', value: 8 },
        ],
      },
    ],
    band: { low: 4, high: 5.6 },
  }).value;

  it('is one labelled image with a point per value, oldest first on the line', () => {
    expect(chart).toMatch(/^<svg class="chart" role="img" aria-label="HbA1c &lt;rising&gt;"/);
    expect(chart.match(/<circle /g)).toHaveLength(3);
    const d = /<path class="line" d="([^"]+)"/.exec(chart)?.[1] ?? '';
    const xs = [...d.matchAll(/[ML]([\d.]+) /g)].map((m) => Number(m[1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(xs[0]).toBe(64);
    expect(xs.at(-1)).toBe(616);
  });

  it('puts the highest value highest (smaller y) and draws the band', () => {
    const ys = [...chart.matchAll(/<circle class="point" cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    // Sorted by date: 6.2 (2020), 8 (2022), 7.1 (2024).
    expect(ys[1]).toBeLessThan(ys[2] ?? 0);
    expect(ys[2]).toBeLessThan(ys[0] ?? 0);
    expect(chart).toContain('<rect class="band"');
    expect(chart).not.toContain('style=');
  });

  it('draws nothing without points', () => {
    expect(lineChart({ summary: 'none', unit: '%', series: [{ label: 'x', points: [] }] }).value).toBe('');
  });
});
