/**
 * How a registered app becomes oidc-provider client metadata. Every client gets the same FAPI 2.0
 * baseline; only the authentication method differs between on-device and backend apps.
 */
import { scopeOf } from '@healthbank/records';
import type { AdapterPayload } from 'oidc-provider';
import type { Database } from '../../db/index.js';
import { type App, findApp } from './apps.js';

/**
 * Our pairwise subjects are per organisation (see `provider/pairwise.ts`), so redirect hosts do
 * not form the "sector". oidc-provider still wants a sector identifier URI when an app's redirect
 * URIs span hosts; this one names the organisation, is never fetched (`sectorIdentifierUriValidate`
 * returns false) and cannot resolve (RFC 6761 reserves `.invalid`).
 */
export const sectorOf = (organisationId: string) => `https://organisations.healthbank.invalid/${organisationId}`;

/** The client metadata of an app. */
export function clientMetadataOf(app: App): AdapterPayload {
  const metadata: AdapterPayload = {
    client_id: app.clientId,
    client_name: app.name['zh-TW'],
    // 'web' everywhere: oidc-provider lets 'native' clients vary the loopback port, and we match
    // redirect URIs exactly (RFC 9700 §4.1.3, FAPI 2.0 §5.3.2.2).
    application_type: 'web',
    redirect_uris: app.redirectUris,
    // Code flow only, answered in the query with `iss` (RFC 9207); no implicit, no hybrid
    // (RFC 9700 §2.1.2, FAPI 2.0 §5.3.2.2).
    response_types: ['code'],
    response_modes: ['query'],
    grant_types: ['authorization_code', 'refresh_token'],
    // FAPI 2.0 §5.3.2.1: confidential clients authenticate with private_key_jwt (or mTLS); on-device
    // apps cannot hold a secret and rely on PKCE + DPoP (RFC 9700 §2.1.1, RFC 9449).
    token_endpoint_auth_method: app.clientType === 'public' ? 'none' : 'private_key_jwt',
    // FAPI 2.0 §5.3.2.1: only sender-constrained access tokens (DPoP, RFC 9449 §5).
    dpop_bound_access_tokens: true,
    // FAPI 2.0 §5.3.2.2: authorization requests only through PAR (RFC 9126 §6).
    require_pushed_authorization_requests: true,
    subject_type: 'pairwise',
    sector_identifier_uri: sectorOf(app.organisationId),
    id_token_signed_response_alg: 'ES256',
    // Only `openid` is a static scope; `records.*` scopes belong to the export API and are checked
    // against the app's categories by the request policy.
    scope: 'openid',
    organisation_id: app.organisationId,
    record_scopes: app.categories.map(scopeOf),
  };
  if (app.jwks) metadata.jwks = app.jwks as AdapterPayload['jwks'];
  return metadata;
}

/**
 * The metadata of an active app of the realm, or undefined: suspended and unknown apps are unknown
 * clients, and so is an app of the other realm (a sandbox client at production's endpoints, or
 * the reverse).
 */
export async function findClientMetadata(
  db: Database,
  clientId: string,
  realm: App['environment'] = 'sandbox',
): Promise<AdapterPayload | undefined> {
  const app = await findApp(db, clientId);
  if (app?.status !== 'active' || app.environment !== realm) return undefined;
  return clientMetadataOf(app);
}
