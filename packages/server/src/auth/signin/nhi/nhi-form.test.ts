import { describe, expect, it } from 'vitest';
import type { NhiFormValues } from '../signin-page.js';
import { parseNhiForm } from './nhi-form.js';

const TODAY = '2026-11-01';
const valid: NhiFormValues = {
  nationalId: 'A123456789',
  cardNumber: '000012345678',
  birthYear: '1971',
  birthMonth: '3',
  birthDay: '9',
};

describe('parseNhiForm', () => {
  it('accepts well-formed details and normalises the date', () => {
    expect(parseNhiForm(valid, TODAY)).toEqual({
      ok: true,
      claim: { nationalId: 'A123456789', nhiCardNumber: '000012345678', birthDate: '1971-03-09' },
    });
  });

  it('reads Minguo years, full-width digits, lower case and spaces', () => {
    const result = parseNhiForm(
      {
        nationalId: ' a１２３４５６７８９ ',
        cardNumber: '0000 1234 5678',
        birthYear: '６０',
        birthMonth: '03',
        birthDay: '09',
      },
      TODAY,
    );
    expect(result).toEqual({
      ok: true,
      claim: { nationalId: 'A123456789', nhiCardNumber: '000012345678', birthDate: '1971-03-09' },
    });
  });

  it.each([
    ['a bad check digit', { nationalId: 'A123456788' }, { nationalId: true }],
    ['an 11-digit card number', { cardNumber: '12345678901' }, { cardNumber: true }],
    ['letters in the card number', { cardNumber: '12345678901A' }, { cardNumber: true }],
    ['30 February', { birthMonth: '2', birthDay: '30' }, { birthDate: true }],
    ['month 13', { birthMonth: '13' }, { birthDate: true }],
    ['a future date', { birthYear: '2027' }, { birthDate: true }],
    ['a missing day', { birthDay: '' }, { birthDate: true }],
    ['year 1899', { birthYear: '1899' }, { birthDate: true }],
  ])('marks %s', (_name, change, errors) => {
    expect(parseNhiForm({ ...valid, ...change }, TODAY)).toEqual({ ok: false, errors });
  });

  it('accepts 29 February in a leap year only', () => {
    expect(parseNhiForm({ ...valid, birthYear: '1972', birthMonth: '2', birthDay: '29' }, TODAY).ok).toBe(true);
    expect(parseNhiForm({ ...valid, birthYear: '1971', birthMonth: '2', birthDay: '29' }, TODAY).ok).toBe(false);
  });

  it('marks every wrong field at once', () => {
    expect(
      parseNhiForm({ nationalId: '', cardNumber: '', birthYear: '', birthMonth: '', birthDay: '' }, TODAY),
    ).toEqual({
      ok: false,
      errors: { nationalId: true, cardNumber: true, birthDate: true },
    });
  });
});
