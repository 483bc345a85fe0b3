/**
 * The DPoP proof check shared by every protected route (RFC 9449 §4.3): exactly one proof, typed
 * `dpop+jwt`, signed with an allowed asymmetric algorithm by the public key in its own header,
 * fresh, with a unique `jti`, for this method and URI, and — when an access token is presented —
 * for that very token (`ath`). Replay is checked separately, last, so that a request refused for
 * another reason does not burn its proof.
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from 'jose';
import type Provider from 'oidc-provider';
import type { Clock } from '../../clock.js';
import { DPOP_MAX_AGE_S, issuedAtProblem, MAX_FUTURE_SKEW_S } from '../jwt-time.js';

/** FAPI 2.0 §5.4 algorithms, as for every other JWT the platform accepts. */
export const DPOP_ALGS = ['ES256', 'PS256', 'EdDSA'];

export type AccessErrorCode = 'invalid_token' | 'invalid_dpop_proof';

/** Why a request was refused; `description` is for the developer, never for the citizen. */
export class AccessError extends Error {
  override name = 'AccessError';
  constructor(
    readonly code: AccessErrorCode,
    readonly description: string,
  ) {
    super(description);
  }
}

export interface ProofDeps {
  provider: Provider;
  clock: Clock;
  /** The public origin requests arrive at, for the proof's `htu` (behind a proxy, not the socket). */
  origin: string;
}

export interface VerifiedProof {
  /** RFC 7638 thumbprint of the proof's key. */
  jkt: string;
  /**
   * Records the proof as used (RFC 9449 §11.1); throws if it was used before. `namespace` keeps
   * the replay caches of different routes apart.
   */
  consume(namespace: string): Promise<void>;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** A URL without query and fragment, as RFC 9449 §4.3 step 9 compares it; `base` resolves a request path. */
function withoutQuery(url: string, base?: string): string {
  const u = new URL(url, base);
  u.search = '';
  u.hash = '';
  return u.href;
}

const refuse = (description: string) => new AccessError('invalid_dpop_proof', description);

export async function verifyDpopProof(
  deps: ProofDeps,
  request: FastifyRequest,
  accessToken?: string,
): Promise<VerifiedProof> {
  const proof = request.headers.dpop;
  if (typeof proof !== 'string' || proof.includes(',')) throw refuse('exactly one DPoP proof is required');
  const now = deps.clock.now();
  let payload: Record<string, unknown>;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: DPOP_ALGS,
      currentDate: new Date(now),
      requiredClaims: ['iat'],
      clockTolerance: MAX_FUTURE_SKEW_S,
    });
    payload = verified.payload;
    jwk = verified.protectedHeader.jwk as JWK;
  } catch (error) {
    throw refuse(`the DPoP proof does not verify (${(error as Error).message})`);
  }
  // FAPI 2.0 §5.3.2.1: the same clock-skew rule as at the authorization server.
  const timing = issuedAtProblem(payload.iat, now, DPOP_MAX_AGE_S);
  if (timing) throw refuse(`the DPoP proof is not fresh: ${timing}`);
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti.length < 16) throw refuse('the proof needs a unique jti');
  if (payload.htm !== request.method) throw refuse('htm does not match the request method');
  // RFC 9449 §4.2: htu is the absolute URI of the request; a relative one names no server, so it
  // could be replayed at any host serving the same path.
  let htu: string;
  try {
    htu = withoutQuery(String(payload.htu));
  } catch {
    throw refuse('htu must be an absolute URL');
  }
  if (htu !== withoutQuery(request.url, deps.origin)) throw refuse('htu does not match the request URI');
  // RFC 9449 §4.3 step 11: the proof is for this very token.
  if (accessToken !== undefined && payload.ath !== sha256(accessToken)) {
    throw refuse('ath does not match the access token');
  }
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  const iat = payload.iat as number;
  return {
    jkt,
    async consume(namespace) {
      const fresh = await deps.provider.ReplayDetection.unique(
        `${namespace}:${jkt}`,
        jti,
        // Remembered for as long as the proof passes the freshness check, and a second more.
        Math.ceil(iat) + DPOP_MAX_AGE_S + 1,
      );
      if (!fresh) throw refuse('the DPoP proof was already used');
    },
  };
}
