/**
 * Proof of possession for requests that carry a ticket instead of an access token (fetching a
 * file, revoking): a DPoP proof (RFC 9449 §4) of the key the ticket was issued to — the checks of
 * §4.3 without `ath`, since no access token is presented.
 */
import type { FastifyRequest } from 'fastify';
import { type ProofDeps, verifyDpopProof } from '../auth/resource/dpop-proof.js';

/**
 * Verifies and consumes the request's DPoP proof and returns the RFC 7638 thumbprint of its key;
 * throws `AccessError('invalid_dpop_proof')`.
 */
export async function verifyTicketProof(deps: ProofDeps, request: FastifyRequest): Promise<string> {
  const proof = await verifyDpopProof(deps, request);
  await proof.consume('dpop-ticket');
  return proof.jkt;
}
