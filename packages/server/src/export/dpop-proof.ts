/**
 * Proof of possession for requests that carry a ticket instead of an access token (fetching a
 * file, revoking): a DPoP proof (RFC 9449 §4) of the key the ticket was issued to. The checks are
 * those of §4.3 without `ath`, since no access token is presented: typed, asymmetric, signed by
 * the key in its own header, for this method and URI, fresh, and used once.
 */
import type { FastifyRequest } from 'fastify';
import { calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from 'jose';
import { AccessError, DPOP_ALGS, type VerifyAccessDeps } from '../auth/resource/verify-access.js';

/** How old a proof may be, and the clock skew allowed (as for the access-token checks). */
const PROOF_MAX_AGE_S = 60;
const CLOCK_TOLERANCE_S = 15;

/** The request URI without query and fragment, as RFC 9449 §4.3 compares it. */
function htuOf(url: string, origin: string): string {
  const u = new URL(url, origin);
  u.search = '';
  u.hash = '';
  return u.href;
}

/**
 * Verifies the request's DPoP proof and returns the RFC 7638 thumbprint of its key; throws
 * `AccessError('invalid_dpop_proof')`.
 */
export async function verifyTicketProof(
  deps: Pick<VerifyAccessDeps, 'provider' | 'clock' | 'origin'>,
  request: FastifyRequest,
): Promise<string> {
  const header = request.headers.dpop;
  if (typeof header !== 'string' || header.includes(',')) {
    throw new AccessError('invalid_dpop_proof', 'exactly one DPoP proof is required');
  }
  const now = deps.clock.now();
  let payload: Record<string, unknown>;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(header, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: DPOP_ALGS,
      currentDate: new Date(now),
      maxTokenAge: PROOF_MAX_AGE_S,
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    payload = verified.payload;
    jwk = verified.protectedHeader.jwk as JWK;
  } catch (error) {
    throw new AccessError('invalid_dpop_proof', `the DPoP proof does not verify (${(error as Error).message})`);
  }
  if (typeof payload.jti !== 'string' || payload.jti.length < 16) {
    throw new AccessError('invalid_dpop_proof', 'the proof needs a unique jti');
  }
  if (payload.htm !== request.method) throw new AccessError('invalid_dpop_proof', 'htm does not match the method');
  let htu: string;
  try {
    htu = htuOf(String(payload.htu), deps.origin);
  } catch {
    throw new AccessError('invalid_dpop_proof', 'htu is not a URL');
  }
  if (htu !== htuOf(request.url, deps.origin)) {
    throw new AccessError('invalid_dpop_proof', 'htu does not match the request URI');
  }
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  const iat = typeof payload.iat === 'number' ? payload.iat : Math.floor(now / 1000);
  const fresh = await deps.provider.ReplayDetection.unique(
    `dpop-ticket:${jkt}`,
    payload.jti,
    iat + PROOF_MAX_AGE_S + CLOCK_TOLERANCE_S,
  );
  if (!fresh) throw new AccessError('invalid_dpop_proof', 'the DPoP proof was already used');
  return jkt;
}
