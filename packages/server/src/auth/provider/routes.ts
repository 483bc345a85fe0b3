/** Where the authorization server answers, relative to the issuer (the platform's public URL). */
import type { Config } from '../../config/config.js';

/**
 * oidc-provider's endpoints, all under `/oauth/` so that one prefix marks what answers in OAuth's
 * error shape. Discovery stays at the issuer's `/.well-known/` (RFC 8414 §3, OIDC Discovery §4).
 */
export const OAUTH_ROUTES = {
  authorization: '/oauth/authorize',
  pushed_authorization_request: '/oauth/par',
  token: '/oauth/token',
  jwks: '/oauth/jwks',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
} as const;

export const DISCOVERY_PATH = '/.well-known/openid-configuration';
/** RFC 8414 metadata; for an issuer without a path it is the same document. */
export const OAUTH_METADATA_PATH = '/.well-known/oauth-authorization-server';
export const SMART_CONFIGURATION_PATH = '/.well-known/smart-configuration';

/** The export API, the one protected resource: access tokens are audience-restricted to it. */
export const EXPORT_API_PATH = '/api/export';

/** The issuer identifier: the public URL without a trailing slash (RFC 9207 §2 compares it exactly). */
export function issuerOf(config: Pick<Config, 'publicUrl'>): string {
  return config.publicUrl.replace(/\/+$/, '');
}

/** The resource indicator (RFC 8707) and token audience of the export API. */
export function exportResourceOf(config: Pick<Config, 'publicUrl'>): string {
  return `${issuerOf(config)}${EXPORT_API_PATH}`;
}
