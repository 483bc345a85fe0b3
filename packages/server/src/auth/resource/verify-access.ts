/**
 * What a protected resource (the export API) checks before it answers: a DPoP-bound access token,
 * issued for it, still valid, presented with a fresh proof of the key it is bound to, and backed
 * by an active consent. Every failure is a 401 that says which (RFC 9449 §7.1, RFC 6750 §3.1).
 */
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { calculateJwkThumbprint, EmbeddedJWK, type JWK, jwtVerify } from 'jose';
import type Provider from 'oidc-provider';
import type { Clock } from '../../clock.js';
import { type Consent, isConsentActive } from '../../consent/model.js';
import { findConsentByGrant } from '../../consent/repository.js';
import type { Database } from '../../db/index.js';

/** FAPI 2.0 §5.4 algorithms, as for every other JWT the platform accepts. */
export const DPOP_ALGS = ['ES256', 'PS256', 'EdDSA'];
/** How old a proof may be (RFC 9449 §11.1: a short window limits replay), plus clock skew. */
const PROOF_MAX_AGE_S = 60;
const CLOCK_TOLERANCE_S = 15;

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

export interface ExportAccess {
  consent: Consent;
  clientId: string;
  /** The granted `records.*` scopes of this token. */
  scopes: string[];
  /** RFC 7638 thumbprint of the DPoP key the token is bound to. */
  jkt: string;
}

export interface VerifyAccessDeps {
  provider: Provider;
  db: Database;
  clock: Clock;
  /** The resource indicator tokens must be issued for (their audience). */
  resource: string;
  /** The public origin requests arrive at, for the proof's `htu` (behind a proxy, not the socket). */
  origin: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

function single(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? header : undefined;
}

/** The request URI without query and fragment, as RFC 9449 §4.3 compares it. */
function htuOf(url: string, origin: string): string {
  const u = new URL(url, origin);
  u.search = '';
  u.hash = '';
  return u.href;
}

/**
 * Verifies a request to the export API and returns the consent it may act on.
 *
 * @example
 * ```ts
 * const access = await verifyExportAccess(deps, request); // throws AccessError
 * const records = await readRecords(db, access.consent.citizenId, recordQueryOf(access.consent));
 * ```
 */
export async function verifyExportAccess(deps: VerifyAccessDeps, request: FastifyRequest): Promise<ExportAccess> {
  const authorization = single(request.headers.authorization) ?? '';
  const match = /^(\S+) (\S+)$/.exec(authorization);
  if (!match) throw new AccessError('invalid_token', 'an access token is required (Authorization: DPoP <token>)');
  const [, scheme = '', token = ''] = match;
  // RFC 9449 §7.2: a DPoP-bound token presented as a bearer token is refused.
  if (scheme.toLowerCase() !== 'dpop') throw new AccessError('invalid_token', 'use the DPoP authorization scheme');

  // RFC 9449 §4.3: exactly one well-formed proof, typed, signed with an allowed asymmetric
  // algorithm by the public key in its own header.
  const proof = single(request.headers.dpop);
  if (!proof || proof.includes(',')) throw new AccessError('invalid_dpop_proof', 'exactly one DPoP proof is required');
  const now = deps.clock.now();
  let payload: Record<string, unknown>;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(proof, EmbeddedJWK, {
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
  if (payload.htm !== request.method)
    throw new AccessError('invalid_dpop_proof', 'htm does not match the request method');
  let htu: string;
  try {
    htu = htuOf(String(payload.htu), deps.origin);
  } catch {
    throw new AccessError('invalid_dpop_proof', 'htu is not a URL');
  }
  if (htu !== htuOf(request.url, deps.origin))
    throw new AccessError('invalid_dpop_proof', 'htu does not match the request URI');
  // RFC 9449 §4.3 step 11: the proof is for this very token.
  if (payload.ath !== sha256(token)) throw new AccessError('invalid_dpop_proof', 'ath does not match the access token');

  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  const accessToken = await deps.provider.AccessToken.find(token);
  if (!accessToken) throw new AccessError('invalid_token', 'the access token is unknown, expired or revoked');
  // RFC 9449 §7.1: the proof's key is the one the token is bound to.
  if (accessToken.jkt !== jkt) throw new AccessError('invalid_token', 'the token is bound to another key');
  // RFC 8707 / RFC 9068 §4: a token for another audience is not for us.
  const audiences = [accessToken.aud].flat();
  if (!audiences.includes(deps.resource)) throw new AccessError('invalid_token', 'the token is not for this API');

  // RFC 9449 §11.1: a proof is accepted once. Checked last, so a refused request does not burn it.
  const iat = typeof payload.iat === 'number' ? payload.iat : Math.floor(now / 1000);
  const fresh = await deps.provider.ReplayDetection.unique(
    `dpop-rs:${jkt}`,
    payload.jti,
    iat + PROOF_MAX_AGE_S + CLOCK_TOLERANCE_S,
  );
  if (!fresh) throw new AccessError('invalid_dpop_proof', 'the DPoP proof was already used');

  // The grant and its consent must still stand: revocation ends access at once.
  const grantId = accessToken.grantId;
  const grant = grantId ? await deps.provider.Grant.find(grantId) : undefined;
  const consent = grantId ? await findConsentByGrant(deps.db, grantId) : undefined;
  if (!grant || !consent || !isConsentActive(consent, now)) {
    throw new AccessError('invalid_token', 'the consent behind this token was revoked or has ended');
  }
  return {
    consent,
    clientId: accessToken.clientId ?? consent.clientId,
    scopes: (accessToken.scope ?? '').split(' ').filter((s) => s.startsWith('records.')),
    jkt,
  };
}
