/**
 * The authorization server: panva's oidc-provider (OpenID-certified, FAPI 2.0 profile support),
 * configured so that every client gets the FAPI 2.0 Security Profile baseline. Each choice below
 * names the clause it implements.
 */
import { CATEGORIES } from '@healthbank/records';
import Provider, { type Configuration, errors } from 'oidc-provider';
import { type Clock, systemClock } from '../../clock.js';
import type { Config } from '../../config/config.js';
import type { Consent } from '../../consent/model.js';
import { findConsentByGrant } from '../../consent/repository.js';
import type { Database } from '../../db/index.js';
import {
  CONSENT_DURATION_PARAM,
  CONSENT_PERIOD_PARAM,
  checkConsentDuration,
  checkConsentPeriod,
  exportDiscoveryMetadata,
} from '../../export/metadata.js';
import { kyselyAdapter, useAtomicReplayDetection } from '../adapter.js';
import { portalClientMetadata } from '../clients/portal.js';
import { issuedAtProblem, MAX_FUTURE_SKEW_S, notBeforeProblem } from '../jwt-time.js';
import { authKysely } from '../tables.js';
import { refuseForeignKeyBeforeConsuming } from './code-binding.js';
import { allowsCorsFrom } from './cors.js';
import { pairwiseSubject } from './pairwise.js';
import { renderProviderError } from './render-error.js';
import { authorizationRequestPolicy, EXPORT_KEY_PARAM } from './request-policy.js';
import { exportResourceOf, issuerOf, OAUTH_ROUTES } from './routes.js';
import { deriveKey } from './secrets.js';
import {
  ACCESS_TOKEN_TTL,
  AUTHORIZATION_CODE_TTL,
  accessTokenTtl,
  FALLBACK_GRANT_TTL,
  ID_TOKEN_TTL,
  INTERACTION_TTL,
  refreshTokenTtl,
  SESSION_TTL,
} from './ttl.js';

export interface ProviderOptions {
  config: Config;
  db: Database;
  clock?: Clock;
}

/** FAPI 2.0 §5.4: PS256, ES256 and EdDSA only (no RS256, no "none", no HMAC). */
const FAPI_ALGS = ['ES256', 'PS256', 'EdDSA'] as const;

/** What the discovery document and docs/ call this server's profile. */
export const SECURITY_PROFILE = 'FAPI 2.0 baseline, with public DPoP-bound clients for on-device apps';

/** The longest a client assertion may be valid (seconds). */
const MAX_ASSERTION_LIFETIME = 300;

/** Every `records.*` scope, i.e. every category of the export API. */
export const RECORD_SCOPES = CATEGORIES.map((c) => c.scope);

