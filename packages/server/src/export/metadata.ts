/**
 * What the authorization server tells apps about the export service: discovery metadata (so the
 * SDK finds the export API and its signing keys from the issuer alone) and the authorization
 * request parameters through which an app suggests the consent's period and duration.
 */
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { EXPORT_API_PATH } from '../auth/provider/routes.js';

/** Where the platform publishes the export JWKS. */
export const EXPORT_JWKS_PATH = '/.well-known/export-jwks.json';

/**
 * Custom discovery metadata (RFC 8414 §2 allows additional members): the export API's base URL
 * and the JWKS export files are signed with (apart from `jwks_uri`, the ID-token keys).
 */
export function exportDiscoveryMetadata(issuer: string): Record<string, string> {
  return {
    healthbank_export_endpoint: `${issuer}${EXPORT_API_PATH}`,
    healthbank_export_jwks_uri: `${issuer}${EXPORT_JWKS_PATH}`,
  };
}

/** The app's suggested period: `1y`, `3y`, `5y`, `all`, or `YYYY-MM-DD..YYYY-MM-DD`. */
export const CONSENT_PERIOD_PARAM = 'consent_period';
/** The app's suggested duration: `once`, or `1`, `3`, `6`, `12` months of ongoing access. */
export const CONSENT_DURATION_PARAM = 'consent_duration';

const PERIOD = /^(?:1y|3y|5y|all|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})$/;
const DURATION = /^(?:once|1|3|6|12)$/;

/** Validates `consent_period` when present (a malformed suggestion is refused at PAR, not ignored). */
export async function checkConsentPeriod(_ctx: KoaContextWithOIDC, value: unknown): Promise<void> {
  if (value !== undefined && (typeof value !== 'string' || !PERIOD.test(value))) {
    throw new errors.InvalidRequest(`${CONSENT_PERIOD_PARAM} must be 1y, 3y, 5y, all or YYYY-MM-DD..YYYY-MM-DD`);
  }
}

/** Validates `consent_duration` when present. */
export async function checkConsentDuration(_ctx: KoaContextWithOIDC, value: unknown): Promise<void> {
  if (value !== undefined && (typeof value !== 'string' || !DURATION.test(value))) {
    throw new errors.InvalidRequest(`${CONSENT_DURATION_PARAM} must be once, 1, 3, 6 or 12`);
  }
}
