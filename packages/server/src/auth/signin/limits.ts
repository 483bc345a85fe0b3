/**
 * Every sign-in threshold, named, with the requirement it implements. Changing one is a security
 * decision: the tests read these constants, so they follow.
 */

const MINUTE = 60_000;

/**
 * Digits in a one-time code. NIST SP 800-63B §5.1.3.1 (out-of-band authenticators): "at least 6
 * decimal digits"; ASVS V2.7.4 (out-of-band verifiers): ≥ 20 bits of entropy (6 digits ≈ 19.9 bits,
 * the accepted norm alongside the lockout below).
 */
export const CODE_DIGITS = 6;

/**
 * How long a code is valid. NIST SP 800-63B §5.1.3.2 and ASVS V2.7.2: out-of-band secrets expire
 * after 10 minutes.
 */
export const CODE_TTL_MS = 10 * MINUTE;

/**
 * Consecutive wrong codes before the claimed identity is locked. NIST SP 800-63B §5.2.2 (rate
 * limiting: no more than 100 consecutive failures) and ASVS V2.2.1 (anti-automation); 5 is the
 * issue's stricter bound, which with 6 digits leaves a guesser about 1 in 200,000 per lock.
 */
export const MAX_CODE_FAILURES = 5;

/** How long a lock lasts. ASVS V2.2.1 ("soft lockout"); outlasts every code issued before it. */
export const LOCK_DURATION_MS = 15 * MINUTE;

/**
 * Codes sent per claimed identity per hour. ASVS V2.2.1 (anti-automation) and NIST SP 800-63B
 * §5.2.2: bounds both guessing and the flooding of a citizen's phone with messages.
 */
export const MAX_CODE_SENDS_PER_HOUR = 10;
export const CODE_SEND_WINDOW_MS = 60 * MINUTE;

/**
 * Per-IP ceilings on the sign-in endpoints. ASVS V2.2.1 and V11.1.4 (anti-automation, business
 * logic limits). Generous enough for a carrier-grade NAT shared by many citizens, tight enough
 * to stop one machine spraying identities or codes.
 */
export const IP_CODE_REQUEST_LIMIT = { max: 30, windowMs: 10 * MINUTE } as const;
export const IP_CODE_ENTRY_LIMIT = { max: 60, windowMs: 10 * MINUTE } as const;
export const IP_PASSKEY_LIMIT = { max: 60, windowMs: 10 * MINUTE } as const;

/**
 * How long a signed-in citizen may take on the "set up a passkey?" page before signing in again.
 * ASVS V3.3.2 (re-authentication bounds); the same as a code's life.
 */
export const PENDING_SIGNIN_TTL_MS = 10 * MINUTE;

/**
 * How long a WebAuthn challenge is accepted. W3C WebAuthn Level 3 §13.4.3 (challenges are random,
 * ≥ 16 bytes, short-lived); the browser's own ceremony timeout is {@link WEBAUTHN_TIMEOUT_MS}.
 */
export const WEBAUTHN_CHALLENGE_TTL_MS = 10 * MINUTE;
export const WEBAUTHN_TIMEOUT_MS = 2 * MINUTE;
