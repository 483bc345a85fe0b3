import { describe, expect, it } from 'vitest';
import { decodeBase64url, isCanonicalBase64url } from './base64url.js';

describe('base64url', () => {
  it('decodes what Node encodes, for every length mod 3', () => {
    for (let length = 0; length < 40; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 97 + length * 31) & 0xff);
      const text = Buffer.from(bytes).toString('base64url');
      expect(isCanonicalBase64url(text)).toBe(true);
      expect(Buffer.compare(decodeBase64url(text), bytes)).toBe(0);
    }
  });

  it.each([
    ['padding', 'QQ=='],
    ['standard base64 characters', 'a+b/'],
    ['an impossible length', 'QUJDR'],
    ['a dot', 'QU.D'],
    ['non-zero unused bits after one byte', 'QR'],
    ['non-zero unused bits after two bytes', 'QUJ'],
  ])('refuses %s', (_name, text) => {
    expect(isCanonicalBase64url(text)).toBe(false);
    expect(() => decodeBase64url(text)).toThrow(SyntaxError);
  });

  it('accepts the empty string (an empty JWS signature or JWE encrypted key)', () => {
    expect(decodeBase64url('')).toEqual(new Uint8Array(0));
  });
});
