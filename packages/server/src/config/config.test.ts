import { describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_URL } from '../db/url.js';
import { ConfigError, DEVELOPMENT_SECRET, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to a local development platform on SQLite', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      environment: 'development',
      databaseUrl: DEFAULT_DATABASE_URL,
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      logLevel: 'info',
      sandboxCitizens: 1000,
      secret: DEVELOPMENT_SECRET,
      sandbox: true,
    });
  });

  it('reads the environment and lets explicit overrides win', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://db/x' }, { databaseUrl: 'sqlite:/tmp/a.db' });
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.databaseUrl).toBe('sqlite:/tmp/a.db');
  });

  it.each([
    [{ PORT: 'eighty' }, /port/],
    [{ PORT: '70000' }, /port/],
    [{ PUBLIC_URL: 'ftp://example.org' }, /publicUrl/],
    [{ LOG_LEVEL: 'loud' }, /logLevel/],
    [{ HEALTHBANK_SANDBOX_CITIZENS: '-1' }, /sandboxCitizens/],
    [{ HEALTHBANK_SECRET: 'too short' }, /secret/],
  ])('rejects %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses development settings in production', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/hb',
      PUBLIC_URL: 'https://hb.example.tw',
      HEALTHBANK_SECRET: 'a-deployment-secret-of-at-least-32-characters',
    };
    expect(loadConfig(prod)).toMatchObject({ environment: 'production', sandbox: false });
    expect(loadConfig({ ...prod, HEALTHBANK_SANDBOX: 'true' }).sandbox).toBe(true);
    expect(() => loadConfig({ ...prod, PUBLIC_URL: 'http://hb.example.tw' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...prod, DATABASE_URL: 'sqlite:./data/x.sqlite' })).toThrow(/PostgreSQL/);
    expect(() => loadConfig({ ...prod, HEALTHBANK_SECRET: undefined })).toThrow(/HEALTHBANK_SECRET/);
    expect(() => loadConfig({ ...prod, HEALTHBANK_SECRET: 'short' })).toThrow(/secret/);
  });
});
