/**
 * The portal's citizen is the signed-in citizen of the authorization server's session, the one
 * the consent pages use: one sign-in, one sign-out, for both.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { type CitizenScope, type Database, findCitizenById, type StoredCitizen } from '../db/index.js';

/**
 * The citizen signed in in this browser, or undefined (no session, an expired one, or a citizen
 * who no longer exists).
 *
 * @example
 * ```ts
 * const citizen = await sessionCitizen(provider, db, request, reply);
 * if (!citizen) return reply.redirect('/me/signin');
 * ```
 */
export async function sessionCitizen(
  provider: Provider,
  db: Database,
  request: FastifyRequest,
  reply: FastifyReply,
  scope?: CitizenScope,
): Promise<StoredCitizen | undefined> {
  const session = await provider.Session.get(provider.createContext(request.raw, reply.raw));
  const accountId = session.accountId;
  if (!accountId || !/^\d{1,12}$/.test(accountId)) return undefined;
  return findCitizenById(db, Number(accountId), scope);
}

/**
 * Ends the session: the stored session is deleted (so a copied cookie is worthless, ASVS V3.3.1)
 * and the browser's cookie cleared. Interactions begun in it fail from now on (oidc-provider
 * checks that their session still exists).
 */
export async function endSession(provider: Provider, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const session = await provider.Session.get(provider.createContext(request.raw, reply.raw));
  await session.destroy();
  const name = provider.cookieName('session');
  for (const cookie of [name, `${name}.sig`]) reply.clearCookie(cookie, { path: '/' });
}
