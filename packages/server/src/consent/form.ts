/** Reads the consent form's fields into typed choices; anything malformed reads as "not chosen". */
import { type CategoryId, isCategoryId } from '@healthbank/records';
import {
  type ConsentChoices,
  type DurationChoice,
  ONGOING_MONTHS,
  type OngoingMonths,
  PERIODS,
  type Period,
} from './model.js';

/** Repeated fields arrive as arrays, single ones as strings. */
function values(body: Record<string, unknown>, name: string): string[] {
  const value = body[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

function one(body: Record<string, unknown>, name: string): string | undefined {
  const [first] = values(body, name);
  return first?.trim();
}

const INSTITUTION = /^[0-9A-Za-z]{10}$/;

export function parseConsentForm(body: Record<string, unknown>): ConsentChoices {
  const period = one(body, 'period');
  const duration = one(body, 'duration');
  const months = Number(duration);
  const choices: ConsentChoices = {
    acknowledged: one(body, 'acknowledge') === 'yes',
    categories: values(body, 'category').filter((c): c is CategoryId => isCategoryId(c)),
    period: PERIODS.includes(period as Period) ? (period as Period) : undefined,
    excludedInstitutions: values(body, 'exclude').filter((code) => INSTITUTION.test(code)),
    duration:
      duration === 'once'
        ? 'once'
        : ONGOING_MONTHS.includes(months as OngoingMonths)
          ? (months as DurationChoice)
          : undefined,
  };
  const from = one(body, 'from');
  const to = one(body, 'to');
  if (from) choices.customFrom = from;
  if (to) choices.customTo = to;
  return choices;
}
