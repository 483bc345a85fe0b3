/** How the export API answers a refused token or DPoP proof (RFC 9449 §7.1). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type App, findApp } from '../auth/clients/apps.js';
import { AccessError, DPOP_ALGS, type VerifyAccessDeps } from '../auth/resource/verify-access.js';
import type { Consent } from '../consent/model.js';
import { findConsent } from '../consent/repository.js';
import type { Database } from '../db/index.js';
import { ProblemError } from '../errors/problems.js';
import { verifyTicketProof } from './dpop-proof.js';
import { findTicket, type Ticket } from './tickets.js';

/** Runs a check and turns an `AccessError` into a 401 with its RFC 9449 §7.1 challenge. */
export async function authorize<T>(check: () => Promise<T>, reply: FastifyReply): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (!(error instanceof AccessError)) throw error;
    throw challenge(reply, error);
  }
}

export function challenge(reply: FastifyReply, error: AccessError): ProblemError {
  reply.header(
    'www-authenticate',
    `DPoP error="${error.code}", error_description="${error.description.replace(/["\\]/g, '')}", algs="${DPOP_ALGS.join(' ')}"`,
  );
  return new ProblemError(error.code, error.description);
}

/**
 * The presented ticket, when the request proves possession of the key it is bound to. The proof
 * is checked first, so a ticket that is someone else's (bound to another key), of the other realm
 * (tickets share a table across realms) or unknown is answered alike: 404 `ticket_not_found`,
 * nothing told about it (IDOR; ASVS V8.2.2). A bad proof is a 401 whatever the ticket.
 */
export async function provenTicket(
  deps: { db: Database; access: VerifyAccessDeps },
  realm: App['environment'],
  presented: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<{ ticket: Ticket; consent: Consent; client: App }> {
  const jkt = await authorize(() => verifyTicketProof(deps.access, request), reply);
  const ticket = typeof presented === 'string' ? await findTicket(deps.db, presented) : undefined;
  const consent = ticket?.dpopJkt === jkt ? await findConsent(deps.db, ticket.consentId) : undefined;
  const client = consent && (await findApp(deps.db, consent.clientId));
  if (!ticket || !consent || client?.environment !== realm) throw new ProblemError('ticket_not_found');
  return { ticket, consent, client };
}
