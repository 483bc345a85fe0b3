/**
 * One typed configuration, read from the environment and validated once at start (STYLE habit 5).
 * Production refuses development settings: an insecure default there is a defect, not a warning.
 */
import * as z from 'zod';
import { DEFAULT_AUDIT_RETENTION_YEARS } from '../audit/limits.js';
import { DatabaseError } from '../db/errors.js';
import { type DatabaseTarget, DEFAULT_DATABASE_URL, parseDatabaseUrl } from '../db/url.js';
import {
  assertProductionExportKeys,
  EXPORT_SIGNING_KEYS_ENV,
  ExportKeyError,
  exportSigningKeysSchema,
  parseExportSigningKeys,
} from '../export/keys.js';
import {
  assertProductionWebhookKeys,
  parseWebhookSigningKeys,
  WEBHOOK_SIGNING_KEYS_ENV,
  WebhookKeyError,
  webhookSigningKeysSchema,
} from '../webhooks/keys.js';
import { ENVIRONMENTS, type Environment, environmentOf, isLoopbackHost } from './environment.js';
import { parseTrustedProxies } from './proxies.js';
import { developmentSigningKeys, signingKeysSchema, usesDevelopmentKey } from './signing-keys.js';

export { ENVIRONMENTS, type Environment } from './environment.js';

/**
 * The development secret is public (it is in this file), so anything derived from it (CSRF tokens,
 * cookie signatures, pairwise subjects) is forgeable: production refuses it.
 */
export const DEVELOPMENT_SECRET = 'healthbank-development-secret-not-for-production-use';

