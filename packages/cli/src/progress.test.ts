import { describe, expect, it } from 'vitest';
import { formatDuration, ProgressBar } from './progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } };
}

describe('ProgressBar', () => {
  it('shows percentage, counts, rate and ETA from an injected clock', () => {
    let t = 0;
    const { stream } = fakeStream(true);
    const bar = new ProgressBar({ total: 1000, unit: 'citizens', rateUnit: 'records', stream, now: () => t });
    t = 2000;
    bar.update(250, 100_000);
    expect(bar.render()).toBe('██████░░░░░░░░░░░░░░░░░░  25%  250/1,000 citizens  50,000 records/s  ETA 6s');
  });

  it('redraws in place on a terminal and ends the line when finished', () => {
    let t = 0;
    const { stream, writes } = fakeStream(true);
    const bar = new ProgressBar({ total: 10, unit: 'citizens', stream, now: () => t, interval: 100 });
    bar.update(1);
    t = 50;
    bar.update(2); // too soon: no redraw
    t = 200;
    bar.update(10);
    bar.finish();
    expect(writes).toHaveLength(3);
    expect(writes.every((w) => w.startsWith('\r\x1b[2K'))).toBe(true);
    expect(writes[2]).toMatch(/100%.*in 0s\n$/);
  });

  it('prints only the summary line when not on a terminal', () => {
    let t = 0;
    const { stream, writes } = fakeStream(false);
    const bar = new ProgressBar({ total: 100, unit: 'citizens', stream, now: () => t });
    for (let i = 1; i <= 100; i++) {
      t += 10;
      bar.update(i);
    }
    bar.finish();
    expect(writes).toEqual([expect.stringMatching(/^█+ 100% {2}100\/100 citizens .* in 1s\n$/)]);
  });

  it('formats durations', () => {
    expect(formatDuration(5.4)).toBe('5s');
    expect(formatDuration(125)).toBe('2m05s');
    expect(formatDuration(7260)).toBe('2h01m');
    expect(formatDuration(Number.NaN)).toBe('--');
  });
});
