/**
 * The one clock-skew rule for every JWT a client sends (client assertions at PAR and token, DPoP
 * proofs at PAR, token and the export API): FAPI 2.0 Security Profile §5.3.2.1 items 14–15 accept
 * `iat` and `nbf` up to 10 s in the future (clients' clocks run a little ahead) and reject beyond;
 * a DPoP proof is at most 60 s old (RFC 9449 §11.1: a short window limits pre-computed proofs).
 */

/** How far in the future `iat` / `nbf` may be, in seconds. */
export const MAX_FUTURE_SKEW_S = 10;
/** How old a DPoP proof may be, in seconds. */
export const DPOP_MAX_AGE_S = 60;

/**
 * Why the issue time of a JWT is not acceptable at `nowMs`, or undefined when it is. `maxAgeS`
 * bounds its age (DPoP proofs); without it only the future is bounded.
 */
export function issuedAtProblem(iat: unknown, nowMs: number, maxAgeS?: number): string | undefined {
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'iat must be a number';
  const now = nowMs / 1000;
  if (iat > now + MAX_FUTURE_SKEW_S) return `iat is more than ${MAX_FUTURE_SKEW_S} s in the future`;
  if (maxAgeS !== undefined && iat < now - maxAgeS) return `iat is more than ${maxAgeS} s in the past`;
  return undefined;
}

/** Why `nbf` is not acceptable at `nowMs` (more than the skew in the future), or undefined. */
export function notBeforeProblem(nbf: unknown, nowMs: number): string | undefined {
  if (nbf === undefined) return undefined;
  if (typeof nbf !== 'number' || !Number.isFinite(nbf)) return 'nbf must be a number';
  return nbf > nowMs / 1000 + MAX_FUTURE_SKEW_S ? `nbf is more than ${MAX_FUTURE_SKEW_S} s in the future` : undefined;
}
