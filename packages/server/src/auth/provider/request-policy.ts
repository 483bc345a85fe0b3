/**
 * Checks every authorization request (at PAR, and again when the request is used) beyond what
 * oidc-provider enforces on its own. Runs as the validator of the `export_key_jkt` parameter,
 * because oidc-provider runs extra-parameter validators on every request, present or not.
 */
import { categoryOfScope } from '@healthbank/records';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/** A base64url SHA-256 JWK thumbprint (RFC 7638): 32 bytes, 43 characters, no padding. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** The extra authorization request parameter naming the device's export encryption key. */
export const EXPORT_KEY_PARAM = 'export_key_jkt';

type Client = NonNullable<KoaContextWithOIDC['oidc']['client']>;

/**
 * - PAR must bind the code to a DPoP key, by `dpop_jkt` or a DPoP proof (RFC 9449 §10, FAPI 2.0
 *   §5.3.2.2): a stolen code is then useless without the key.
 * - The request asks for at least one `records.*` scope, and only scopes of categories the app was
 *   approved for: anything else is refused rather than silently dropped (RFC 6749 §3.3), so a
 *   developer learns at once.
 * - `export_key_jkt`, when given, is a thumbprint (the export file is encrypted to that key).
 */
export async function checkAuthorizationRequest(
  ctx: KoaContextWithOIDC,
  exportKeyJkt: unknown,
  client: Client | undefined,
): Promise<void> {
  const params = ctx.oidc.params ?? {};
  if (ctx.oidc.route === 'pushed_authorization_request' && !params.dpop_jkt) {
    throw new errors.InvalidRequest('a DPoP proof or dpop_jkt is required to bind the authorization code');
  }
  if (exportKeyJkt !== undefined && (typeof exportKeyJkt !== 'string' || !THUMBPRINT.test(exportKeyJkt))) {
    throw new errors.InvalidRequest(`${EXPORT_KEY_PARAM} must be a base64url SHA-256 JWK thumbprint (RFC 7638)`);
  }
  const scopes = typeof params.scope === 'string' ? params.scope.split(' ').filter(Boolean) : [];
  const allowed = new Set<string>((client?.record_scopes as string[] | undefined) ?? []);
  const records = scopes.filter((s) => s.startsWith('records.'));
  if (records.length === 0) {
    throw new errors.InvalidScope('request at least one records.<category> scope', 'records.*');
  }
  for (const scope of records) {
    if (!categoryOfScope(scope)) throw new errors.InvalidScope('unknown record category', scope);
    if (!allowed.has(scope)) throw new errors.InvalidScope('this app is not approved for that category', scope);
  }
}
