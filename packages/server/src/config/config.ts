/**
 * One typed configuration, read from the environment and validated once at start (STYLE habit 5).
 * Production refuses development settings: an insecure default there is a defect, not a warning.
 */
import * as z from 'zod';
import { DEFAULT_DATABASE_URL } from '../db/url.js';
import {
  assertProductionExportKeys,
  EXPORT_SIGNING_KEYS_ENV,
  ExportKeyError,
  exportSigningKeysSchema,
  parseExportSigningKeys,
} from '../export/keys.js';
import { developmentSigningKeys, signingKeysSchema, usesDevelopmentKey } from './signing-keys.js';

export const ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * The development secret is public (it is in this file), so anything derived from it (CSRF tokens,
 * cookie signatures, pairwise subjects) is forgeable: production refuses it.
 */
export const DEVELOPMENT_SECRET = 'healthbank-development-secret-not-for-production-use';

const schema = z.object({
  environment: z.enum(ENVIRONMENTS),
  databaseUrl: z.string().min(1),
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
   * Requests per minute one client address may make to each OAuth endpoint that takes a
   * credential or creates state (token, PAR, revocation, introspection); ASVS V11.1.4.
   */
  oauthRateLimit: z.coerce.number().int().min(1).max(1_000_000),
});

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Builds the configuration from environment variables (`process.env` by default) and explicit
 * overrides (command-line flags win over the environment).
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Config> = {},
): Config {
  const environment = (
    env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development'
  ) as Environment;
  const port = overrides.port ?? env.PORT ?? 3000;
  const host = overrides.host ?? env.HOST ?? (environment === 'production' ? '0.0.0.0' : '127.0.0.1');
  const candidate = {
    environment,
    databaseUrl: overrides.databaseUrl ?? env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    host,
    port,
    publicUrl: overrides.publicUrl ?? env.PUBLIC_URL ?? `http://localhost:${port}`,
    logLevel: overrides.logLevel ?? env.LOG_LEVEL ?? (environment === 'test' ? 'silent' : 'info'),
    sandboxCitizens: overrides.sandboxCitizens ?? env.HEALTHBANK_SANDBOX_CITIZENS ?? 1000,
    secret: overrides.secret ?? env.HEALTHBANK_SECRET ?? DEVELOPMENT_SECRET,
    sandbox:
      overrides.sandbox ??
      (env.HEALTHBANK_SANDBOX === undefined ? environment !== 'production' : env.HEALTHBANK_SANDBOX === 'true'),
    signingKeys:
      overrides.signingKeys ??
      parseJson(env.HEALTHBANK_SIGNING_JWKS, 'HEALTHBANK_SIGNING_JWKS') ??
      developmentSigningKeys(),
    oauthRateLimit: overrides.oauthRateLimit ?? env.HEALTHBANK_OAUTH_RATE_LIMIT ?? 300,
    exportSigningKeys: overrides.exportSigningKeys ?? exportKeysFrom(env[EXPORT_SIGNING_KEYS_ENV]),
  };
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const config = parsed.data;
  if (config.environment === 'production') assertProductionReady(config);
  return config;
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
}

function exportKeysFrom(json: string | undefined): unknown {
  try {
    return parseExportSigningKeys(json);
  } catch (error) {
    if (error instanceof ExportKeyError) throw new ConfigError(`invalid configuration: ${error.message}`);
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
