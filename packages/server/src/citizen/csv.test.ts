import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.js';

describe('CSV cells (OWASP CSV Injection)', () => {
  it.each([
    ['=1+2', "'=1+2"],
    ['+886 2 1234', "'+886 2 1234"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
  ])('prefixes %j so spreadsheets show text', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=cmd|"/c calc"!A0')).toBe(`"'=cmd|""/c calc""!A0"`);
  });

  it('leaves plain text and numbers alone', () => {
    expect(csvCell('糖尿病日記')).toBe('糖尿病日記');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });

  it('writes a BOM, a header and CRLF rows', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x', 1],
          ['=y', null],
        ],
      ),
    ).toBe("\uFEFFa,b\r\nx,1\r\n'=y,\r\n");
  });
});
