/**
 * The consent model: what a citizen agrees to when an app asks for records, and the pure rules
 * that turn the consent form's choices into it. No I/O here; `repository.ts` stores it.
 */
import { type CategoryId, isIsoDate, type RecordQuery } from '@healthbank/records';

export const PERIODS = ['1y', '3y', '5y', 'all', 'custom'] as const;
export type Period = (typeof PERIODS)[number];

/** How long the app may keep fetching: once, or ongoing for this many months (≤ 12, SPEC §4.1). */
export const ONGOING_MONTHS = [1, 3, 6, 12] as const;
export type OngoingMonths = (typeof ONGOING_MONTHS)[number];
export type DurationChoice = 'once' | OngoingMonths;

/**
 * How long a one-time consent stays usable: the export ticket's validity (SPEC §5, "a ticket is
 * valid 24 h"). No refresh token is issued for it, so in practice it ends with its one access token.
 */
export const ONCE_VALIDITY_MS = 24 * 60 * 60 * 1000;

export interface Consent {
  id: string;
  citizenId: number;
  clientId: string;
  /** The grant its tokens come from; revoking the consent revokes the grant. */
  grantId: string;
  /** What the citizen agreed to share: a non-empty subset of what the app asked for. */
  categories: CategoryId[];
  requestedCategories: CategoryId[];
  period: Period;
  /** Inclusive `YYYY-MM-DD` bounds; absent means unbounded on that side. */
  from?: string;
  to?: string;
  excludedInstitutions: string[];
  duration: 'once' | 'ongoing';
  /** RFC 7638 thumbprint of the device's export key, when the app named one. */
  exportKeyJkt?: string;
  status: 'active' | 'revoked';
  createdAt: number;
  expiresAt: number;
  revokedAt?: number;
}

/** The consent form's answers, already parsed into types but not yet checked. */
export interface ConsentChoices {
  acknowledged: boolean;
  categories: CategoryId[];
  period: Period | undefined;
  customFrom?: string;
  customTo?: string;
  excludedInstitutions: string[];
  duration: DurationChoice | undefined;
}

/** The problems a citizen can fix on the form, by field. */
export type ChoiceError =
  | 'acknowledge'
  | 'categories'
  | 'period'
  | 'customFrom'
  | 'customTo'
  | 'customOrder'
  | 'customFuture'
  | 'duration';

export interface ConsentTerms {
  categories: CategoryId[];
  period: Period;
  from?: string;
  to?: string;
  excludedInstitutions: string[];
  duration: 'once' | 'ongoing';
  expiresAt: number;
}

/** Today's date in Taiwan (UTC+8, no daylight saving), as `YYYY-MM-DD`. */
export function taiwanDate(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The same calendar day `years` earlier (29 February becomes 28 February). */
export function yearsBefore(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(y - years, m - 1, d));
  if (shifted.getUTCMonth() !== m - 1) shifted.setUTCDate(0);
  return shifted.toISOString().slice(0, 10);
}

/** `ms` plus whole calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(ms: number, months: number): number {
  const date = new Date(ms);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, last));
  return date.getTime();
}

/**
 * Checks the citizen's choices against what the app asked for and turns them into terms, or
 * returns every problem at once (so the page can point at each field).
 */
export function decideTerms(
  choices: ConsentChoices,
  requested: readonly CategoryId[],
  nowMs: number,
): { terms: ConsentTerms } | { errors: ChoiceError[] } {
  const errors: ChoiceError[] = [];
  if (!choices.acknowledged) errors.push('acknowledge');
  const wanted = new Set(requested);
  // Only categories the app asked for count; a forged form cannot widen the consent.
  const categories = requested.filter((c) => choices.categories.includes(c) && wanted.has(c));
  if (categories.length === 0) errors.push('categories');
  const today = taiwanDate(nowMs);
  let from: string | undefined;
  let to: string | undefined;
  switch (choices.period) {
    case '1y':
    case '3y':
    case '5y':
      from = yearsBefore(today, Number(choices.period[0]));
      break;
    case 'all':
      break;
    case 'custom': {
      const f = choices.customFrom ?? '';
      const t = choices.customTo ?? '';
      if (!isIsoDate(f)) errors.push('customFrom');
      if (!isIsoDate(t)) errors.push('customTo');
      if (isIsoDate(f) && isIsoDate(t)) {
        if (f > t) errors.push('customOrder');
        else if (f > today) errors.push('customFuture');
      }
      from = f;
      to = t;
      break;
    }
    default:
      errors.push('period');
  }
  if (choices.duration === undefined) errors.push('duration');
  if (errors.length > 0) return { errors };
  const duration = choices.duration as DurationChoice;
  const terms: ConsentTerms = {
    categories,
    period: choices.period as Period,
    excludedInstitutions: [...new Set(choices.excludedInstitutions)].sort(),
    duration: duration === 'once' ? 'once' : 'ongoing',
    expiresAt: duration === 'once' ? nowMs + ONCE_VALIDITY_MS : addMonths(nowMs, duration),
  };
  if (from !== undefined) terms.from = from;
  if (to !== undefined) terms.to = to;
  return { terms };
}

/** The record query a consent allows: what the export reads, nothing more. */
export function recordQueryOf(
  consent: Pick<Consent, 'categories' | 'from' | 'to' | 'excludedInstitutions'>,
): RecordQuery {
  const query: RecordQuery = { categories: consent.categories, excludeInstitutions: consent.excludedInstitutions };
  if (consent.from !== undefined) query.from = consent.from;
  if (consent.to !== undefined) query.to = consent.to;
  return query;
}

/** True while the consent may be used: not revoked and not past its end. */
export function isConsentActive(consent: Pick<Consent, 'status' | 'expiresAt'>, nowMs: number): boolean {
  return consent.status === 'active' && nowMs < consent.expiresAt;
}
