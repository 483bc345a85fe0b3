/**
 * Reading the NHI card form: forgiving about how things are typed (full-width digits from a
 * Chinese input method, spaces, lower-case letters, Minguo years), strict about what they mean.
 */
import { isValidNationalId } from '@healthbank/records';
import type { IdentityClaim } from '../codes/codes.js';
import type { NhiFormErrors, NhiFormValues } from '../signin-page.js';

/** The Minguo (ROC) calendar counts years from 1912: 民國 1 年 = 1912. */
const MINGUO_OFFSET = 1911;

/** Full-width to ASCII (NFKC), without spaces, hyphens or slashes. */
function normalize(value: string): string {
  return value.normalize('NFKC').replace(/[\s\-/]/g, '');
}

export type NhiFormResult = { ok: true; claim: IdentityClaim } | { ok: false; errors: NhiFormErrors };

/**
 * Validates the form. Birth years of up to three digits are Minguo years; four digits are
 * Western years. Dates after `today` (`YYYY-MM-DD`) or before 1900 are refused.
 */
export function parseNhiForm(values: NhiFormValues, today: string): NhiFormResult {
  const errors: NhiFormErrors = {};
  const nationalId = normalize(values.nationalId).toUpperCase();
  if (!isValidNationalId(nationalId)) errors.nationalId = true;
  const nhiCardNumber = normalize(values.cardNumber);
  if (!/^\d{12}$/.test(nhiCardNumber)) errors.cardNumber = true;
  const birthDate = parseBirthDate(values, today);
  if (!birthDate) errors.birthDate = true;
  if (Object.keys(errors).length > 0 || !birthDate) return { ok: false, errors };
  return { ok: true, claim: { nationalId, nhiCardNumber, birthDate } };
}

function parseBirthDate(values: NhiFormValues, today: string): string | undefined {
  const [y, m, d] = [values.birthYear, values.birthMonth, values.birthDay].map(normalize);
  if (!y || !m || !d || !/^\d{1,4}$/.test(y) || !/^\d{1,2}$/.test(m) || !/^\d{1,2}$/.test(d)) return undefined;
  const year = y.length === 4 ? Number(y) : Number(y) + MINGUO_OFFSET;
  const month = Number(m);
  const day = Number(d);
  if (year < 1900 || month < 1 || month > 12 || day < 1) return undefined;
  // Day 0 of the next month is the last day of this one.
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return iso <= today ? iso : undefined;
}
