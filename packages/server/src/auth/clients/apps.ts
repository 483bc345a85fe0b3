import { randomBytes } from 'node:crypto';
import { type CategoryId, isCategoryId } from '@healthbank/records';
import { type Clock, systemClock } from '../../clock.js';
import type { Database } from '../../db/index.js';
import { type AppsTable, authKysely } from '../tables.js';
import { RegistryError } from './errors.js';
import { findOrganisation } from './organisations.js';
import { isPortalClient } from './portal.js';

/**
 * - `public`: an app on the citizen's device, which cannot keep a secret: PKCE + DPoP with a
 *   non-extractable key, no client authentication (RFC 9700 §2.1.1).
 * - `confidential`: an app backend that authenticates with `private_key_jwt` (FAPI 2.0 §5.3.2.1).
 */
export type ClientType = AppsTable['client_type'];
export type AppEnvironment = AppsTable['environment'];

export interface PublicJwks {
  keys: Record<string, unknown>[];
}

export interface App {
  clientId: string;
  organisationId: string;
  name: { 'zh-TW': string; en: string };
  /** Why the app wants the records, in the citizen's words: shown in the notices (PDPA Art. 8 ¶1 ②). */
  purpose: { 'zh-TW': string; en: string };
  privacyPolicyUrl: string;
  /** Customer-service contact: e-mail address, phone number or web page. */
  supportContact: string;
  redirectUris: string[];
  /** Public keys for `private_key_jwt`; confidential clients only. */
  jwks?: PublicJwks;
  clientType: ClientType;
  /** The categories the app may ask for; a request for any other is refused. */
  categories: CategoryId[];
  environment: AppEnvironment;
  status: AppsTable['status'];
  createdAt: number;
  /** Where the platform POSTs deletion requests (signed webhooks, docs/webhooks.md). */
  deletionWebhookUrl?: string;
  /** Public keys the app signs deletion receipts with; absent: its `jwks` (confidential clients). */
  receiptJwks?: PublicJwks;
}

export type AppInput = Omit<App, 'clientId' | 'status' | 'createdAt'> & { clientId?: string };

const CLIENT_ID = /^[a-z0-9][a-z0-9_-]{2,63}$/;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A redirect URI the registry accepts: absolute, https (plain http only to a loopback host, and
 * only for sandbox apps), no userinfo, no fragment (RFC 6749 §3.1.2, RFC 9700 §4.1.3 and FAPI 2.0
 * §5.3.2.2: redirect URIs are registered exactly and compared as strings; no patterns).
 */
export function redirectUriError(uri: string, environment: AppEnvironment): string | undefined {
  const url = URL.parse(uri);
  if (!url) return 'is not an absolute URL';
  if (url.href !== uri) return 'is not in normalised form';
  if (url.hash || uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain user information';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && environment === 'sandbox' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return environment === 'sandbox' ? 'must use https (or http to localhost)' : 'must use https';
}

function webUrlError(uri: string, environment: AppEnvironment): string | undefined {
  const url = URL.parse(uri);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) return 'is not a web URL';
  if (url.protocol === 'http:' && !(environment === 'sandbox' && LOOPBACK_HOSTS.has(url.hostname)))
    return 'must use https';
  return undefined;
}

/**
 * A deletion webhook URL: absolute https (plain http only to a loopback host in the sandbox), no
 * userinfo, no fragment. Where it may point is checked again at every delivery (`webhooks/ssrf.ts`).
 */
export function webhookUrlError(uri: string, environment: AppEnvironment): string | undefined {
  const url = URL.parse(uri);
  if (!url) return 'is not an absolute URL';
  if (url.hash || uri.includes('#')) return 'must not contain a fragment';
  if (url.username || url.password) return 'must not contain user information';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && environment === 'sandbox' && LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  return environment === 'sandbox' ? 'must use https (or http to localhost)' : 'must use https';
}

