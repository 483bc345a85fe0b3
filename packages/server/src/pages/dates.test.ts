import { describe, expect, it } from 'vitest';
import { displayDate, displayInstant, rocDate, taiwanDateOf } from './dates.js';

describe('民國 dates', () => {
  it('counts years from 1912', () => {
    expect(rocDate('2026-03-04')).toBe('民國 115/03/04');
    expect(rocDate('1912-01-01')).toBe('民國 1/01/01');
    expect(rocDate('1911-12-31')).toBeUndefined();
    expect(rocDate('not a date')).toBeUndefined();
  });

  it('shows the 民國 date beside ISO in Chinese only', () => {
    expect(displayDate('zh-TW', '2024-02-29')).toBe('2024-02-29（民國 113/02/29）');
    expect(displayDate('en', '2024-02-29')).toBe('2024-02-29');
  });

  it('reads instants in Taiwan time, across midnight UTC', () => {
    const lateUtc = Date.UTC(2026, 0, 31, 17, 30);
    expect(taiwanDateOf(lateUtc)).toBe('2026-02-01');
    expect(displayInstant('zh-TW', lateUtc)).toBe('2026-02-01（民國 115/02/01） 01:30');
    expect(displayInstant('en', lateUtc)).toBe('2026-02-01 01:30 (UTC+8)');
  });
});
