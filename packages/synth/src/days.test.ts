import { describe, expect, it } from 'vitest';
import { ageOn, dayOf, isoOf, weekdayOf, yearOf, ymdOf } from './days.js';

describe('day numbers', () => {
  it('give the calendar date by integer arithmetic, as Date does, from 1900 to 2100', () => {
    for (let day = dayOf('1900-01-01'); day <= dayOf('2100-12-31'); day += 13) {
      const iso = isoOf(day);
      expect(ymdOf(day), iso).toBe(Number(iso.replaceAll('-', '')));
      expect(yearOf(day)).toBe(Number(iso.slice(0, 4)));
    }
  });

  it('count whole years of age, a leap-day birthday turning on 1 March', () => {
    expect(ageOn(dayOf('2000-02-29'), dayOf('2025-02-28'))).toBe(24);
    expect(ageOn(dayOf('2000-02-29'), dayOf('2025-03-01'))).toBe(25);
    expect(ageOn(dayOf('1980-06-15'), dayOf('2025-06-14'))).toBe(44);
    expect(ageOn(dayOf('1980-06-15'), dayOf('2025-06-15'))).toBe(45);
  });

  it('know the weekday: 1970-01-01 was a Thursday, 2025-06-29 a Sunday', () => {
    expect(weekdayOf(dayOf('1970-01-01'))).toBe(4);
    expect(weekdayOf(dayOf('2025-06-29'))).toBe(0);
    expect(weekdayOf(dayOf('1960-01-03'))).toBe(0);
  });
});
