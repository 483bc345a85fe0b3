import type { CategoryId } from './categories.js';

/** What a consent (or the CLI) asks of one citizen's records. Dates are inclusive, ISO `YYYY-MM-DD`. */
export interface RecordQuery {
  categories: readonly CategoryId[];
  from?: string;
  to?: string;
  /** 醫事機構代碼 the citizen chose to exclude. */
  excludeInstitutions?: readonly string[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written as `YYYY-MM-DD`. */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * Checks a period and returns an error message, or undefined when it is valid.
 * An inverted period would silently select nothing, so it is an error, not an empty result.
 */
export function periodError(from?: string, to?: string): string | undefined {
  if (from !== undefined && !isIsoDate(from)) return `invalid start date "${from}" (expected YYYY-MM-DD)`;
  if (to !== undefined && !isIsoDate(to)) return `invalid end date "${to}" (expected YYYY-MM-DD)`;
  if (from !== undefined && to !== undefined && from > to) return `inverted period: ${from} is after ${to}`;
  return undefined;
}
