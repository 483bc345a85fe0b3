import { makeNationalId } from '@healthbank/records';
import { describe, expect, it } from 'vitest';
import { amrFrom, nationalIdFrom, UPSTREAM_FALLBACK_AMR } from './claims.js';

const valid = makeNationalId('A', 'female', 1234567);
const badCheckDigit = `${valid.slice(0, 9)}${(Number(valid[9]) + 1) % 10}`;

describe('nationalIdFrom', () => {
  it('takes a valid national ID from the configured claim', () => {
    expect(nationalIdFrom({ national_id: valid }, 'national_id')).toEqual({ ok: true, nationalId: valid });
    expect(nationalIdFrom({ twid: valid }, 'twid')).toEqual({ ok: true, nationalId: valid });
  });

  it.each([[{}], [{ national_id: null }], [{ national_id: '' }], [{ other: valid }]])('calls %j missing', (claims) => {
    expect(nationalIdFrom(claims, 'national_id')).toEqual({ ok: false, reason: 'missing' });
  });

  it.each([
    ['a wrong check digit', badCheckDigit],
    ['lower case', valid.toLowerCase()],
    ['surrounding spaces', ` ${valid}`],
    ['a third sex digit', `A3${valid.slice(2)}`],
    ['too short', valid.slice(0, 9)],
  ])('calls %s malformed', (_label, value) => {
    expect(nationalIdFrom({ national_id: value }, 'national_id')).toEqual({ ok: false, reason: 'malformed', value });
  });

  it('calls a non-string claim malformed without echoing it', () => {
    expect(nationalIdFrom({ national_id: 123456789 }, 'national_id')).toEqual({
      ok: false,
      reason: 'malformed',
      value: '',
    });
  });
});

describe('amrFrom', () => {
  it('passes on an array of short strings', () => {
    expect(amrFrom({ amr: ['hwk', 'pin'] })).toEqual(['hwk', 'pin']);
  });

  it.each([
    [{}],
    [{ amr: 'pwd' }],
    [{ amr: [] }],
    [{ amr: ['pwd', 1] }],
    [{ amr: ['with space'] }],
    [{ amr: ['x'.repeat(65)] }],
    [{ amr: Array.from({ length: 11 }, () => 'otp') }],
  ])('falls back to fed for %j', (claims) => {
    expect(amrFrom(claims)).toEqual(UPSTREAM_FALLBACK_AMR);
  });
});
