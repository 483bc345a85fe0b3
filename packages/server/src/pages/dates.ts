/**
 * Dates as citizens in Taiwan read them: official documents, NHI's own pages and the card reader
 * print the 民國 (Republic of China) calendar, year 1 = 1912, so Chinese pages show it beside ISO.
 * Times are Taiwan time (UTC+8, no daylight saving), whatever the server's zone.
 */
import type { Locale } from './i18n.js';

const TAIWAN_OFFSET_MS = 8 * 3600_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `YYYY-MM-DD` in the 民國 calendar as `民國 115/03/04`, or undefined for a date before 民國 1.
 *
 * @example
 * ```ts
 * rocDate('2026-03-04'); // '民國 115/03/04'
 * ```
 */
export function rocDate(iso: string): string | undefined {
  const m = ISO_DATE.exec(iso);
  if (!m) return undefined;
  const year = Number(m[1]) - 1911;
  return year >= 1 ? `民國 ${year}/${m[2]}/${m[3]}` : undefined;
}

/**
 * A date for a page: ISO, and in Chinese the 民國 date beside it (`2026-03-04（民國 115/03/04）`).
 *
 * @example
 * ```ts
 * displayDate('zh-TW', '2026-03-04'); // '2026-03-04（民國 115/03/04）'
 * displayDate('en', '2026-03-04'); // '2026-03-04'
 * ```
 */
export function displayDate(locale: Locale, iso: string): string {
  const roc = locale === 'zh-TW' ? rocDate(iso) : undefined;
  return roc ? `${iso}（${roc}）` : iso;
}

/** The Taiwan calendar date of an instant, `YYYY-MM-DD`. */
export function taiwanDateOf(ms: number): string {
  return new Date(ms + TAIWAN_OFFSET_MS).toISOString().slice(0, 10);
}

/**
 * An instant as Taiwan time, `2026-03-04 14:05`, with the 民國 date beside it in Chinese.
 *
 * @example
 * ```ts
 * displayInstant('en', Date.UTC(2026, 2, 4, 6, 5)); // '2026-03-04 14:05 (UTC+8)'
 * ```
 */
export function displayInstant(locale: Locale, ms: number): string {
  const iso = new Date(ms + TAIWAN_OFFSET_MS).toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 16);
  return locale === 'zh-TW' ? `${displayDate(locale, date)} ${time}` : `${date} ${time} (UTC+8)`;
}