const schema = z.object({
  environment: z.enum(ENVIRONMENTS),
  databaseUrl: z.string().min(1),
  /**
   * A PostgreSQL streaming replica of `DATABASE_URL` (`DATABASE_REPLICA_URL`) that record reads
   * may use (db/replica.ts); only with a PostgreSQL `DATABASE_URL`. Unset: every read on the primary.
   */
  databaseReplicaUrl: z.string().min(1).optional(),
  /**
   * Seconds the replica may be behind the primary and still serve reads
   * (`DATABASE_REPLICA_MAX_LAG_S`, default 5); further behind, reads go to the primary.
   */
  databaseReplicaMaxLagS: z.coerce.number().int().min(1).max(3600),
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65_535),
  /** The public origin citizens and apps reach us at; the OAuth issuer derives from it. */
  publicUrl: z.url({ protocol: /^https?$/ }),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Synthetic citizens to seed into an empty sandbox database at start. */
  sandboxCitizens: z.coerce.number().int().min(0).max(1_000_000),
  /**
   * A sandbox holds synthetic citizens only: it offers the persona picker and shows one-time codes
   * on the page. On by default outside production.
   */
  sandbox: z.boolean(),
  /** Root secret for keyed derivations (CSRF, cookies, pairwise subjects); ≥ 32 characters. */
  secret: z.string().min(32),
  /**
   * The private JWK Set the platform signs with (`HEALTHBANK_SIGNING_JWKS`, JSON). Outside
   * production it defaults to a published development key, which production refuses.
   */
  signingKeys: signingKeysSchema,
  /**
   * The private JWK Set export files are signed with (`HEALTHBANK_EXPORT_SIGNING_KEYS`, JSON; the
   * first key signs, every key is published). Outside production it defaults to published
   * development keys, which production refuses.
   */
  exportSigningKeys: exportSigningKeysSchema,
  /**
   * The private Ed25519 JWK Set webhooks (deletion requests) are signed with
   * (`HEALTHBANK_WEBHOOK_SIGNING_KEYS`, JSON; the first key signs, every key is published). Outside
   * production it defaults to a published development key, which production refuses.
   */
  webhookSigningKeys: webhookSigningKeysSchema,
  /**
   * The sandbox realm served beside production: its own origin (`SANDBOX_PUBLIC_URL`, and the port
   * it listens on, `SANDBOX_PORT`), issuer and keys (`HEALTHBANK_SANDBOX_SIGNING_JWKS`,
   * `HEALTHBANK_SANDBOX_EXPORT_SIGNING_KEYS`), synthetic citizens and sandbox clients only. On by
   * default outside production (at 127.0.0.1, the next port: another host, so no cookie is shared
   * with production on localhost); in production only when `SANDBOX_PUBLIC_URL` is set.
   */
  sandboxRealm: z
    .object({
      publicUrl: z.url({ protocol: /^https?$/ }),
      port: z.coerce.number().int().min(0).max(65_535),
      signingKeys: signingKeysSchema,
      exportSigningKeys: exportSigningKeysSchema,
    })
    .optional(),
  /** Days an app has to send a deletion receipt before the request is overdue (`DELETION_RECEIPT_DAYS`). */
  deletionReceiptDays: z.coerce.number().int().min(1).max(365),
  /**
   * Years audit entries are kept before pruning (`AUDIT_RETENTION_YEARS`, default 6: the
   * specification's period). Production refuses less than that (ASVS V16.4.3: retention is a
   * decision, not an accident of a setting).
   */
  auditRetentionYears: z.coerce.number().int().min(1).max(100),
  /**
   * Requests per minute one client address may make to each OAuth endpoint that takes a
   * credential or creates state (token, PAR, revocation, introspection); ASVS V11.1.4.
   */
  oauthRateLimit: z.coerce.number().int().min(1).max(1_000_000),
  /**
   * Admission control (health/admission.ts): requests in progress at once, and the event-loop
   * delay (ms, p99 over the last second) above which new requests are shed with 503; 0 turns the
   * delay signal off (the default: work that blocks the loop on purpose, such as seeding a sandbox
   * in-process, would otherwise shed the requests after it).
   */
  maxInFlight: z.coerce.number().int().min(1).max(100_000),
  maxEventLoopDelayMs: z.coerce.number().int().min(0).max(60_000),
  /**
   * Addresses (IPs, CIDR ranges, or proxy-addr's `loopback`/`linklocal`/`uniquelocal`) of the
   * TLS-terminating proxies whose `X-Forwarded-*` headers are believed (`TRUSTED_PROXIES`).
   */
  trustedProxies: z.array(z.string()),
  /** How one-time sign-in codes reach citizens besides the sandbox page; production needs one. */
  messaging: z.object({
    /** E-mail over SMTP (`SMTP_URL`, `smtp://` or `smtps://`), from `SMTP_FROM`. */
    smtp: z.object({ url: z.url({ protocol: /^smtps?$/ }), from: z.string().min(3) }).optional(),
    /** An SMS gateway behind an HTTP hook (`SMS_WEBHOOK_URL`), requests signed with `SMS_WEBHOOK_SECRET`. */
    sms: z.object({ url: z.url({ protocol: /^https?$/ }), secret: z.string().min(32) }).optional(),
  }),
  /**
   * Sign-in through an upstream OpenID Connect identity provider (a government digital-identity
   * service), the citizen matched by a national ID claim. Off when `UPSTREAM_OIDC_ISSUER` is unset.
   */
  upstreamOidc: z
    .object({
      issuer: z.url({ protocol: /^https?$/ }),
      clientId: z.string().min(1),
      /** Private JWK Set for `private_key_jwt` client authentication at the upstream provider. */
      jwks: signingKeysSchema,
      /** The ID token claim that carries the national ID. */
      nationalIdClaim: z.string().min(1),
      scope: z.string().min(1),
      /** The button's label: the provider's name as citizens know it. */
      name: z.object({ 'zh-TW': z.string().min(1), en: z.string().min(1) }),
    })
    .optional(),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Production sheds new requests while the event loop lags more than this (`health/admission.ts`):
 * the open-loop benchmark (`bench/load.ts`) shows the in-flight cap alone lets a CPU-bound process
 * queue requests in its sockets for tens of seconds under three times its load. Off elsewhere: a
 * test that seeds in its own process lags on purpose.
 */
export const PRODUCTION_MAX_EVENT_LOOP_DELAY_MS = 100;

/**
 * Builds the configuration from environment variables (`process.env` by default) and explicit
 * overrides (command-line flags win over the environment).
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  let environment: Environment;
  let trustedProxies: string[];
  try {
    environment = overrides.environment ?? environmentOf(env.NODE_ENV);
    trustedProxies = overrides.trustedProxies ?? parseTrustedProxies(env.TRUSTED_PROXIES);
  } catch (error) {
    throw new ConfigError(`invalid configuration: ${(error as Error).message}`);
  }
  const port = overrides.port ?? env.PORT ?? 3000;
  const host = overrides.host ?? env.HOST ?? (environment === 'production' ? '0.0.0.0' : '127.0.0.1');
  const candidate = {
    environment,
    databaseUrl: overrides.databaseUrl ?? env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    databaseReplicaUrl:
      'databaseReplicaUrl' in overrides ? overrides.databaseReplicaUrl : env.DATABASE_REPLICA_URL || undefined,
    databaseReplicaMaxLagS: overrides.databaseReplicaMaxLagS ?? env.DATABASE_REPLICA_MAX_LAG_S ?? 5,
    host,
    port,
    publicUrl: overrides.publicUrl ?? env.PUBLIC_URL ?? `http://localhost:${port}`,
    logLevel: overrides.logLevel ?? env.LOG_LEVEL ?? (environment === 'test' ? 'silent' : 'info'),
    sandboxCitizens: overrides.sandboxCitizens ?? env.HEALTHBANK_SANDBOX_CITIZENS ?? 1000,
    secret: overrides.secret ?? env.HEALTHBANK_SECRET ?? DEVELOPMENT_SECRET,
    sandbox: overrides.sandbox ?? sandboxFrom(env.HEALTHBANK_SANDBOX, environment),
    signingKeys:
      overrides.signingKeys ??
      parseJson(env.HEALTHBANK_SIGNING_JWKS, 'HEALTHBANK_SIGNING_JWKS') ??
      developmentSigningKeys(),
    oauthRateLimit: overrides.oauthRateLimit ?? env.HEALTHBANK_OAUTH_RATE_LIMIT ?? 300,
    maxInFlight: overrides.maxInFlight ?? env.HEALTHBANK_MAX_IN_FLIGHT ?? 256,
    maxEventLoopDelayMs:
      overrides.maxEventLoopDelayMs ??
      env.HEALTHBANK_MAX_EVENT_LOOP_DELAY_MS ??
      (environment === 'production' ? PRODUCTION_MAX_EVENT_LOOP_DELAY_MS : 0),
    exportSigningKeys: overrides.exportSigningKeys ?? exportKeysFrom(env[EXPORT_SIGNING_KEYS_ENV]),
    webhookSigningKeys: overrides.webhookSigningKeys ?? webhookKeysFrom(env[WEBHOOK_SIGNING_KEYS_ENV]),
    deletionReceiptDays: overrides.deletionReceiptDays ?? env.DELETION_RECEIPT_DAYS ?? 30,
    auditRetentionYears: overrides.auditRetentionYears ?? env.AUDIT_RETENTION_YEARS ?? DEFAULT_AUDIT_RETENTION_YEARS,
    trustedProxies,
    messaging: overrides.messaging ?? messagingFrom(env),
    upstreamOidc: 'upstreamOidc' in overrides ? overrides.upstreamOidc : upstreamOidcFrom(env),
    sandboxRealm:
      'sandboxRealm' in overrides ? overrides.sandboxRealm : sandboxRealmFrom(env, environment, Number(port)),
  };
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const config = parsed.data;
  if (config.databaseReplicaUrl) assertReplica(config, config.databaseReplicaUrl);
  if (config.environment === 'production') assertProductionReady(config);
  else assertDevelopmentContained(config);
  return config;
}

/**
 * `DATABASE_REPLICA_URL` names a PostgreSQL server other than `DATABASE_URL`, which must be
 * PostgreSQL too (streaming replication is PostgreSQL's; SQLite has nothing to replicate to).
 * Messages name the URL only with its password masked (ASVS V7.1.1: no credentials in logs).
 */
function assertReplica(config: Config, replicaUrl: string): void {
  let replica: DatabaseTarget;
  try {
    replica = parseDatabaseUrl(replicaUrl);
  } catch (error) {
    if (error instanceof DatabaseError)
      throw new ConfigError(`invalid configuration: DATABASE_REPLICA_URL: ${error.message}`);
    throw error;
  }
  if (replica.dialect !== 'postgres') {
    throw new ConfigError('DATABASE_REPLICA_URL must be a postgres:// URL: a streaming replica of DATABASE_URL');
  }
  if (!/^postgres(ql)?:\/\//i.test(config.databaseUrl.trim())) {
    throw new ConfigError('DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL (the primary it replicates)');
  }
  if (replicaUrl.trim() === config.databaseUrl.trim()) {
    throw new ConfigError('DATABASE_REPLICA_URL names the primary itself: name its replica, or leave it unset');
  }
  if (config.environment === 'production' && tlsLevel(replicaUrl) < tlsLevel(config.databaseUrl)) {
    // Records are health data: the replica's connection is held to the primary's TLS (ASVS V9.2.2).
    throw new ConfigError('production requires DATABASE_REPLICA_URL to use TLS as DATABASE_URL does (its sslmode)');
  }
}

/** How strictly a PostgreSQL URL asks for TLS: libpq's `sslmode` order (0 none … 3 verify-full). */
function tlsLevel(url: string): number {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return 0;
  }
  const mode = params.get('sslmode');
  if (mode) return { require: 1, 'verify-ca': 2, 'verify-full': 3 }[mode] ?? 0;
  return params.get('ssl') === 'true' || params.get('ssl') === '1' ? 1 : 0;
}

