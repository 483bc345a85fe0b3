/**
 * The seam between oidc-provider and our pages. oidc-provider sends the browser to
 * `/interaction/:uid` whenever it needs the citizen; this dispatcher forwards to the page for the
 * pending prompt (sign-in or consent), and `finishLogin` hands a completed sign-in back.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';
import { appendAudit } from '../../audit/index.js';
import type { Clock } from '../../clock.js';
import { unavailabilityOf } from '../../db/availability.js';
import { type CitizenScope, type Database, findCitizenById, inTransaction } from '../../db/index.js';
import { ProblemError } from '../../errors/problems.js';
import { isLocale } from '../../pages/i18n.js';
import { isPortalClient, PORTAL_CLIENT_ID } from '../clients/portal.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** oidc-provider's interaction ids are nanoids: 21 URL-safe characters. */
const UID = /^[A-Za-z0-9_-]{16,64}$/;

/**
 * The interaction the browser's cookie names, which must be the one in the URL: a stale tab or a
 * forged link gets a plain-language "start again" page rather than someone else's flow.
 */
export async function loadInteraction(
  provider: Provider,
  request: FastifyRequest,
  reply: FastifyReply,
  uid: string,
): Promise<Interaction> {
  if (!UID.test(uid)) throw new ProblemError('interaction_expired');
  let details: Interaction;
  try {
    details = await provider.interactionDetails(request.raw, reply.raw);
  } catch (error) {
    // A database that is down or full is not an expired interaction: the citizen is told to retry
    // later, not to start over (found by `npm run chaos`; db/availability.ts).
    if (unavailabilityOf(error)) throw error;
    // SessionNotFound: no cookie, an expired interaction, or a session that ended meanwhile.
    throw new ProblemError('interaction_expired');
  }
  if (details.uid !== uid) throw new ProblemError('interaction_expired');
  return details;
}

/** Resolves the interaction and sends the browser back to oidc-provider (303, never cached). */
export async function finishInteraction(
  provider: Provider,
  request: FastifyRequest,
  reply: FastifyReply,
  result: InteractionResults,
  opts: { mergeWithLastSubmission: boolean },
): Promise<FastifyReply> {
  const returnTo = await provider.interactionResult(request.raw, reply.raw, result, opts);
  return reply.status(303).header('location', returnTo).header('cache-control', 'no-store').send();
}

/** The page that handles a prompt. */
export function pageFor(prompt: string, uid: string): string {
  return prompt === 'login' ? `/signin/${uid}` : `/consent/${uid}`;
}

/**
 * `GET /interaction/:uid`: forward to the page for the pending prompt. The app's `ui_locales`
 * (OIDC Core §3.1.2.1) picks the language unless the citizen already chose one here.
 */
export function registerInteractionRoutes(app: FastifyInstance, provider: Provider): void {
  app.get('/interaction/:uid', async (request, reply) => {
    const { uid } = request.params as { uid: string };
    const details = await loadInteraction(provider, request, reply, uid);
    if (details.prompt.name === 'consent' && isPortalClient(details.params.client_id)) {
      return finishPortalConsent(provider, request, reply, details);
    }
    const uiLocales = typeof details.params.ui_locales === 'string' ? details.params.ui_locales.split(' ') : [];
    const wanted = uiLocales.map((l) =>
      l.toLowerCase().startsWith('zh') ? 'zh-TW' : l.toLowerCase().startsWith('en') ? 'en' : l,
    );
    const locale = wanted.find(isLocale);
    if (locale && !isLocale(request.cookies.lang)) {
      reply.setCookie('lang', locale, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
    }
    return reply
      .status(303)
      .header('location', pageFor(details.prompt.name, uid))
      .header('cache-control', 'no-store')
      .send();
  });
}

/**
 * The citizen portal is the platform itself and asks only who the citizen is (`openid`), so its
 * consent prompt is answered without a page (OIDC Core §3.1.2.4 leaves consent for first-party
 * clients to the server). The grant is short-lived: the portal never redeems its code.
 */
async function finishPortalConsent(
  provider: Provider,
  request: FastifyRequest,
  reply: FastifyReply,
  details: Interaction,
): Promise<FastifyReply> {
  const accountId = details.session?.accountId;
  if (!accountId) throw new ProblemError('interaction_expired');
  const grant = new provider.Grant({ accountId, clientId: PORTAL_CLIENT_ID });
  grant.addOIDCScope('openid');
  // oidc-provider reads `expiresIn` (seconds) when it saves a grant; its type definitions omit it.
  Object.assign(grant, { expiresIn: 60 });
  const grantId = await grant.save();
  return finishInteraction(provider, request, reply, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/**
 * The sign-in feature's `onSignedIn`: completes the login prompt of interaction `uid` for the
 * citizen and returns the browser to the authorization server. The session cookie is not
 * persistent (`remember: false`): on a shared family device, closing the browser signs out.
 */
export function finishLogin(provider: Provider, audit: { db: Database; clock: Clock; scope: CitizenScope }) {
  return async (
    request: FastifyRequest,
    reply: FastifyReply,
    uid: string,
    result: { citizenId: number; amr: string[] },
  ): Promise<FastifyReply> => {
    const details = await loadInteraction(provider, request, reply, uid);
    if (details.prompt.name !== 'login') throw new ProblemError('interaction_expired');
    // Every method already looks citizens up in the realm; this holds for any method added later:
    // the sandbox never signs a real citizen in, production never a synthetic one.
    if (!(await findCitizenById(audit.db, result.citizenId, audit.scope)))
      throw new ProblemError('interaction_expired');
    const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : null;
    // Every sign-in is audited (ASVS V16.3.1): who, by which method, for which app; never the ID.
    await inTransaction(audit.db, (tx) =>
      appendAudit(
        tx,
        { type: 'signin', citizenId: result.citizenId, clientId, details: { amr: result.amr.join(' ') } },
        audit.clock.now(),
      ),
    );
    return finishInteraction(
      provider,
      request,
      reply,
      { login: { accountId: String(result.citizenId), amr: result.amr, remember: false } },
      { mergeWithLastSubmission: false },
    );
  };
}
