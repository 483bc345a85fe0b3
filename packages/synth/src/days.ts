/**
 * Dates as day numbers (days since 1970-01-01, UTC): cheap to add and compare in the hot path,
 * formatted to ISO `YYYY-MM-DD` through a cache.
 */
const MS_PER_DAY = 86_400_000;
const isoCache = new Map<number, string>();

/** The day number of an ISO date. */
export function dayOf(iso: string): number {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/** The ISO date of a day number. */
export function isoOf(day: number): string {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    isoCache.set(day, iso);
  }
  return iso;
}

/** The calendar year of a day number. */
export function yearOf(day: number): number {
  return Number(isoOf(day).slice(0, 4));
}

/** The day number of a date in a given year, month (1–12) and day. */
export function dayOfYmd(year: number, month: number, date: number): number {
  return Math.round(Date.UTC(year, month - 1, date) / MS_PER_DAY);
}

/** The same calendar date `years` later (Feb 29 rolls to Mar 1). */
export function addYears(day: number, years: number): number {
  const iso = isoOf(day);
  return dayOfYmd(Number(iso.slice(0, 4)) + years, Number(iso.slice(5, 7)), Number(iso.slice(8, 10)));
}

/** Whole years from `birth` to `day` (age on that day). */
export function ageOn(birth: number, day: number): number {
  const b = isoOf(birth);
  const d = isoOf(day);
  let age = Number(d.slice(0, 4)) - Number(b.slice(0, 4));
  if (d.slice(5) < b.slice(5)) age--;
  return age;
}

/** An ISO 8601 instant in Taiwan time (UTC+8) on a day, at the given minute of the day. */
export function instantOf(day: number, minuteOfDay: number): string {
  const h = Math.floor(minuteOfDay / 60) % 24;
  const m = minuteOfDay % 60;
  return `${isoOf(day)}T${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:00+08:00`;
}

/** Today's date in Taiwan, the default end of a generated history. */
export function todayInTaiwan(now: Date): string {
  return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
