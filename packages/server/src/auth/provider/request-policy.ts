/**
 * Checks every authorization request (at PAR, and again when the request is used) beyond what
 * oidc-provider enforces on its own. Runs as the validator of the `export_key_jkt` parameter,
 * because oidc-provider runs extra-parameter validators on every request, present or not.
 */
import { categoryOfScope } from '@healthbank/records';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/index.js';
import { claimJwtId } from '../adapter.js';
import { isPortalClient } from '../clients/portal.js';

/** A base64url SHA-256 JWK thumbprint (RFC 7638): 32 bytes, 43 characters, no padding. */
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** The extra authorization request parameter naming the device's export encryption key. */
export const EXPORT_KEY_PARAM = 'export_key_jkt';

type Client = NonNullable<KoaContextWithOIDC['oidc']['client']>;

/**
 * The policy as oidc-provider's validator of {@link EXPORT_KEY_PARAM}: {@link checkAuthorizationRequest}
 * plus the one-time use of a request URI.
 */
export function authorizationRequestPolicy(deps: { db: Database; clock: Clock }) {
  return async (ctx: KoaContextWithOIDC, exportKeyJkt: unknown, client: Client | undefined): Promise<void> => {
    await checkAuthorizationRequest(ctx, exportKeyJkt, client);
    await claimRequestUri(ctx, deps);
  };
}

/**
 * RFC 9126 §7.3: a request URI is used once. oidc-provider marks it used only when the
 * authorization completes, so until then a second browser could open the same request; here the
 * first browser to open it claims it, atomically (`claimJwtId`), and any later one is refused.
 * The claim is made only at the authorization endpoint itself: resuming the same interaction
 * after sign-in or consent does not use the request URI again.
 */
async function claimRequestUri(ctx: KoaContextWithOIDC, deps: { db: Database; clock: Clock }): Promise<void> {
  const pushed = ctx.oidc.entities.PushedAuthorizationRequest;
  if (ctx.oidc.route !== 'authorization' || !pushed?.jti) return;
  const exp = pushed.exp ?? Math.ceil(deps.clock.now() / 1000) + 60;
  if (await claimJwtId(deps.db, deps.clock, { issuer: 'request_uri', jti: pushed.jti, exp })) return;
  const error = new errors.InvalidRequestUri('request_uri is invalid, expired, or was already used');
  // Shown as a page, never redirected: the browser that lost the race is not the one that started.
  error.allow_redirect = false;
  throw error;
}

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
  // The portal signs in and asks for nothing else; it never redeems its code, so there is no
  // token to bind (`clients/portal.ts`).
  if (isPortalClient(client?.clientId)) {
    if (params.scope !== 'openid' || exportKeyJkt !== undefined) {
      throw new errors.InvalidScope('the portal asks for openid only', String(params.scope ?? ''));
    }
    return;
  }
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
