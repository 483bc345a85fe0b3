import { describe, expect, it } from 'vitest';
import {
  addMonths,
  type ConsentChoices,
  decideTerms,
  isConsentActive,
  ONCE_VALIDITY_MS,
  recordQueryOf,
  taiwanDate,
  yearsBefore,
} from './model.js';

// 2026-11-01 01:00 UTC = 09:00 in Taipei.
const NOW = Date.UTC(2026, 10, 1, 1, 0, 0);

const choices = (overrides: Partial<ConsentChoices> = {}): ConsentChoices => ({
  acknowledged: true,
  categories: ['lab', 'outpatient'],
  period: '1y',
  excludedInstitutions: [],
  duration: 'once',
  ...overrides,
});

describe('dates', () => {
  it('takes today in Taiwan, not in UTC', () => {
    expect(taiwanDate(Date.UTC(2026, 9, 31, 16, 0, 0))).toBe('2026-11-01');
    expect(taiwanDate(Date.UTC(2026, 9, 31, 15, 59, 59))).toBe('2026-10-31');
  });

  it('goes back whole years, turning 29 February into 28 February', () => {
    expect(yearsBefore('2026-11-01', 3)).toBe('2023-11-01');
    expect(yearsBefore('2024-02-29', 1)).toBe('2023-02-28');
  });

  it('adds calendar months, clamped to the end of the month', () => {
    expect(new Date(addMonths(Date.UTC(2026, 0, 31, 12), 1)).toISOString()).toBe('2026-02-28T12:00:00.000Z');
    expect(new Date(addMonths(Date.UTC(2026, 10, 1), 12)).toISOString()).toBe('2027-11-01T00:00:00.000Z');
  });
});

describe('decideTerms', () => {
  it('turns the defaults into a one-year, one-time consent valid for a day', () => {
    expect(decideTerms(choices(), ['lab', 'outpatient'], NOW)).toEqual({
      terms: {
        categories: ['lab', 'outpatient'],
        period: '1y',
        from: '2025-11-01',
        excludedInstitutions: [],
        duration: 'once',
        expiresAt: NOW + ONCE_VALIDITY_MS,
      },
    });
  });

  it('lasts the chosen months when ongoing, and leaves "all" unbounded', () => {
    const result = decideTerms(choices({ period: 'all', duration: 12 }), ['lab'], NOW);
    expect(result).toEqual({
      terms: {
        categories: ['lab'],
        period: 'all',
        excludedInstitutions: [],
        duration: 'ongoing',
        expiresAt: Date.UTC(2027, 10, 1, 1),
      },
    });
  });

  it('keeps only requested categories, in the order they were requested', () => {
    const result = decideTerms(
      choices({ categories: ['care_wishes', 'lab', 'outpatient'] }),
      ['outpatient', 'lab'],
      NOW,
    );
    expect('terms' in result && result.terms.categories).toEqual(['outpatient', 'lab']);
  });

  it('sorts and de-duplicates excluded institutions', () => {
    const result = decideTerms(
      choices({ excludedInstitutions: ['3517010014', '0101090517', '3517010014'] }),
      ['lab'],
      NOW,
    );
    expect('terms' in result && result.terms.excludedInstitutions).toEqual(['0101090517', '3517010014']);
  });

  it('accepts a custom period that ends in the future', () => {
    const result = decideTerms(
      choices({ period: 'custom', customFrom: '2020-01-01', customTo: '2030-12-31' }),
      ['lab'],
      NOW,
    );
    expect('terms' in result && [result.terms.from, result.terms.to]).toEqual(['2020-01-01', '2030-12-31']);
  });

  it.each([
    ['no acknowledgement', { acknowledged: false }, ['acknowledge']],
    ['no category', { categories: [] }, ['categories']],
    ['only unrequested categories', { categories: ['care_wishes'] }, ['categories']],
    ['no period', { period: undefined }, ['period']],
    ['no duration', { duration: undefined }, ['duration']],
    ['custom without dates', { period: 'custom' }, ['customFrom', 'customTo']],
    ['custom with a non-date', { period: 'custom', customFrom: '2020-02-30', customTo: '2021-01-01' }, ['customFrom']],
    [
      'an inverted custom period',
      { period: 'custom', customFrom: '2024-01-02', customTo: '2024-01-01' },
      ['customOrder'],
    ],
    [
      'a custom period starting tomorrow',
      { period: 'custom', customFrom: '2026-11-02', customTo: '2027-01-01' },
      ['customFuture'],
    ],
    [
      'everything wrong',
      { acknowledged: false, categories: [], period: undefined, duration: undefined },
      ['acknowledge', 'categories', 'period', 'duration'],
    ],
  ] as const)('reports %s', (_name, overrides, errors) => {
    expect(decideTerms(choices(overrides as Partial<ConsentChoices>), ['lab', 'outpatient'], NOW)).toEqual({ errors });
  });
});

describe('using a consent', () => {
  it('is active until it ends or is revoked', () => {
    expect(isConsentActive({ status: 'active', expiresAt: NOW + 1 }, NOW)).toBe(true);
    expect(isConsentActive({ status: 'active', expiresAt: NOW }, NOW)).toBe(false);
    expect(isConsentActive({ status: 'revoked', expiresAt: NOW + 1 }, NOW)).toBe(false);
  });

  it('reads exactly what was agreed', () => {
    expect(recordQueryOf({ categories: ['lab'], from: '2025-11-01', excludedInstitutions: ['0101090517'] })).toEqual({
      categories: ['lab'],
      from: '2025-11-01',
      excludeInstitutions: ['0101090517'],
    });
  });
});
