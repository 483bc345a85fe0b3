import { describe, expect, it } from 'vitest';
import { integerArrayLiteral, textArrayLiteral } from './pg-array.js';

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

describe('integerArrayLiteral', () => {
  it('joins integers and rejects anything else', () => {
    expect(integerArrayLiteral([1, 22, 333])).toBe('{1,22,333}');
    expect(() => integerArrayLiteral([1.5])).toThrow(RangeError);
  });
});
