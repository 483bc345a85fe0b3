/**
 * What a protected resource (the export API) checks before it answers: a DPoP-bound access token,
 * issued for it, still valid, presented with a fresh proof of the key it is bound to, and backed
 * by an active consent. Every failure is a 401 that says which (RFC 9449 §7.1, RFC 6750 §3.1).
 */
import type { FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Clock } from '../../clock.js';
import { type Consent, isConsentActive } from '../../consent/model.js';
import { findConsentByGrant } from '../../consent/repository.js';
import type { Database } from '../../db/index.js';
import { AccessError, verifyDpopProof } from './dpop-proof.js';

export { AccessError, type AccessErrorCode, DPOP_ALGS } from './dpop-proof.js';

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

function single(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? header : undefined;
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

  const proof = await verifyDpopProof(deps, request, token);
  const now = deps.clock.now();
  const accessToken = await deps.provider.AccessToken.find(token);
  if (!accessToken) throw new AccessError('invalid_token', 'the access token is unknown, expired or revoked');
  // RFC 9449 §7.1: the proof's key is the one the token is bound to.
  if (accessToken.jkt !== proof.jkt) throw new AccessError('invalid_token', 'the token is bound to another key');
  // RFC 8707 / RFC 9068 §4: a token for another audience is not for us.
  const audiences = [accessToken.aud].flat();
  if (!audiences.includes(deps.resource)) throw new AccessError('invalid_token', 'the token is not for this API');

  // RFC 9449 §11.1: a proof is accepted once. Checked last, so a refused request does not burn it.
  await proof.consume('dpop-rs');

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
    jkt: proof.jkt,
  };
}
