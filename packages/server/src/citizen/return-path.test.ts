import { describe, expect, it } from 'vitest';
import { safeReturnPath } from './return-path.js';

describe('safeReturnPath (ASVS V5.1.5)', () => {
  it.each([
    '/me',
    '/me/records',
    '/me/records/lab?page=3',
    '/me/history?app=diabetes-diary&from=2025-01-01&to=',
    '/me/history.csv',
  ])('accepts the portal path %s', (path) => {
    expect(safeReturnPath(path)).toBe(path);
  });

  it.each([
    ['another site', 'https://evil.example/me'],
    ['a scheme-relative URL', '//evil.example/me'],
    ['a backslash that browsers read as a slash', '/\\evil.example'],
    ['a path outside the portal', '/consent/abc'],
    ['a prefix that only looks like the portal', '/meevil'],
    ['a dot segment', '/me/../oauth/authorize'],
    ['an encoded slash', '/me/%2F%2Fevil.example'],
    ['a fragment', '/me#x'],
    ['a header injection', '/me\r\nLocation: https://evil.example'],
    ['a javascript URL', 'javascript:alert(1)'],
    ['an empty value', ''],
    ['a non-string', ['/me']],
    ['a very long path', `/me/${'a'.repeat(600)}`],
  ])('refuses %s', (_why, value) => {
    expect(safeReturnPath(value)).toBeUndefined();
  });
});
