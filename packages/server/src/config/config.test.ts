import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_URL } from '../db/url.js';
import { DEVELOPMENT_EXPORT_SIGNING_KEYS, developmentExportSigningKeys } from '../export/keys.js';
import { DEVELOPMENT_WEBHOOK_SIGNING_KEY, developmentWebhookSigningKeys } from '../webhooks/keys.js';
import { ConfigError, DEVELOPMENT_SECRET, loadConfig } from './config.js';
import { DEVELOPMENT_SIGNING_KEY, developmentSigningKeys } from './signing-keys.js';

/** A freshly generated deployment key, as an operator would provide it. */
function deploymentJwks(kid = 'deploy-2026-11'): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid }] });
}

/** A deployment's own webhook key (Ed25519, Standard Webhooks' `v1a`). */
function deploymentWebhookJwks(kid = 'webhooks-2026-11'): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid }] });
}

/** What every production configuration in these tests shares. */
const PRODUCTION = {
  HEALTHBANK_WEBHOOK_SIGNING_KEYS: deploymentWebhookJwks(),
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/hb',
  PUBLIC_URL: 'https://hb.example.tw',
  HEALTHBANK_SECRET: 'a-deployment-secret-of-at-least-32-characters',
  SMTP_URL: 'smtps://healthbank:pw@mail.example.tw:465',
};

