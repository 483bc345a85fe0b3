import { describe, expect, it } from 'vitest';
import { defaultChoices } from './page.js';

describe('defaultChoices', () => {
  it('shares the least by default: one year, once, nothing acknowledged', () => {
    expect(defaultChoices(['lab', 'outpatient'])).toEqual({
      acknowledged: false,
      categories: ['lab', 'outpatient'],
      period: '1y',
      excludedInstitutions: [],
      duration: 'once',
    });
  });

  it("pre-selects the app's suggested period and duration", () => {
    expect(defaultChoices(['lab'], { period: '5y', duration: '3' })).toMatchObject({ period: '5y', duration: 3 });
    expect(defaultChoices(['lab'], { period: 'all', duration: 'once' })).toMatchObject({
      period: 'all',
      duration: 'once',
    });
    expect(defaultChoices(['lab'], { period: '2020-01-01..2024-12-31' })).toMatchObject({
      period: 'custom',
      customFrom: '2020-01-01',
      customTo: '2024-12-31',
    });
  });

  it('ignores suggestions it does not understand', () => {
    expect(defaultChoices(['lab'], { period: '10y', duration: '24' })).toMatchObject({
      period: '1y',
      duration: 'once',
    });
    expect(defaultChoices(['lab'], { period: 5, duration: null })).toMatchObject({ period: '1y', duration: 'once' });
  });

  it('never pre-acknowledges the notices', () => {
    expect(defaultChoices(['lab'], { period: '5y', duration: '12' }).acknowledged).toBe(false);
  });
});
