import { describe, expect, it } from 'vitest';
import { checkCategories, checkClientOptions, durationParam, periodParam } from './options.js';

describe('client options', () => {
  const base = { clientId: 'diabetes-diary', redirectUri: 'https://diary.example/callback' };

  it('accepts https issuers and plain http to this machine only', () => {
    expect(checkClientOptions({ ...base, issuer: 'https://healthbank.example.tw' }).origin).toBe(
      'https://healthbank.example.tw',
    );
    expect(checkClientOptions({ ...base, issuer: 'http://localhost:3000' }).port).toBe('3000');
    expect(checkClientOptions({ ...base, issuer: 'http://127.0.0.1:3000' }).hostname).toBe('127.0.0.1');
    expect(() => checkClientOptions({ ...base, issuer: 'http://healthbank.example.tw' })).toThrow(TypeError);
    expect(() => checkClientOptions({ ...base, issuer: 'https://h.example', clientId: '' })).toThrow(/clientId/);
    expect(() => checkClientOptions({ ...base, issuer: 'https://h.example', redirectUri: '/cb' })).toThrow(
      /redirectUri/,
    );
  });

  it('puts categories in the platform order and refuses unknown ones', () => {
    expect(checkCategories(['lab', 'outpatient', 'lab'])).toEqual(['outpatient', 'lab']);
    expect(() => checkCategories([])).toThrow(TypeError);
    expect(() => checkCategories(['labs' as 'lab'])).toThrow(/unknown record category: labs/);
  });

  it('turns period and duration into the authorization request parameters', () => {
    expect(periodParam({ years: 5 })).toBe('5y');
    expect(periodParam('all')).toBe('all');
    expect(periodParam({ from: '2020-01-01', to: '2024-12-31' })).toBe('2020-01-01..2024-12-31');
    expect(() => periodParam({ years: 2 as 1 })).toThrow(TypeError);
    expect(() => periodParam({ from: '2024-12-31', to: '2020-01-01' })).toThrow(TypeError);
    expect(durationParam('one_time')).toBe('once');
    expect(durationParam({ months: 12 })).toBe('12');
    expect(() => durationParam({ months: 24 as 12 })).toThrow(TypeError);
  });
});
