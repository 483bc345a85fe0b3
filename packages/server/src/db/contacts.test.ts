import { describe, expect, it } from 'vitest';
import { maskContact, normalizeEmail, normalizeMobile } from './contacts.js';
import { DatabaseError } from './errors.js';

/** The error a call throws, asserting it is an `invalid_contact` that does not repeat the input. */
function refusal(call: () => unknown, input: string): DatabaseError {
  try {
    call();
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe('invalid_contact');
    if (input.trim().length > 2) expect((error as DatabaseError).message).not.toContain(input.trim());
    return error as DatabaseError;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('e-mail addresses', () => {
  it.each([
    ['citizen@example.tw', 'citizen@example.tw'],
    ['  Citizen.Name+mhb@Example.COM.TW ', 'Citizen.Name+mhb@example.com.tw'],
    ['ｃｉｔｉｚｅｎ＠ｅｘａｍｐｌｅ．ｔｗ', 'citizen@example.tw'],
    ['citizen@例子.台灣', 'citizen@xn--fsqu00a.xn--kpry57d'],
    ["o'hara_{x}@mail-1.example.org", "o'hara_{x}@mail-1.example.org"],
    [`${'a'.repeat(64)}@example.tw`, `${'a'.repeat(64)}@example.tw`],
  ])('accepts %j as %j', (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  it.each([
    '',
    'citizen',
    '@example.tw',
    'citizen@',
    'citizen@example',
    'citizen@localhost',
    'citizen@127.0.0.1',
    'citizen@[127.0.0.1]',
    'two@at@example.tw',
    'citizen name@example.tw',
    '"quoted"@example.tw',
    '.citizen@example.tw',
    'citizen.@example.tw',
    'citi..zen@example.tw',
    '民眾@example.tw',
    'citizen@-example.tw',
    'citizen@example-.tw',
    'citizen@exa_mple.tw',
    'citizen@example.tw, evil@example.org',
    'citizen@example.tw\r\nBcc: evil@example.org',
    'citizen@example.tw>',
    `${'a'.repeat(65)}@example.tw`,
    `citizen@${'a'.repeat(64)}.tw`,
    `citizen@${'abcdefghi.'.repeat(25)}tw`,
    `${'a'.repeat(600)}@example.tw`,
  ])('refuses %j', (input) => {
    refusal(() => normalizeEmail(input), input);
  });
});

describe('mobile numbers', () => {
  it.each([
    ['0912345678', '+886912345678'],
    ['0912-345-678', '+886912345678'],
    [' 0912 345 678 ', '+886912345678'],
    ['０９１２３４５６７８', '+886912345678'],
    ['+886912345678', '+886912345678'],
  ])('accepts %j as %j', (input, expected) => {
    expect(normalizeMobile(input)).toBe(expected);
  });

  it.each([
    '',
    '0212345678',
    '091234567',
    '09123456789',
    '+8860912345678',
    '886912345678',
    '+14155550100',
    '09-1234-567a',
    '0912\u0000345678',
    '0'.repeat(600),
  ])('refuses %j', (input) => {
    refusal(() => normalizeMobile(input), input);
  });
});

describe('masking contacts for logs', () => {
  it('keeps the first character and the domain of an e-mail address', () => {
    expect(maskContact('email', 'citizen@example.tw')).toBe('c***@example.tw');
  });

  it('keeps the country prefix and the last three digits of a mobile number', () => {
    expect(maskContact('mobile', '+886912345678')).toBe('+8869*****678');
  });

  it('hides anything it does not recognise entirely', () => {
    expect(maskContact('email', 'no-at-sign')).toBe('***');
    expect(maskContact('mobile', '0912345678')).toBe('***');
  });
});
