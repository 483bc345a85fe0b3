/**
 * CSV as spreadsheets read it (RFC 4180: CRLF rows, fields quoted when they hold a comma, quote
 * or line break), made safe to open: a cell that begins with `=`, `+`, `-`, `@`, tab or carriage
 * return is prefixed with `'`, so a spreadsheet shows it as text instead of running it as a
 * formula (OWASP "CSV Injection"). App names and ids come from organisations, not from us.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell, neutralised and quoted as needed.
 *
 * @example
 * ```ts
 * csvCell('=HYPERLINK("https://evil.example")'); // '"\'=HYPERLINK(""https://evil.example"")"'
 * ```
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A whole document: a header row, then the rows, CRLF-terminated, with a UTF-8 byte order mark so
 * that Excel reads Chinese text as UTF-8.
 *
 * @example
 * ```ts
 * toCsv(['app', 'count'], [['糖尿病日記', 12]]); // '\uFEFFapp,count\r\n糖尿病日記,12\r\n'
 * ```
 */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const line = (cells: readonly (string | number | null)[]) => `${cells.map(csvCell).join(',')}\r\n`;
  return `\uFEFF${line(header)}${rows.map(line).join('')}`;
}