/** Builds the configured provider; `mountProvider` puts it in the Fastify app. */
export function createProvider({ config, db, clock = systemClock }: ProviderOptions): Provider {
  const issuer = issuerOf(config);
  const resource = exportResourceOf(config);
  const kysely = authKysely(db);
  // A token request asks for its grant's consent three times (does its citizen exist? may it have
  // a refresh token? which consent does the access token carry?); it is read once per request.
  const consentsByRequest = new WeakMap<object, { grantId: string; consent: Promise<Consent | undefined> }>();
  const consentOf = (ctx: object, grantId: string) => {
    let read = consentsByRequest.get(ctx);
    if (read?.grantId !== grantId) {
      read = { grantId, consent: findConsentByGrant(db, grantId) };
      consentsByRequest.set(ctx, read);
    }
    return read.consent;
  };

  const configuration: Configuration = {
    adapter: kyselyAdapter({ db, clock, realm: config.sandbox ? 'sandbox' : 'production' }),
    // The citizen portal signs citizens in through this server like any client (`clients/portal.ts`).
    clients: [portalClientMetadata(issuer)],
    jwks: { keys: config.signingKeys.keys as NonNullable<Configuration['jwks']>['keys'] },
    routes: OAUTH_ROUTES,

    async findAccount(ctx, sub, token) {
      // The account id is the citizen's internal id; it never leaves the platform (apps get the
      // pairwise subject), and the ID token carries nothing but that subject (data minimisation,
      // PDPA Art. 5).
      if (!/^\d{1,12}$/.test(sub)) return undefined;
      const account = { accountId: sub, claims: () => ({ sub }) };
      // At the token endpoint the grant's consent (read once per request anyway) vouches for the
      // citizen: a consent row cannot outlive its citizen (foreign key, ON DELETE CASCADE).
      const grantId = token && 'grantId' in token ? token.grantId : undefined;
      if (typeof grantId === 'string' && String((await consentOf(ctx, grantId))?.citizenId) === sub) return account;
      // The realm's citizens only: production never has a synthetic account, the sandbox never a real one.
      const citizen = await kysely
        .selectFrom('citizens')
        .select('id')
        .where('id', '=', Number(sub))
        .where('synthetic', '=', config.sandbox ? 1 : 0)
        .executeTakeFirst();
      return citizen ? account : undefined;
    },

    features: {
      // FAPI 2.0 Security Profile for every client: PKCE required, redirect_uri required, client
      // assertion `aud` must be the issuer (FAPI 2.0 §5.3.2.1, §5.3.2.2).
      fapi: { enabled: true, profile: '2.0' },
      // FAPI 2.0 §5.3.2.2 / RFC 9126 §5: authorization requests only through PAR.
      pushedAuthorizationRequests: {
        enabled: true,
        requirePushedAuthorizationRequests: true,
        allowUnregisteredRedirectUris: false,
      },
      // RFC 9449: DPoP sender-constrained tokens; proofs are single use (§11.1).
      dPoP: { enabled: true, allowReplay: false },
      // RFC 8707: every access token is for the export API alone.
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resource,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx, indicator, client) {
          if (indicator !== resource) throw new errors.InvalidTarget('the only resource is the export API');
          return {
            scope: ((client.record_scopes as string[] | undefined) ?? []).join(' '),
            audience: resource,
            // Opaque, looked up at every use, so revocation takes effect at once (RFC 7009 §2).
            accessTokenFormat: 'opaque',
          };
        },
      },
      // RFC 7009 for apps to end their own authorisation; RFC 7662 for resource servers.
      revocation: { enabled: true },
      // RFC 7662 §2.1 / §4 leave who may introspect to the server: only a confidential client
      // (it authenticated; public clients are refused before this, see `endpoint-checks.ts`), and
      // only for its own tokens, so no app learns about another app's tokens. The export API
      // checks tokens in-process and needs no introspection.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx, client, token) =>
          client.clientAuthMethod !== 'none' && token.clientId === client.clientId,
      },
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      registration: { enabled: false },
      claimsParameter: { enabled: false },
      requestObjects: { enabled: false },
    },

    // Strict redirect URI matching (RFC 9700 §4.1.3): always sent, always compared exactly.
    allowOmittingSingleRegisteredRedirectUri: false,
    responseTypes: ['code'],
    scopes: ['openid'],
    subjectTypes: ['pairwise'],
    clientAuthMethods: ['none', 'private_key_jwt'],
    enabledJWA: {
      clientAuthSigningAlgValues: [...FAPI_ALGS],
      dPoPSigningAlgValues: [...FAPI_ALGS],
      idTokenSigningAlgValues: ['ES256'],
    },
    // RFC 9700 §2.1.1 and FAPI 2.0 §5.3.2.2: PKCE with S256 for every client (oidc-provider
    // accepts no other method).
    pkce: { required: () => true },
    clientDefaults: {
      id_token_signed_response_alg: 'ES256',
      token_endpoint_auth_method: 'private_key_jwt',
      response_types: ['code'],
      grant_types: ['authorization_code'],
    },
    extraClientMetadata: { properties: ['organisation_id', 'record_scopes'] },
    sectorIdentifierUriValidate: () => false,
    async assertJwtClientAuthClaimsAndHeader(ctx, claims) {
      // FAPI 2.0 §5.3.2.1: the assertion's audience is the issuer identifier, nothing else.
      if (claims.aud !== ctx.oidc.issuer) throw new errors.InvalidClientAuth('aud must be the issuer identifier');
      // FAPI 2.0 §5.3.2.1: `iat` and `nbf` at most 10 s ahead of our clock; without this the
      // lifetime bound below means nothing (an assertion minted for next week would pass).
      const now = clock.now();
      const timing = issuedAtProblem(claims.iat, now) ?? notBeforeProblem(claims.nbf, now);
      if (timing) throw new errors.InvalidClientAuth(`client assertion ${timing}`);
      // RFC 7523 §3 ¶4 asks for an expiry that limits the window of use; we bound it to five
      // minutes, so a leaked assertion is short-lived and the replay cache stays small.
      const lifetime = Number(claims.exp) - Number(claims.iat);
      if (!(lifetime > 0 && lifetime <= MAX_ASSERTION_LIFETIME)) {
        throw new errors.InvalidClientAuth(`the assertion must expire within ${MAX_ASSERTION_LIFETIME} s`);
      }
    },
    async pairwiseIdentifier(_ctx, accountId, client) {
      return pairwiseSubject(config.secret, String(client.organisation_id), accountId);
    },
    extraParams: {
      [EXPORT_KEY_PARAM]: authorizationRequestPolicy({ db, clock }),
      [CONSENT_PERIOD_PARAM]: checkConsentPeriod,
      [CONSENT_DURATION_PARAM]: checkConsentDuration,
    },

    // The consent, not the browser session, decides how long tokens live.
    expiresWithSession: async () => false,
    ttl: {
      AuthorizationCode: AUTHORIZATION_CODE_TTL,
      AccessToken: (ctx) => accessTokenTtl(ctx),
      RefreshToken: (ctx) => refreshTokenTtl(ctx),
      ClientCredentials: ACCESS_TOKEN_TTL,
      IdToken: ID_TOKEN_TTL,
      Interaction: INTERACTION_TTL,
      Session: SESSION_TTL,
      Grant: FALLBACK_GRANT_TTL,
    },
    // Refresh tokens only for ongoing consents (SPEC §5); a one-time consent gets one access token.
    async issueRefreshToken(ctx, client, code) {
      if (!client.grantTypeAllowed('refresh_token') || !code.grantId) return false;
      const consent = await consentOf(ctx, code.grantId);
      return consent?.duration === 'ongoing' && consent.status === 'active';
    },
    // RFC 9700 §4.14.2: public clients' refresh tokens rotate, and reuse of a rotated one revokes
    // the grant. FAPI 2.0 §5.3.2.1: confidential clients' do not rotate (they are sender-constrained
    // and rotation only adds failure modes).
    rotateRefreshToken: (ctx) => ctx.oidc.client?.clientAuthMethod === 'none',
    // Every authorization asks the citizen again: only the grant created on this interaction's
    // consent page can resolve it (no silent reuse of an earlier consent).
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    async extraTokenClaims(ctx, token) {
      // The consent travels with the access token (stored server-side, returned by introspection),
      // so the export API knows exactly what it may read.
      if (!('grantId' in token) || typeof token.grantId !== 'string') return undefined;
      const consent = await consentOf(ctx, token.grantId);
      return consent ? { consent_id: consent.id } : undefined;
    },

    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: renderProviderError,
    cookies: {
      // Signed cookies (keygrip) keyed from the root secret; SameSite=Lax so the redirect back from
      // sign-in carries them, HttpOnly always, Secure whenever the request came over TLS.
      keys: [deriveKey(config.secret, 'oidc-cookies').toString('base64url')],
      names: { session: 'hb_session', interaction: 'hb_interaction', resume: 'hb_resume' },
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      // Path=/ so the sign-in and consent pages (/signin/…, /consent/…) see the interaction.
      short: { httpOnly: true, sameSite: 'lax', signed: true, path: '/' },
    },
    // FAPI 2.0 §5.3.2.1 (clock skew): JWTs up to 10 s from the future (see `../jwt-time.ts`).
    clockTolerance: MAX_FUTURE_SKEW_S,
    acceptQueryParamAccessTokens: false,
    clientBasedCORS: (_ctx, origin, client) => allowsCorsFrom(client, origin),
    discovery: {
      ui_locales_supported: ['zh-TW', 'en'],
      claims_locales_supported: undefined,
      // Only authenticated resource servers introspect (see `introspection` above).
      introspection_endpoint_auth_methods_supported: ['private_key_jwt'],
      // RFC 8414 §2 allows further members: say plainly which profile this is. FAPI 2.0 admits
      // only confidential clients; on-device apps (the brochure's model) cannot keep a secret,
      // so they are public clients held to PKCE, PAR and DPoP with non-extractable keys.
      security_profile: SECURITY_PROFILE,
      ...exportDiscoveryMetadata(issuer),
    },
  };

  const provider = new Provider(issuer, configuration);
  useAtomicReplayDetection(provider, db, clock);
  refuseForeignKeyBeforeConsuming(provider);
  // Koa reads the protocol, host and client address from X-Forwarded-*, which the platform
  // rewrites on every request from PUBLIC_URL and the trusted client address
  // (`security/forwarded.ts`): the provider's URLs and DPoP `htu` checks follow the issuer alone.
  provider.proxy = true;
  return provider;
}
