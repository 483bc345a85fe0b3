import { describe, expect, it } from 'vitest';
import { isValidUbn, makeUbn } from './ubn.js';

describe('統一編號', () => {
  it.each([
    '22099131', // TSMC
    '04595257', // Ministry of Finance example
    '10458575', // seventh digit 7, valid only with the "+1" rule (total 39)
    '12345675', // valid only under the 2023 divisible-by-5 rule (total 35)
  ])('accepts %s', (ubn) => {
    expect(isValidUbn(ubn)).toBe(true);
  });

  it.each([
    ['22099132', 'wrong check digit'],
    ['2209913', 'seven digits'],
    ['220991311', 'nine digits'],
    ['2209913A', 'letter'],
    ['', 'empty'],
  ])('rejects %s (%s)', (ubn) => {
    expect(isValidUbn(ubn)).toBe(false);
  });

  it('completes any seven digits with a valid check digit', () => {
    for (const first7 of ['0000000', '1234567', '2209913', '9999999', '1045857']) {
      const ubn = makeUbn(first7);
      expect(ubn.startsWith(first7)).toBe(true);
      expect(isValidUbn(ubn)).toBe(true);
    }
  });
});
