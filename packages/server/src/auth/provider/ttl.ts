/**
 * How long each artifact lives. The consent bounds everything issued from it: its grant expires
 * with the consent, and no token issued from the grant outlives it.
 */
import type { KoaContextWithOIDC } from 'oidc-provider';

const MINUTE = 60;

/** FAPI 2.0 §5.3.2.1 / RFC 9700 §4.5.3: authorization codes live at most 60 seconds. */
export const AUTHORIZATION_CODE_TTL = 60;
/** Short-lived access tokens (≤ 10 min, the bound; RFC 9700 §4.14): revocation is also immediate. */
export const ACCESS_TOKEN_TTL = 10 * MINUTE;
/**
 * Sign-in and consent together may take an older citizen a while; the browser session and the
 * interaction share one bound, and the session cookie is not persistent (ASVS V3.3.1).
 */
export const INTERACTION_TTL = 30 * MINUTE;
export const SESSION_TTL = 30 * MINUTE;
export const ID_TOKEN_TTL = 10 * MINUTE;
/** A grant created outside the consent page (which always sets its own end) lives briefly. */
export const FALLBACK_GRANT_TTL = 10 * MINUTE;

/** Seconds until the grant in this request expires, or undefined when there is none. */
function grantRemaining(ctx: KoaContextWithOIDC | undefined): number | undefined {
  const grant = ctx?.oidc?.entities?.Grant;
  if (!grant?.exp) return undefined;
  return grant.exp - Math.floor(Date.now() / 1000);
}

/** Access tokens: ten minutes, never past the consent. */
export function accessTokenTtl(ctx: KoaContextWithOIDC | undefined): number {
  return Math.max(1, Math.min(ACCESS_TOKEN_TTL, grantRemaining(ctx) ?? ACCESS_TOKEN_TTL));
}

/**
 * Refresh tokens live exactly until the consent ends (the issue: "never past the consent's end"),
 * rotated or not. They are only issued for ongoing consents (see `issueRefreshToken`).
 */
export function refreshTokenTtl(ctx: KoaContextWithOIDC | undefined): number {
  return Math.max(1, grantRemaining(ctx) ?? 1);
}