/** Receipts are verified with the receipt keys, else the client's keys: one of them must exist. */
function checkReceiptKeys(input: AppInput): void {
  if (input.deletionWebhookUrl === undefined) return;
  const error = webhookUrlError(input.deletionWebhookUrl, input.environment);
  if (error) throw new RegistryError('invalid_app', `deletion webhook URL ${error}`);
  const keys = input.receiptJwks?.keys ?? input.jwks?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new RegistryError(
      'invalid_jwks',
      'an app with a deletion webhook registers the keys its receipts are signed with',
    );
  }
  for (const key of input.receiptJwks?.keys ?? []) {
    if (!['EC', 'OKP'].includes(String(key.kty))) throw new RegistryError('invalid_jwks', 'unsupported key type');
    // ASVS V6.4: a private key sent to us is compromised; refuse it rather than store it.
    if ('d' in key || 'k' in key) throw new RegistryError('invalid_jwks', 'register public keys only');
  }
}

function checkJwks(input: AppInput): void {
  if (input.clientType === 'public') {
    if (input.jwks)
      throw new RegistryError('invalid_jwks', 'public clients do not authenticate, so they register no keys');
    return;
  }
  const keys = input.jwks?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new RegistryError(
      'invalid_jwks',
      'confidential clients register at least one public key for private_key_jwt',
    );
  }
  for (const key of keys) {
    if (!['EC', 'OKP', 'RSA'].includes(String(key.kty)))
      throw new RegistryError('invalid_jwks', 'unsupported key type');
    // ASVS V6.4: a private key sent to us is compromised; refuse it rather than store it.
    if ('d' in key || 'p' in key || 'k' in key) throw new RegistryError('invalid_jwks', 'register public keys only');
  }
}

function checkText(value: string, what: string, max: number): string {
  const text = value.trim();
  if (text.length === 0 || text.length > max)
    throw new RegistryError('invalid_app', `${what} must be 1–${max} characters`);
  return text;
}

/**
 * Registers an app (an OAuth client) of a registered organisation.
 *
 * @example
 * ```ts
 * await registerApp(db, {
 *   clientId: 'diabetes-diary', organisationId: org.id, clientType: 'public', environment: 'sandbox',
 *   name: { 'zh-TW': '糖尿病日記', en: 'Diabetes Diary' }, purpose: { 'zh-TW': '…', en: '…' },
 *   privacyPolicyUrl: 'https://diary.example/privacy', supportContact: 'help@diary.example',
 *   redirectUris: ['https://diary.example/callback'], categories: ['lab', 'outpatient'],
 * });
 * ```
 */
