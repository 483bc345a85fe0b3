import { describe, expect, it } from 'vitest';
import { ExportGate, retryAfterSeconds } from './limits.js';

const HOUR = 3600_000;

describe('retryAfterSeconds', () => {
  const now = Date.UTC(2026, 10, 26, 12, 0, 0);

  it('is 0 while the window has room', () => {
    expect(retryAfterSeconds([], 3, now)).toBe(0);
    expect(retryAfterSeconds([now - HOUR, now - 1], 3, now)).toBe(0);
  });

  it('waits until enough of the oldest leave the 24-hour window', () => {
    const times = [now - 20 * HOUR, now - 10 * HOUR, now - HOUR];
    expect(retryAfterSeconds(times, 3, now)).toBe(4 * 3600);
    expect(retryAfterSeconds(times, 2, now)).toBe(14 * 3600);
    expect(retryAfterSeconds([now - 24 * HOUR + 1], 1, now)).toBe(1);
  });
});

describe('ExportGate', () => {
  it('admits up to its bound and frees a place on leave', () => {
    const gate = new ExportGate(2);
    expect([gate.enter(), gate.enter(), gate.enter()]).toEqual([true, true, false]);
    gate.leave();
    expect(gate.enter()).toBe(true);
    expect(new ExportGate(0).enter()).toBe(false);
  });
});
