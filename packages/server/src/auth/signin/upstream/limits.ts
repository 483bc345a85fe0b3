/**
 * The upstream sign-in's thresholds, named with the requirement each implements (as `../limits.ts`
 * does for the other methods).
 */

const MINUTE = 60_000;

/**
 * How long an authorization request sent to the provider can be answered. RFC 9700 §2.1.1 and
 * OIDC Core §15.5.2 want `state` and `nonce` single-use and short-lived; ten minutes is the bound
 * on every other sign-in secret here (NIST SP 800-63B §5.1.3.2 / ASVS V2.7.2) and leaves time to
 * sign in at the provider with a card reader or a phone.
 */
export const UPSTREAM_STATE_TTL_MS = 10 * MINUTE;

/**
 * Sign-ins one client address may start per window. ASVS V11.1.4 (anti-automation): each start
 * writes a row and may call the provider (PAR), so one machine must not be able to flood either.
 */
export const IP_UPSTREAM_START_LIMIT = { max: 30, windowMs: 10 * MINUTE } as const;

/**
 * How long the provider's discovered metadata (OIDC Discovery §4) is reused: an hour picks up a
 * moved endpoint the same day without a discovery request per sign-in.
 */
export const DISCOVERY_CACHE_MS = 60 * MINUTE;

/** Seconds each request to the provider may take before the citizen is told it cannot be reached. */
export const UPSTREAM_TIMEOUT_S = 10;
