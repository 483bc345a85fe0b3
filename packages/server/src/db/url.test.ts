import { describe, expect, it } from 'vitest';
import { DatabaseError } from './errors.js';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl, redactDatabaseUrl } from './url.js';

describe('parseDatabaseUrl', () => {
  it.each([
    [DEFAULT_DATABASE_URL, { dialect: 'sqlite', path: './data/healthbank.sqlite' }],
    ['sqlite:/var/lib/hb/hb.sqlite', { dialect: 'sqlite', path: '/var/lib/hb/hb.sqlite' }],
    ['sqlite:///var/lib/hb/hb.sqlite', { dialect: 'sqlite', path: '/var/lib/hb/hb.sqlite' }],
    ['sqlite::memory:', { dialect: 'sqlite', path: ':memory:' }],
    ['postgres://hb@db:5432/hb', { dialect: 'postgres', connectionString: 'postgres://hb@db:5432/hb' }],
    [
      'postgresql://hb:pw@db/hb?sslmode=require',
      { dialect: 'postgres', connectionString: 'postgresql://hb:pw@db/hb?sslmode=require' },
    ],
  ])('reads %s', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it.each([
    '',
    'sqlite:',
    './data/healthbank.sqlite',
    'mysql://root@db/hb',
    'postgres:/db/hb',
    'postgres://[::1/hb',
    'http://db/hb',
    'sqlite:a\nb',
  ])('rejects %j with invalid_database_url', (url) => {
    let error: unknown;
    try {
      parseDatabaseUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe('invalid_database_url');
    expect((error as DatabaseError).message).not.toContain('\n');
  });

  it('does not echo a password in its error', () => {
    expect(() => parseDatabaseUrl('mysql://root:hunter2@db/hb')).toThrow(/root:\*\*\*@db/);
    expect(() => parseDatabaseUrl('mysql://root:hunter2@db/hb')).not.toThrow(/hunter2/);
  });
});

describe('redactDatabaseUrl', () => {
  it.each([
    ['postgres://hb:s3cret@db:5432/hb', 'postgres://hb:***@db:5432/hb'],
    ['postgres://hb:p@ss:w/rd@db/hb', 'postgres://hb:***@db/hb'],
    ['postgres://hb@db/hb?password=s3cret&sslmode=require', 'postgres://hb@db/hb?password=***&sslmode=require'],
    ['postgres://db/hb', 'postgres://db/hb'],
    ['sqlite:./data/healthbank.sqlite', 'sqlite:./data/healthbank.sqlite'],
  ])('%s → %s', (url, expected) => {
    expect(redactDatabaseUrl(url)).toBe(expected);
  });
});
