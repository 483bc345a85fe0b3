import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_URL } from '../db/url.js';
import { DEVELOPMENT_EXPORT_SIGNING_KEYS, developmentExportSigningKeys } from '../export/keys.js';
import { ConfigError, DEVELOPMENT_SECRET, loadConfig } from './config.js';
import { DEVELOPMENT_SIGNING_KEY, developmentSigningKeys } from './signing-keys.js';

/** A freshly generated deployment key, as an operator would provide it. */
function deploymentJwks(kid = 'deploy-2026-11'): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid }] });
}

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
      signingKeys: developmentSigningKeys(),
      oauthRateLimit: 300,
      exportSigningKeys: developmentExportSigningKeys(),
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
    [{ HEALTHBANK_SIGNING_JWKS: '{not json' }, /HEALTHBANK_SIGNING_JWKS is not valid JSON/],
    [{ HEALTHBANK_SIGNING_JWKS: '{"keys":[]}' }, /signingKeys/],
    [{ HEALTHBANK_SIGNING_JWKS: '{"keys":[{"kty":"EC","crv":"P-256","kid":"a","x":"x","y":"y"}]}' }, /signingKeys/],
    [{ HEALTHBANK_SIGNING_JWKS: '{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"a","x":"x","d":"d"}]}' }, /P-256/],
    [{ HEALTHBANK_OAUTH_RATE_LIMIT: '0' }, /oauthRateLimit/],
    [{ HEALTHBANK_EXPORT_SIGNING_KEYS: '{not json' }, /HEALTHBANK_EXPORT_SIGNING_KEYS is not valid JSON/],
    [{ HEALTHBANK_EXPORT_SIGNING_KEYS: '{"keys":[{"kty":"oct","kid":"s","k":"c2VjcmV0"}]}' }, /kty/],
  ])('rejects %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses development settings in production', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/hb',
      PUBLIC_URL: 'https://hb.example.tw',
      HEALTHBANK_SECRET: 'a-deployment-secret-of-at-least-32-characters',
      HEALTHBANK_SIGNING_JWKS: deploymentJwks(),
      HEALTHBANK_EXPORT_SIGNING_KEYS: deploymentJwks('export-2026-11'),
    };
    expect(loadConfig(prod)).toMatchObject({ environment: 'production', sandbox: false });
    expect(loadConfig({ ...prod, HEALTHBANK_SANDBOX: 'true' }).sandbox).toBe(true);
    expect(() => loadConfig({ ...prod, PUBLIC_URL: 'http://hb.example.tw' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...prod, DATABASE_URL: 'sqlite:./data/x.sqlite' })).toThrow(/PostgreSQL/);
    expect(() => loadConfig({ ...prod, HEALTHBANK_SECRET: undefined })).toThrow(/HEALTHBANK_SECRET/);
    expect(() => loadConfig({ ...prod, HEALTHBANK_SECRET: 'short' })).toThrow(/secret/);
  });

  it('refuses the development signing key in production, however it is named', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/hb',
      PUBLIC_URL: 'https://hb.example.tw',
      HEALTHBANK_SECRET: 'a-deployment-secret-of-at-least-32-characters',
      HEALTHBANK_EXPORT_SIGNING_KEYS: deploymentJwks('export-2026-11'),
    };
    expect(() => loadConfig(prod)).toThrow(/HEALTHBANK_SIGNING_JWKS/);
    const renamed = JSON.stringify({ keys: [{ ...DEVELOPMENT_SIGNING_KEY, kid: 'looks-new' }] });
    expect(() => loadConfig({ ...prod, HEALTHBANK_SIGNING_JWKS: renamed })).toThrow(/development signing key/);
    const config = loadConfig({ ...prod, HEALTHBANK_SIGNING_JWKS: deploymentJwks() });
    expect(config.signingKeys.keys[0]?.kid).toBe('deploy-2026-11');
  });

  it('refuses the development export signing keys in production, and the ID-token key reused for exports', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/hb',
      PUBLIC_URL: 'https://hb.example.tw',
      HEALTHBANK_SECRET: 'a-deployment-secret-of-at-least-32-characters',
      HEALTHBANK_SIGNING_JWKS: deploymentJwks(),
    };
    expect(() => loadConfig(prod)).toThrow(/HEALTHBANK_EXPORT_SIGNING_KEYS/);
    const renamed = JSON.stringify({ keys: [{ ...DEVELOPMENT_EXPORT_SIGNING_KEYS.keys[0], kid: 'export-new' }] });
    expect(() => loadConfig({ ...prod, HEALTHBANK_EXPORT_SIGNING_KEYS: renamed })).toThrow(ConfigError);
    const idTokenKey = JSON.stringify({ keys: [{ ...DEVELOPMENT_SIGNING_KEY, kid: 'export-reused' }] });
    expect(() => loadConfig({ ...prod, HEALTHBANK_EXPORT_SIGNING_KEYS: idTokenKey })).toThrow(ConfigError);
    const config = loadConfig({ ...prod, HEALTHBANK_EXPORT_SIGNING_KEYS: deploymentJwks('export-2026-11') });
    expect(config.exportSigningKeys.keys.map((k) => k.kid)).toEqual(['export-2026-11']);
  });
});
