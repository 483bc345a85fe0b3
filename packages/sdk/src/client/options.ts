/** Checks what an app passes in and turns it into request parameters; mistakes are `TypeError`s. */
import { CATEGORY_IDS, type CategoryId, isCategoryId, isIsoDate } from '@healthbank/records';
import { isLoopbackHttp } from './platform.js';
import type { ClientOptions, DurationRequest, PeriodRequest } from './types.js';

/** The issuer as a URL: HTTPS, or plain HTTP to this machine (a local sandbox). */
export function checkClientOptions(options: ClientOptions): URL {
  const issuer = URL.parse(options?.issuer ?? '');
  if (!issuer || (issuer.protocol !== 'https:' && !isLoopbackHttp(issuer))) {
    throw new TypeError('issuer must be an https:// URL (or http://localhost for a local sandbox)');
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new TypeError('clientId is required');
  if (!URL.parse(options.redirectUri ?? '')) throw new TypeError('redirectUri must be an absolute URL');
  if (options.tokenMediator !== undefined) {
    const mediator = URL.parse(options.tokenMediator);
    if (!mediator || (mediator.protocol !== 'https:' && !isLoopbackHttp(mediator))) {
      throw new TypeError('tokenMediator must be an https:// URL (or http://localhost) of the app backend');
    }
  }
  return issuer;
}

/** The categories, each known and listed once, in the platform's order. */
export function checkCategories(categories: readonly CategoryId[]): CategoryId[] {
  if (!Array.isArray(categories) || categories.length === 0) {
    throw new TypeError('categories must list at least one record category');
  }
  for (const c of categories) {
    if (!isCategoryId(c))
      throw new TypeError(`unknown record category: ${String(c)} (one of ${CATEGORY_IDS.join(', ')})`);
  }
  return CATEGORY_IDS.filter((id) => categories.includes(id));
}

/** The `consent_period` parameter. */
export function periodParam(period: PeriodRequest): string {
  if (period === 'all') return 'all';
  if ('years' in period && [1, 3, 5].includes(period.years)) return `${period.years}y`;
  if ('from' in period && isIsoDate(period.from) && isIsoDate(period.to) && period.from <= period.to) {
    return `${period.from}..${period.to}`;
  }
  throw new TypeError("period must be { years: 1 | 3 | 5 }, 'all' or { from, to } (YYYY-MM-DD, from ≤ to)");
}

/** The `consent_duration` parameter. */
export function durationParam(duration: DurationRequest): string {
  if (duration === 'one_time') return 'once';
  if (typeof duration === 'object' && [1, 3, 6, 12].includes(duration.months)) return String(duration.months);
  throw new TypeError("duration must be 'one_time' or { months: 1 | 3 | 6 | 12 }");
}
