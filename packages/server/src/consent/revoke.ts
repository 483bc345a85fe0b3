/**
 * Revoking a consent: the consent is marked revoked and every artifact of its grant (codes,
 * access and refresh tokens, the grant itself) is deleted, so the app's next request fails at
 * once (access tokens are opaque and looked up at every use; RFC 7009 §2, RFC 9700 §4.14).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { appendAudit } from '../audit/index.js';
import { revokeGrantArtifacts } from '../auth/adapter.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/index.js';
import { inTransaction } from '../db/index.js';
import { ProblemError } from '../errors/problems.js';
import { type CsrfOptions, requireCsrf } from '../security/csrf.js';
import { findConsent, markConsentRevoked } from './repository.js';

/**
 * Revokes a consent and its tokens. Returns false when there is no such consent; revoking a
 * revoked consent is harmless (its tokens are deleted again, and it keeps its first revocation time).
 *
 * @example
 * ```ts
 * await revokeConsent(db, consent.id); // the app's access and refresh tokens now fail
 * ```
 */
export async function revokeConsent(
  db: Database,
  consentId: string,
  clock: Clock,
  /** Audited with the revocation, e.g. `{ by: 'citizen portal' }`. */
  details?: Record<string, string>,
): Promise<boolean> {
  const consent = await findConsent(db, consentId);
  if (!consent) return false;
  const now = clock.now();
  // One transaction: a crash (kill -9, power loss) leaves the consent either untouched or revoked
  // with none of its tokens, never a consent shown as active whose tokens are gone or the reverse
  // (checked by `npm run chaos`, docs/reliability.md).
  await inTransaction(db, async (tx) => {
    await revokeGrantArtifacts(tx, consent.grantId);
    // Only the first revocation is an event; revoking again changes nothing.
    if (await markConsentRevoked(tx, consentId, now)) {
      const entry = {
        type: 'consent.revoked',
        citizenId: consent.citizenId,
        clientId: consent.clientId,
        subject: consentId,
        ...(details ? { details } : {}),
      } as const;
      await appendAudit(tx, entry, now);
    }
  });
  return true;
}

export interface RevokeRouteDeps {
  provider: Provider;
  db: Database;
  clock: Clock;
  csrf: CsrfOptions;
}

/** The signed-in citizen of this browser (the authorization server's session), if any. */
async function signedInCitizen(
  provider: Provider,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<number | undefined> {
  const session = await provider.Session.get(provider.createContext(request.raw, reply.raw));
  return session.accountId ? Number(session.accountId) : undefined;
}

/**
 * `POST /api/consents/:id/revoke` (form field `_csrf`): the citizen revokes one of their own
 * consents. Authenticated by the citizen's sign-in session on this platform, the same one the
 * consent was given in, until the citizen portal (a later issue) brings its own; a consent that
 * belongs to someone else is reported as not found (no enumeration, ASVS V4.2.1). Answers
 * `{ id, status: 'revoked', revoked_at }`.
 */
export function registerRevokeRoute(app: FastifyInstance, deps: RevokeRouteDeps): void {
  app.post('/api/consents/:id/revoke', { preHandler: requireCsrf(deps.csrf) }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const citizenId = await signedInCitizen(deps.provider, request, reply);
    if (citizenId === undefined) throw new ProblemError('sign_in_required');
    const consent = await findConsent(deps.db, id);
    if (!consent || consent.citizenId !== citizenId) throw new ProblemError('consent_not_found');
    await revokeConsent(deps.db, id, deps.clock);
    const revoked = await findConsent(deps.db, id);
    reply.header('cache-control', 'no-store');
    return {
      id,
      status: revoked?.status ?? 'revoked',
      revoked_at: new Date(revoked?.revokedAt ?? deps.clock.now()).toISOString(),
    };
  });
}