export async function registerApp(db: Database, input: AppInput, clock: Clock = systemClock): Promise<App> {
  const clientId = input.clientId ?? `app_${randomBytes(12).toString('hex')}`;
  if (!CLIENT_ID.test(clientId)) throw new RegistryError('invalid_app', 'client_id must be 3–64 of a-z, 0-9, - and _');
  // The citizen portal's static client would shadow an app of the same id (see portal.ts).
  if (isPortalClient(clientId)) throw new RegistryError('duplicate_client_id', 'client_id is reserved by the platform');
  if (input.clientType !== 'public' && input.clientType !== 'confidential') {
    throw new RegistryError('invalid_app', 'client type must be public or confidential');
  }
  if (input.environment !== 'sandbox' && input.environment !== 'production') {
    throw new RegistryError('invalid_app', 'environment must be sandbox or production');
  }
  const app: App = {
    clientId,
    organisationId: input.organisationId,
    name: {
      'zh-TW': checkText(input.name['zh-TW'], 'Chinese name', 100),
      en: checkText(input.name.en, 'English name', 100),
    },
    purpose: {
      'zh-TW': checkText(input.purpose['zh-TW'], 'Chinese purpose', 500),
      en: checkText(input.purpose.en, 'English purpose', 500),
    },
    privacyPolicyUrl: input.privacyPolicyUrl,
    supportContact: checkText(input.supportContact, 'customer-service contact', 200),
    redirectUris: [...new Set(input.redirectUris)],
    clientType: input.clientType,
    categories: [...new Set(input.categories)],
    environment: input.environment,
    status: 'active',
    createdAt: clock.now(),
  };
  if (input.jwks) app.jwks = input.jwks;
  if (input.deletionWebhookUrl !== undefined) app.deletionWebhookUrl = input.deletionWebhookUrl;
  if (input.receiptJwks) app.receiptJwks = input.receiptJwks;
  const policyError = webUrlError(app.privacyPolicyUrl, app.environment);
  if (policyError) throw new RegistryError('invalid_app', `privacy policy URL ${policyError}`);
  if (app.redirectUris.length === 0 || app.redirectUris.length > 10) {
    throw new RegistryError('invalid_redirect_uri', 'register 1–10 redirect URIs');
  }
  for (const uri of app.redirectUris) {
    const error = redirectUriError(uri, app.environment);
    if (error) throw new RegistryError('invalid_redirect_uri', `redirect URI ${uri} ${error}`);
  }
  if (app.categories.length === 0 || !app.categories.every((c) => isCategoryId(c))) {
    throw new RegistryError('invalid_app', 'categories must name at least one known category');
  }
  checkJwks(input);
  checkReceiptKeys(input);
  if (!(await findOrganisation(db, app.organisationId))) {
    throw new RegistryError('unknown_organisation', 'the organisation is not registered');
  }
  const kysely = authKysely(db);
  if (await kysely.selectFrom('apps').select('client_id').where('client_id', '=', clientId).executeTakeFirst()) {
    throw new RegistryError('duplicate_client_id', 'an app with this client_id is already registered');
  }
  await kysely
    .insertInto('apps')
    .values({
      client_id: app.clientId,
      organisation_id: app.organisationId,
      name_zh: app.name['zh-TW'],
      name_en: app.name.en,
      purpose_zh: app.purpose['zh-TW'],
      purpose_en: app.purpose.en,
      privacy_policy_url: app.privacyPolicyUrl,
      support_contact: app.supportContact,
      redirect_uris: JSON.stringify(app.redirectUris),
      jwks: app.jwks ? JSON.stringify(app.jwks) : null,
      client_type: app.clientType,
      categories: JSON.stringify(app.categories),
      environment: app.environment,
      status: app.status,
      created_at: app.createdAt,
      updated_at: app.createdAt,
      deletion_webhook_url: app.deletionWebhookUrl ?? null,
      receipt_jwks: app.receiptJwks ? JSON.stringify(app.receiptJwks) : null,
    })
    .execute();
  return app;
}

/** The app with this client_id, active or suspended, or undefined. */
const CLIENT_ID_CHARS = /^[\x20-\x7e]{1,255}$/;

export async function findApp(db: Database, clientId: string): Promise<App | undefined> {
  // A client id is visible ASCII (RFC 6749 Appendix A.1); anything else names no app, and a NUL
  // would make PostgreSQL refuse the query (found by security/fuzz.int.test.ts).
  if (!CLIENT_ID_CHARS.test(clientId)) return undefined;
  const row = await authKysely(db).selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  if (!row) return undefined;
  const app: App = {
    clientId: row.client_id,
    organisationId: row.organisation_id,
    name: { 'zh-TW': row.name_zh, en: row.name_en },
    purpose: { 'zh-TW': row.purpose_zh, en: row.purpose_en },
    privacyPolicyUrl: row.privacy_policy_url,
    supportContact: row.support_contact,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    clientType: row.client_type,
    categories: JSON.parse(row.categories) as CategoryId[],
    environment: row.environment,
    status: row.status,
    createdAt: Number(row.created_at),
  };
  if (row.jwks !== null) app.jwks = JSON.parse(row.jwks) as PublicJwks;
  if (row.deletion_webhook_url !== null) app.deletionWebhookUrl = row.deletion_webhook_url;
  if (row.receipt_jwks !== null) app.receiptJwks = JSON.parse(row.receipt_jwks) as PublicJwks;
  return app;
}

/** Suspends or resumes an app; a suspended app's clients are unknown to the authorization server. */
export async function setAppStatus(
  db: Database,
  clientId: string,
  status: App['status'],
  clock: Clock = systemClock,
): Promise<void> {
  await authKysely(db)
    .updateTable('apps')
    .set({ status, updated_at: clock.now() })
    .where('client_id', '=', clientId)
    .execute();
}
