/**
 * Dates as day numbers (days since 1970-01-01, UTC): cheap to add and compare in the hot path,
 * formatted to ISO `YYYY-MM-DD` through a cache.
 */
const MS_PER_DAY = 86_400_000;
/** ISO dates of the days from 1900 to 2149, filled as they are asked for (an array beats a map). */
const ISO_FROM = -25_567;
const isoCache: (string | undefined)[] = new Array(91_311);

/** The day number of an ISO date. */
export function dayOf(iso: string): number {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  return Math.round(Date.UTC(y, m - 1, d) / MS_PER_DAY);
}

/** The ISO date of a day number. */
export function isoOf(day: number): string {
  const i = day - ISO_FROM;
  let iso = isoCache[i];
  if (iso === undefined) {
    iso = new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
    if (i >= 0 && i < isoCache.length) isoCache[i] = iso;
  }
  return iso;
}

/**
 * The calendar date of a day number packed as one integer, `YYYYMMDD`, by integer arithmetic
 * alone (Howard Hinnant's civil-from-days): the hot path asks for years and ages constantly.
 */
export function ymdOf(day: number): number {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10_000 + m * 100 + d;
}

/** The calendar year of a day number. */
export function yearOf(day: number): number {
  return Math.floor(ymdOf(day) / 10_000);
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
  // YYYYMMDD differences: the month and day only borrow a year when not yet reached.
  return Math.floor((ymdOf(day) - ymdOf(birth)) / 10_000);
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

/** The weekday of a day number: 0 Sunday … 6 Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}
