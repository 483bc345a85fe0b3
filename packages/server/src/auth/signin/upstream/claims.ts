/**
 * What the platform takes from the upstream provider's verified ID token: the citizen's national
 * ID from the configured claim, and how they authenticated there.
 */
import { isValidNationalId } from '@healthbank/records';

/** RFC 8176 has no value for "signed in at a federated provider"; `fed` says so when the provider sends none. */
export const UPSTREAM_FALLBACK_AMR = ['fed'];

/** Bounds on the `amr` values passed on to apps' ID tokens: short tokens, a handful of them. */
const AMR_VALUE = /^[\x21-\x7e]{1,64}$/;
const MAX_AMR_VALUES = 10;

export type NationalIdFromClaims =
  | { ok: true; nationalId: string }
  | { ok: false; reason: 'missing' }
  /** `value` is what came, for a masked log line. */
  | { ok: false; reason: 'malformed'; value: string };

/**
 * The national ID in claim `name`, checked for shape and check digit. Taken exactly as sent: the
 * claim is an identifier the provider vouches for, so a value needing repair is not it.
 */
export function nationalIdFrom(claims: Record<string, unknown>, name: string): NationalIdFromClaims {
  const value = claims[name];
  if (value === undefined || value === null || value === '') return { ok: false, reason: 'missing' };
  if (typeof value !== 'string') return { ok: false, reason: 'malformed', value: '' };
  if (!isValidNationalId(value)) return { ok: false, reason: 'malformed', value };
  return { ok: true, nationalId: value };
}

/**
 * The provider's `amr` (OIDC Core §2, RFC 8176) when it is a non-empty array of short strings,
 * else {@link UPSTREAM_FALLBACK_AMR}.
 */
export function amrFrom(claims: Record<string, unknown>): string[] {
  const amr = claims.amr;
  const usable =
    Array.isArray(amr) &&
    amr.length > 0 &&
    amr.length <= MAX_AMR_VALUES &&
    amr.every((v) => typeof v === 'string' && AMR_VALUE.test(v));
  return usable ? [...(amr as string[])] : [...UPSTREAM_FALLBACK_AMR];
}
