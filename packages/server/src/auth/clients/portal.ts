/**
 * The citizen portal (`/me`) as a first-party client of the platform's own authorization server.
 * A citizen who opens the portal signs in through exactly the pages and methods an app's consent
 * flow uses, and ends up with the same oidc-provider session; the portal asks for nothing but
 * `openid` and never redeems its code (it reads the session, not tokens). It is configured in code
 * (a static client), not in the app registry: it is not an app, shares no records, and no
 * organisation can register, suspend or list it.
 */
import type { ClientMetadata } from 'oidc-provider';
import { sectorOf } from './client-metadata.js';

/** The portal's client id, reserved: the app registry refuses it (`registerApp`). */
export const PORTAL_CLIENT_ID = 'healthbank-portal';

/** Where the authorization server sends the browser back to the portal. */
export const PORTAL_CALLBACK_PATH = '/me/callback';

/** The pseudo-organisation of the platform itself (pairwise subjects are per organisation). */
const PLATFORM_ORGANISATION = 'healthbank-platform';

/** True for the portal's client id. */
export function isPortalClient(clientId: unknown): boolean {
  return clientId === PORTAL_CLIENT_ID;
}

/**
 * The portal's static client metadata for an issuer: the same FAPI 2.0 baseline as every public
 * client (PAR, PKCE, code in the query with `iss`), with no record scopes.
 *
 * @example
 * ```ts
 * new Provider(issuer, { clients: [portalClientMetadata(issuer)], … });
 * ```
 */
export function portalClientMetadata(issuer: string): ClientMetadata {
  return {
    client_id: PORTAL_CLIENT_ID,
    client_name: '我的健康存摺資料 My records',
    application_type: 'web',
    // RFC 9700 §4.1.3: one redirect URI, compared exactly.
    redirect_uris: [`${issuer}${PORTAL_CALLBACK_PATH}`],
    response_types: ['code'],
    response_modes: ['query'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'none',
    dpop_bound_access_tokens: true,
    // FAPI 2.0 §5.3.2.2: PAR for this client too.
    require_pushed_authorization_requests: true,
    subject_type: 'pairwise',
    sector_identifier_uri: sectorOf(PLATFORM_ORGANISATION),
    id_token_signed_response_alg: 'ES256',
    scope: 'openid',
    organisation_id: PLATFORM_ORGANISATION,
    record_scopes: [],
  };
}
