import { describe, expect, it } from 'vitest';
import { textArrayLiteral } from './pg-array.js';

describe('textArrayLiteral', () => {
  it('quotes and escapes like PostgreSQL expects', () => {
    expect(textArrayLiteral(['a', 'say "hi"', 'back\\slash', null, '', '中文', 'NULL'])).toBe(
      '{"a","say \\"hi\\"","back\\\\slash",null,"","中文","NULL"}',
    );
  });

  it('keeps control characters and surrogates literal', () => {
    expect(textArrayLiteral(['line\nbreak', 'tab\t"q"', '😀', '\ud800'])).toBe(
      '{"line\nbreak","tab\t\\"q\\"","😀","\ud800"}',
    );
  });

  it('encodes JSON payloads verbatim', () => {
    const payload = JSON.stringify({ text: 'a "quoted"\nline \\ 中文' });
    expect(textArrayLiteral([payload])).toBe(`{"${payload.replace(/["\\]/g, '\\$&')}"}`);
  });
});