describe('loadConfig', () => {
  it('defaults to a local development platform on SQLite', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      environment: 'development',
      databaseUrl: DEFAULT_DATABASE_URL,
      databaseReplicaUrl: undefined,
      databaseReplicaMaxLagS: 5,
      host: '127.0.0.1',
      port: 3000,
      publicUrl: 'http://localhost:3000',
      logLevel: 'info',
      sandboxCitizens: 1000,
      secret: DEVELOPMENT_SECRET,
      sandbox: true,
      signingKeys: developmentSigningKeys(),
      oauthRateLimit: 300,
      maxInFlight: 256,
      maxEventLoopDelayMs: 0,
      exportSigningKeys: developmentExportSigningKeys(),
      webhookSigningKeys: developmentWebhookSigningKeys(),
      deletionReceiptDays: 30,
      auditRetentionYears: 6,
      trustedProxies: [],
      messaging: {},
      upstreamOidc: undefined,
      // The sandbox realm beside it: another host (no cookie shared with localhost), the next port.
      sandboxRealm: {
        publicUrl: 'http://127.0.0.1:3001',
        port: 3001,
        signingKeys: developmentSigningKeys(),
        exportSigningKeys: developmentExportSigningKeys(),
      },
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
    [{ HEALTHBANK_MAX_IN_FLIGHT: '0' }, /maxInFlight/],
    [{ HEALTHBANK_MAX_EVENT_LOOP_DELAY_MS: 'soon' }, /maxEventLoopDelayMs/],
    [{ HEALTHBANK_EXPORT_SIGNING_KEYS: '{not json' }, /HEALTHBANK_EXPORT_SIGNING_KEYS is not valid JSON/],
    [{ HEALTHBANK_EXPORT_SIGNING_KEYS: '{"keys":[{"kty":"oct","kid":"s","k":"c2VjcmV0"}]}' }, /kty/],
    [{ HEALTHBANK_WEBHOOK_SIGNING_KEYS: '{not json' }, /HEALTHBANK_WEBHOOK_SIGNING_KEYS is not valid JSON/],
    [{ HEALTHBANK_WEBHOOK_SIGNING_KEYS: deploymentJwks('p256-is-not-v1a') }, /HEALTHBANK_WEBHOOK_SIGNING_KEYS/],
    [{ DELETION_RECEIPT_DAYS: '0' }, /deletionReceiptDays/],
    [{ DELETION_RECEIPT_DAYS: 'thirty' }, /deletionReceiptDays/],
    [{ DELETION_RECEIPT_DAYS: '1.5' }, /deletionReceiptDays/],
    [{ AUDIT_RETENTION_YEARS: '0' }, /auditRetentionYears/],
    [{ AUDIT_RETENTION_YEARS: 'six' }, /auditRetentionYears/],
    [{ AUDIT_RETENTION_YEARS: '6.5' }, /auditRetentionYears/],
    [{ HEALTHBANK_SANDBOX: 'yes' }, /HEALTHBANK_SANDBOX must be true or false/],
    [{ TRUSTED_PROXIES: '10.0.0.1,example.org' }, /TRUSTED_PROXIES/],
    [{ TRUSTED_PROXIES: '10.0.0.0/33' }, /TRUSTED_PROXIES/],
    [{ SMTP_URL: 'http://mail.example.org' }, /smtp/],
    [{ SMS_WEBHOOK_URL: 'https://sms.example.org/send' }, /sms\.secret/],
    [{ UPSTREAM_OIDC_ISSUER: 'https://id.example.tw' }, /upstreamOidc/],
  ])('rejects %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('refuses development settings in production', () => {
    const prod = {
      ...PRODUCTION,
      HEALTHBANK_SIGNING_JWKS: deploymentJwks(),
      HEALTHBANK_EXPORT_SIGNING_KEYS: deploymentJwks('export-2026-11'),
    };
    expect(loadConfig(prod)).toMatchObject({ environment: 'production', sandbox: false });
    expect(() => loadConfig({ ...prod, PUBLIC_URL: 'http://hb.example.tw' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...prod, DATABASE_URL: 'sqlite:./data/x.sqlite' })).toThrow(/PostgreSQL/);
    expect(() => loadConfig({ ...prod, HEALTHBANK_SECRET: undefined })).toThrow(/HEALTHBANK_SECRET/);
    expect(() => loadConfig({ ...prod, HEALTHBANK_SECRET: 'short' })).toThrow(/secret/);
    // Less than the specification's six years of audit log is refused in production only.
    expect(() => loadConfig({ ...prod, AUDIT_RETENTION_YEARS: '5' })).toThrow(/audit log at least 6 years/);
    expect(loadConfig({ ...prod, AUDIT_RETENTION_YEARS: '10' }).auditRetentionYears).toBe(10);
    expect(loadConfig({ AUDIT_RETENTION_YEARS: '1' }).auditRetentionYears).toBe(1);
  });

  it('refuses the development signing key in production, however it is named', () => {
    const prod = {
      ...PRODUCTION,
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
      ...PRODUCTION,
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

  it('refuses the development webhook signing key in production, however it is named', () => {
    const prod = {
      ...PRODUCTION,
      HEALTHBANK_SIGNING_JWKS: deploymentJwks(),
      HEALTHBANK_EXPORT_SIGNING_KEYS: deploymentJwks('export-2026-11'),
    };
    expect(() => loadConfig({ ...prod, HEALTHBANK_WEBHOOK_SIGNING_KEYS: undefined })).toThrow(
      /HEALTHBANK_WEBHOOK_SIGNING_KEYS/,
    );
    const renamed = JSON.stringify({ keys: [{ ...DEVELOPMENT_WEBHOOK_SIGNING_KEY, kid: 'looks-new' }] });
    expect(() => loadConfig({ ...prod, HEALTHBANK_WEBHOOK_SIGNING_KEYS: renamed })).toThrow(/development webhook/);
    const config = loadConfig({ ...prod, DELETION_RECEIPT_DAYS: '14' });
    expect(config.webhookSigningKeys.keys[0]?.kid).toBe('webhooks-2026-11');
    expect(config.deletionReceiptDays).toBe(14);
  });

  const production = () => ({
    ...PRODUCTION,
    HEALTHBANK_SIGNING_JWKS: deploymentJwks(),
    HEALTHBANK_EXPORT_SIGNING_KEYS: deploymentJwks('export-2026-11'),
  });

  describe('production detection fails closed', () => {
    it.each(['prod', 'Production', 'staging', 'PRODUCTION', 'dev'])('refuses NODE_ENV=%s', (value) => {
      expect(() => loadConfig({ NODE_ENV: value })).toThrow(/NODE_ENV must be development, test or production/);
    });

    it.each(['0.0.0.0', '::', '192.168.1.20', 'example.org'])(
      'refuses development settings listening on %s',
      (host) => {
        expect(() => loadConfig({ HOST: host })).toThrow(/loopback only/);
        expect(() => loadConfig({ NODE_ENV: 'development', HOST: host })).toThrow(/loopback only/);
      },
    );

    it.each(['127.0.0.1', '127.0.1.1', '::1', '[::1]', 'localhost'])('lets development listen on %s', (host) => {
      expect(loadConfig({ HOST: host }).environment).toBe('development');
    });

    it('refuses the sandbox in production', () => {
      expect(() => loadConfig({ ...production(), HEALTHBANK_SANDBOX: 'true' })).toThrow(/HEALTHBANK_SANDBOX/);
      expect(loadConfig({ ...production(), HEALTHBANK_SANDBOX: 'false' }).sandbox).toBe(false);
      expect(loadConfig(production()).sandboxRealm).toBeUndefined();
    });

    it('serves a sandbox realm beside production only over TLS, at another origin, with keys of its own', () => {
      const sandbox = {
        SANDBOX_PUBLIC_URL: 'https://sandbox.hb.example.tw',
        HEALTHBANK_SANDBOX_SIGNING_JWKS: deploymentJwks('sandbox-oauth'),
        HEALTHBANK_SANDBOX_EXPORT_SIGNING_KEYS: deploymentJwks('sandbox-export'),
      };
      const config = loadConfig({ ...production(), ...sandbox });
      expect(config.sandboxRealm?.publicUrl).toBe('https://sandbox.hb.example.tw');
      expect(config.sandboxRealm?.signingKeys.keys[0]?.kid).toBe('sandbox-oauth');
      expect(() =>
        loadConfig({ ...production(), ...sandbox, SANDBOX_PUBLIC_URL: 'http://sandbox.hb.example.tw' }),
      ).toThrow(/SANDBOX_PUBLIC_URL to be an https/);
      expect(() =>
        loadConfig({ ...production(), ...sandbox, SANDBOX_PUBLIC_URL: 'https://hb.example.tw/sandbox' }),
      ).toThrow(/another origin/);
      // Production's own key reused for the sandbox: a sandbox token would verify as production's.
      const prod = production();
      expect(() =>
        loadConfig({ ...prod, ...sandbox, HEALTHBANK_SANDBOX_SIGNING_JWKS: prod.HEALTHBANK_SIGNING_JWKS }),
      ).toThrow(/of its own/);
      expect(() =>
        loadConfig({ ...production(), ...sandbox, HEALTHBANK_SANDBOX_EXPORT_SIGNING_KEYS: undefined }),
      ).toThrow(/HEALTHBANK_SANDBOX_EXPORT_SIGNING_KEYS/);
    });
  });

  describe('one-time code channels', () => {
    it('production refuses to start without a channel to deliver codes', () => {
      expect(() => loadConfig({ ...production(), SMTP_URL: undefined })).toThrow(/SMTP_URL or SMS_WEBHOOK_URL/);
    });

    it('reads SMTP with a default sender on the public host', () => {
      expect(loadConfig(production()).messaging).toEqual({
        smtp: { url: PRODUCTION.SMTP_URL, from: '健康存摺 <no-reply@hb.example.tw>' },
      });
    });

    it('reads the SMS hook, and requires https for it in production', () => {
      const sms = { SMS_WEBHOOK_URL: 'https://sms.example.tw/send', SMS_WEBHOOK_SECRET: 'x'.repeat(32) };
      const config = loadConfig({ ...production(), SMTP_URL: undefined, ...sms });
      expect(config.messaging.sms).toEqual({ url: sms.SMS_WEBHOOK_URL, secret: sms.SMS_WEBHOOK_SECRET });
      expect(() => loadConfig({ ...production(), ...sms, SMS_WEBHOOK_URL: 'http://sms.example.tw/send' })).toThrow(
        /https/,
      );
    });
  });

  describe('the upstream identity provider', () => {
    const upstream = {
      UPSTREAM_OIDC_ISSUER: 'https://id.example.tw',
      UPSTREAM_OIDC_CLIENT_ID: 'healthbank',
      UPSTREAM_OIDC_JWKS: deploymentJwks('upstream-1'),
    };

    it('is off unless configured, and takes defaults for the claim, scope and name', () => {
      expect(loadConfig({}).upstreamOidc).toBeUndefined();
      expect(loadConfig(upstream).upstreamOidc).toMatchObject({
        issuer: 'https://id.example.tw',
        clientId: 'healthbank',
        nationalIdClaim: 'national_id',
        scope: 'openid',
        name: { 'zh-TW': '政府數位身分', en: 'Government digital identity' },
      });
    });

    it('refuses a half-written configuration and a plain-HTTP issuer in production', () => {
      expect(() => loadConfig({ ...upstream, UPSTREAM_OIDC_JWKS: undefined })).toThrow(/upstreamOidc\.jwks/);
      expect(() => loadConfig({ ...upstream, UPSTREAM_OIDC_CLIENT_ID: undefined })).toThrow(/clientId/);
      expect(() => loadConfig({ ...production(), ...upstream, UPSTREAM_OIDC_ISSUER: 'http://id.example.tw' })).toThrow(
        /UPSTREAM_OIDC_ISSUER/,
      );
      expect(loadConfig({ ...production(), ...upstream }).upstreamOidc?.issuer).toBe('https://id.example.tw');
      expect(() => loadConfig({ ...upstream, UPSTREAM_OIDC_ISSUER: 'http://id.example.tw' })).toThrow(/loopback/);
      expect(loadConfig({ ...upstream, UPSTREAM_OIDC_ISSUER: 'http://127.0.0.1:9000' }).upstreamOidc?.issuer).toBe(
        'http://127.0.0.1:9000',
      );
    });
  });

  describe('the read replica (DATABASE_REPLICA_URL)', () => {
    const primary = 'postgres://hb:primary-pw@db-1:5432/hb';
    const replica = 'postgres://hb:replica-pw@db-2:5432/hb';

    it('is off by default, and names a PostgreSQL replica of a PostgreSQL primary', () => {
      expect(loadConfig({ DATABASE_URL: primary })).toMatchObject({ databaseReplicaMaxLagS: 5 });
      expect(loadConfig({ DATABASE_URL: primary }).databaseReplicaUrl).toBeUndefined();
      expect(loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: '' }).databaseReplicaUrl).toBeUndefined();
      expect(
        loadConfig({ DATABASE_URL: primary, DATABASE_REPLICA_URL: replica, DATABASE_REPLICA_MAX_LAG_S: '12' }),
      ).toMatchObject({ databaseReplicaUrl: replica, databaseReplicaMaxLagS: 12 });
    });

    it.each([
      [{ DATABASE_REPLICA_URL: replica }, /needs a PostgreSQL DATABASE_URL/],
      [{ DATABASE_URL: primary, DATABASE_REPLICA_URL: 'sqlite:./data/replica.sqlite' }, /must be a postgres:\/\/ URL/],
      [{ DATABASE_URL: primary, DATABASE_REPLICA_URL: primary }, /names the primary itself/],
      [{ DATABASE_URL: primary, DATABASE_REPLICA_URL: 'mysql://hb:replica-pw@db-2/hb' }, /DATABASE_REPLICA_URL/],
      [
        { DATABASE_URL: primary, DATABASE_REPLICA_URL: replica, DATABASE_REPLICA_MAX_LAG_S: '0' },
        /databaseReplicaMaxLagS/,
      ],
      [
        { DATABASE_URL: primary, DATABASE_REPLICA_URL: replica, DATABASE_REPLICA_MAX_LAG_S: 'soon' },
        /databaseReplicaMaxLagS/,
      ],
    ])('refuses %o, without showing a password', (env, message) => {
      expect(() => loadConfig(env)).toThrow(message);
      try {
        loadConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).not.toMatch(/primary-pw|replica-pw/);
      }
    });

    it('holds the replica to the primary’s TLS in production (ASVS V9.2.2)', () => {
      const tls = `${primary}?sslmode=verify-full`;
      const prod = { ...production(), DATABASE_URL: tls };
      expect(() => loadConfig({ ...prod, DATABASE_REPLICA_URL: replica })).toThrow(/TLS as DATABASE_URL does/);
      expect(() => loadConfig({ ...prod, DATABASE_REPLICA_URL: `${replica}?sslmode=require` })).toThrow(/TLS/);
      expect(loadConfig({ ...prod, DATABASE_REPLICA_URL: `${replica}?sslmode=verify-full` })).toMatchObject({
        environment: 'production',
        databaseReplicaUrl: `${replica}?sslmode=verify-full`,
      });
      // Outside production a replica on this machine without TLS is fine.
      expect(loadConfig({ DATABASE_URL: tls, DATABASE_REPLICA_URL: replica }).databaseReplicaUrl).toBe(replica);
    });
  });

  it('reads TRUSTED_PROXIES as addresses and ranges, default none', () => {
    expect(loadConfig({}).trustedProxies).toEqual([]);
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.7, 10.1.0.0/16,::1,loopback' }).trustedProxies).toEqual([
      '10.0.0.7',
      '10.1.0.0/16',
      '::1',
      'loopback',
    ]);
  });
});