/**
 * Development and test run on published secrets and keys with a persona picker, so they serve
 * this machine alone: a development server on a public interface is one sign-in away from being
 * anyone (ASVS V14.1; see `environment.ts`).
 */
function assertDevelopmentContained(config: Config): void {
  if (!isLoopbackHost(config.host)) {
    throw new ConfigError(
      `${config.environment} settings listen on loopback only (HOST=${config.host}); ` +
        'set NODE_ENV=production with real secrets and keys to serve other hosts',
    );
  }
  const upstream = config.upstreamOidc && new URL(config.upstreamOidc.issuer);
  if (upstream?.protocol === 'http:' && !isLoopbackHost(upstream.hostname)) {
    // OIDC Core §16.17: plain HTTP only to a provider on this machine (tests), never across a network.
    throw new ConfigError('UPSTREAM_OIDC_ISSUER may use http:// only on loopback');
  }
}

/** ASVS V14.1 (build and deploy): production must not run on development defaults. */
function assertProductionReady(config: Config): void {
  if (!config.publicUrl.startsWith('https://')) {
    // RFC 9700 §4.1 / FAPI 2.0 §5.2.2: authorization servers are reached over TLS only.
    throw new ConfigError('production requires PUBLIC_URL to be an https:// URL');
  }
  if (config.secret === DEVELOPMENT_SECRET) {
    // ASVS V6.4.1: secrets come from the deployment, never from source code.
    throw new ConfigError('production requires HEALTHBANK_SECRET (the development secret is public)');
  }
  if (config.auditRetentionYears < DEFAULT_AUDIT_RETENTION_YEARS) {
    throw new ConfigError(
      `production keeps the audit log at least ${DEFAULT_AUDIT_RETENTION_YEARS} years (AUDIT_RETENTION_YEARS=${config.auditRetentionYears})`,
    );
  }
  if (config.sandbox) {
    // A sandbox signs anyone in as a persona and shows codes on the page: never with real citizens.
    throw new ConfigError('production refuses HEALTHBANK_SANDBOX: a sandbox signs anyone in as a persona');
  }
  if (config.sandboxRealm) assertSeparateSandbox(config, config.sandboxRealm);
  if (!config.messaging.smtp && !config.messaging.sms) {
    // Codes in a log reach nobody but the operator (ASVS V2.7.x: out-of-band codes need a real channel).
    throw new ConfigError('production requires SMTP_URL or SMS_WEBHOOK_URL to deliver one-time sign-in codes');
  }
  if (config.messaging.sms && !config.messaging.sms.url.startsWith('https://')) {
    throw new ConfigError('production requires SMS_WEBHOOK_URL to be an https:// URL');
  }
  if (config.upstreamOidc && !config.upstreamOidc.issuer.startsWith('https://')) {
    // OIDC Core §16.17 / RFC 9700 §4.1: identity assertions travel over TLS only.
    throw new ConfigError('production requires UPSTREAM_OIDC_ISSUER to be an https:// URL');
  }
  if (config.databaseUrl.startsWith('sqlite:')) {
    throw new ConfigError('production requires DATABASE_URL to point at PostgreSQL');
  }
  if (usesDevelopmentKey(config.signingKeys)) {
    // ASVS V6.4.1: the development signing key is published in the source, so tokens and export
    // files it signs prove nothing.
    throw new ConfigError('production requires HEALTHBANK_SIGNING_JWKS (the development signing key is public)');
  }
  try {
    // The same for export files: a published key would let anyone forge a citizen's records.
    assertProductionExportKeys(config.exportSigningKeys);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  try {
    // Webhooks tell apps to delete a citizen's data: a published key would let anyone order it.
    assertProductionWebhookKeys(config.webhookSigningKeys);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/**
 * Production's sandbox is reached over TLS at an origin of its own, with keys of its own: a
 * sandbox token or file must never verify as production's (issue 11; FAPI 2.0 §5.2.2 TLS).
 */
function assertSeparateSandbox(config: Config, sandbox: NonNullable<Config['sandboxRealm']>): void {
  if (!sandbox.publicUrl.startsWith('https://'))
    throw new ConfigError('production requires SANDBOX_PUBLIC_URL to be an https:// URL');
  if (new URL(sandbox.publicUrl).origin === new URL(config.publicUrl).origin) {
    throw new ConfigError('SANDBOX_PUBLIC_URL must be another origin than PUBLIC_URL');
  }
  const secrets = (set: { keys: { d?: unknown }[] }) => set.keys.map((k) => k.d).filter((d) => d !== undefined);
  const production = new Set([...secrets(config.signingKeys), ...secrets(config.exportSigningKeys)]);
  const shared = [...secrets(sandbox.signingKeys), ...secrets(sandbox.exportSigningKeys)].some((d) =>
    production.has(d),
  );
  if (shared || usesDevelopmentKey(sandbox.signingKeys)) {
    throw new ConfigError(
      'production requires HEALTHBANK_SANDBOX_SIGNING_JWKS and HEALTHBANK_SANDBOX_EXPORT_SIGNING_KEYS of its own (not production’s, not the development keys)',
    );
  }
}

function sandboxRealmFrom(env: Record<string, string | undefined>, environment: Environment, port: number): unknown {
  const sandboxPort = env.SANDBOX_PORT ?? (port === 0 ? 0 : port + 1);
  if (environment === 'production') {
    if (!env.SANDBOX_PUBLIC_URL) return undefined;
    if (!env[SANDBOX_EXPORT_SIGNING_KEYS_ENV]) {
      throw new ConfigError(`invalid configuration: SANDBOX_PUBLIC_URL needs ${SANDBOX_EXPORT_SIGNING_KEYS_ENV}`);
    }
    return {
      publicUrl: env.SANDBOX_PUBLIC_URL,
      port: sandboxPort,
      signingKeys: parseJson(env.HEALTHBANK_SANDBOX_SIGNING_JWKS, 'HEALTHBANK_SANDBOX_SIGNING_JWKS'),
      exportSigningKeys: exportKeysFrom(env[SANDBOX_EXPORT_SIGNING_KEYS_ENV]),
    };
  }
  if (env.HEALTHBANK_SANDBOX === 'false') return undefined;
  return {
    publicUrl: env.SANDBOX_PUBLIC_URL ?? `http://127.0.0.1:${sandboxPort}`,
    port: sandboxPort,
    signingKeys:
      parseJson(env.HEALTHBANK_SANDBOX_SIGNING_JWKS, 'HEALTHBANK_SANDBOX_SIGNING_JWKS') ?? developmentSigningKeys(),
    exportSigningKeys: exportKeysFrom(env[SANDBOX_EXPORT_SIGNING_KEYS_ENV]),
  };
}

const SANDBOX_EXPORT_SIGNING_KEYS_ENV = 'HEALTHBANK_SANDBOX_EXPORT_SIGNING_KEYS';

function sandboxFrom(value: string | undefined, environment: Environment): boolean {
  if (value === undefined || value === '') return environment !== 'production';
  if (value === 'true' || value === 'false') return value === 'true';
  throw new ConfigError('invalid configuration: HEALTHBANK_SANDBOX must be true or false');
}

function messagingFrom(env: Record<string, string | undefined>): Config['messaging'] {
  const messaging: Record<string, unknown> = {};
  if (env.SMTP_URL) {
    const host = hostOf(env.PUBLIC_URL) ?? 'localhost';
    messaging.smtp = { url: env.SMTP_URL, from: env.SMTP_FROM ?? `健康存摺 <no-reply@${host}>` };
  }
  if (env.SMS_WEBHOOK_URL || env.SMS_WEBHOOK_SECRET) {
    messaging.sms = { url: env.SMS_WEBHOOK_URL ?? '', secret: env.SMS_WEBHOOK_SECRET ?? '' };
  }
  return messaging as Config['messaging'];
}

const UPSTREAM_OIDC_VARIABLES = [
  'UPSTREAM_OIDC_ISSUER',
  'UPSTREAM_OIDC_CLIENT_ID',
  'UPSTREAM_OIDC_JWKS',
  'UPSTREAM_OIDC_NATIONAL_ID_CLAIM',
  'UPSTREAM_OIDC_SCOPE',
  'UPSTREAM_OIDC_NAME',
  'UPSTREAM_OIDC_NAME_EN',
] as const;

function upstreamOidcFrom(env: Record<string, string | undefined>): unknown {
  // Any one of the variables turns it on, so a half-written configuration is an error, not silence.
  if (!UPSTREAM_OIDC_VARIABLES.some((name) => env[name])) return undefined;
  return {
    issuer: env.UPSTREAM_OIDC_ISSUER ?? '',
    clientId: env.UPSTREAM_OIDC_CLIENT_ID ?? '',
    jwks: parseJson(env.UPSTREAM_OIDC_JWKS, 'UPSTREAM_OIDC_JWKS') ?? { keys: [] },
    nationalIdClaim: env.UPSTREAM_OIDC_NATIONAL_ID_CLAIM ?? 'national_id',
    scope: env.UPSTREAM_OIDC_SCOPE ?? 'openid',
    name: {
      'zh-TW': env.UPSTREAM_OIDC_NAME ?? '政府數位身分',
      en: env.UPSTREAM_OIDC_NAME_EN ?? 'Government digital identity',
    },
  };
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).hostname : undefined;
  } catch {
    return undefined;
  }
}

function exportKeysFrom(json: string | undefined): unknown {
  try {
    return parseExportSigningKeys(json);
  } catch (error) {
    if (error instanceof ExportKeyError) throw new ConfigError(`invalid configuration: ${error.message}`);
    throw error;
  }
}

function webhookKeysFrom(json: string | undefined): unknown {
  try {
    return parseWebhookSigningKeys(json);
  } catch (error) {
    if (error instanceof WebhookKeyError) throw new ConfigError(`invalid configuration: ${error.message}`);
    throw error;
  }
}

function parseJson(text: string | undefined, name: string): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ConfigError(`invalid configuration: ${name} is not valid JSON`);
  }
}
