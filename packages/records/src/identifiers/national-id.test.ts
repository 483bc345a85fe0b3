import { describe, expect, it } from 'vitest';
import {
  isValidNationalId,
  makeNationalId,
  maskNationalId,
  NATIONAL_ID_LETTERS,
  nationalIdCheckDigit,
} from './national-id.js';

describe('national ID', () => {
  it.each([
    'A123456789', // the Ministry of the Interior's textbook example
    'F131104093',
    'B142749568',
    'I200000005', // I stands for 34, out of alphabetical order
    'O100000004', // O stands for 35
  ])('accepts %s', (id) => {
    expect(isValidNationalId(id)).toBe(true);
  });

  it.each([
    ['A123456788', 'wrong check digit'],
    ['A323456789', 'sex digit must be 1 or 2'],
    ['a123456789', 'lower-case letter'],
    ['A12345678', 'too short'],
    ['A1234567890', 'too long'],
    ['1123456789', 'no letter'],
    ['AA23456789', 'two letters'],
    [' A123456789', 'leading space'],
    ['', 'empty'],
  ])('rejects %s (%s)', (id) => {
    expect(isValidNationalId(id)).toBe(false);
  });

  it('rejects every single-digit corruption at a position whose weight is coprime to 10', () => {
    // Weights 8, 6, 4, 2 miss a change of 5 and weight 5 misses even changes: the checksum's blind spots.
    const id = 'A123456789';
    for (const pos of [2, 6, 8, 9]) {
      for (let d = 0; d <= 9; d++) {
        const corrupted = `${id.slice(0, pos)}${d}${id.slice(pos + 1)}`;
        if (corrupted !== id) expect(isValidNationalId(corrupted), corrupted).toBe(false);
      }
    }
  });

  it('computes the check digit that makes an ID valid', () => {
    expect(nationalIdCheckDigit('A12345678')).toBe(9);
    for (const letter of NATIONAL_ID_LETTERS) {
      for (const serial of [0, 1, 4_242_424, 9_999_999]) {
        for (const sex of ['male', 'female'] as const) {
          const id = makeNationalId(letter, sex, serial);
          expect(isValidNationalId(id), id).toBe(true);
          expect(id[1]).toBe(sex === 'male' ? '1' : '2');
        }
      }
    }
  });

  it('refuses out-of-range parts', () => {
    expect(() => makeNationalId('a', 'male', 1)).toThrow(RangeError);
    expect(() => makeNationalId('A', 'male', 10_000_000)).toThrow(RangeError);
    expect(() => makeNationalId('A', 'male', -1)).toThrow(RangeError);
    expect(() => nationalIdCheckDigit('A1234')).toThrow(RangeError);
  });

  it('masks all but the letter, sex digit and the last three digits', () => {
    expect(maskNationalId('A123456789')).toBe('A12****789');
    expect(maskNationalId('oops')).toBe('**********');
  });
});
