/** How dates, values, ranges and trends read in each language. Pure, so it is tested. */
import type { Analyte, Change, Trend } from '../domain/series.js';
import type { Locale, Translate } from './messages.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2025/04/26` in Chinese (as Taiwan writes dates), `26 Apr 2025` in English. */
export function formatDate(locale: Locale, iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split('-');
  if (locale === 'zh-TW') return `${y}/${m}/${d}`;
  return `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
}

/** A value with the analyte's unit: `7.5%`, `147 mg/dL`. */
export function formatValue(analyte: Analyte, value: number | string): string {
  return analyte.unit === '%' ? `${value}%` : `${value} ${analyte.unit}`;
}

/** A reference range: `4–5.6%`, `70–99 mg/dL`, `≤ 99 mg/dL`; empty when neither side is known. */
export function formatRange(analyte: Analyte, range: { low?: number; high?: number } | undefined): string {
  if (!range) return '';
  const { low, high } = range;
  if (low !== undefined && high !== undefined) return formatValue(analyte, `${low}–${high}`);
  if (high !== undefined) return `≤ ${formatValue(analyte, high)}`;
  if (low !== undefined) return `≥ ${formatValue(analyte, low)}`;
  return '';
}

function changeText(t: Translate, locale: Locale, analyte: Analyte, change: Change, against: 'yearAgo' | 'previous') {
  const size = Math.abs(change.delta);
  const delta = analyte.unit === '%' ? t('trend.points', { delta: size }) : formatValue(analyte, size);
  return t(`trend.${against}.${change.direction}`, {
    date: formatDate(locale, change.from.date),
    value: formatValue(analyte, change.from.text),
    delta,
  });
}

/**
 * The trend in words: against a year ago when a result from then exists, otherwise against the
 * previous result; undefined with fewer than two results.
 */
export function trendText(t: Translate, locale: Locale, analyte: Analyte, trend: Trend): string | undefined {
  if (trend.sinceYearAgo) return changeText(t, locale, analyte, trend.sinceYearAgo, 'yearAgo');
  if (trend.sincePrevious) return changeText(t, locale, analyte, trend.sincePrevious, 'previous');
  return undefined;
}

/** Units per day without trailing zeros: 2, 0.5, 1.33. */
export function formatUnits(units: number): string {
  return String(Math.round(units * 100) / 100);
}

/** `（x）` after Chinese text, ` (x)` after English. */
export function parenthesized(locale: Locale, text: string): string {
  return locale === 'zh-TW' ? `（${text}）` : ` (${text})`;
}

/** A list the way each language writes one: `甲、乙、丙` / `a, b, c`. */
export function listJoin(locale: Locale, items: readonly string[]): string {
  return items.join(locale === 'zh-TW' ? '、' : ', ');
}

/** Chinese dose units as English pages write them (the drug's name stays as NHI prints it). */
const ENGLISH_UNITS: Record<string, string> = { 毫克: 'mg', 微克: 'µg', 公克: 'g', 毫升: 'mL', 單位: 'units' };

/** A strength such as `500 毫克`, in the page's language: `500 mg` in English. */
export function formatStrength(locale: Locale, strength: string): string {
  if (locale === 'zh-TW') return strength;
  return strength.replace(/(毫克|微克|公克|毫升|單位)/, (unit) => ENGLISH_UNITS[unit] ?? unit);
}
