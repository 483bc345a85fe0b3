/**
 * The consent pages: `GET /consent/:uid` shows the request, `POST /consent/:uid` records the
 * citizen's answer and returns the browser to the authorization server. No state changes on GET;
 * every POST carries a CSRF token (ASVS V4.2.2).
 */
import { type CategoryId, categoryOfScope, scopeOf } from '@healthbank/records';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { appendAudit } from '../audit/index.js';
import { findApp } from '../auth/clients/apps.js';
import { findOrganisation } from '../auth/clients/organisations.js';
import { finishInteraction, loadInteraction } from '../auth/interaction/interactions.js';
import { EXPORT_KEY_PARAM } from '../auth/provider/request-policy.js';
import type { Clock } from '../clock.js';
import { type Database, findCitizenById, inTransaction, listVisitedInstitutions, replicaRead } from '../db/index.js';
import { ProblemError } from '../errors/problems.js';
import { isLocale, type Locale } from '../pages/i18n.js';
import { requestLocale } from '../pages/request-locale.js';
import { type CsrfOptions, csrfToken, requireCsrf } from '../security/csrf.js';
import { parseConsentForm } from './form.js';
import { type ChoiceError, type ConsentChoices, decideTerms } from './model.js';
import { defaultChoices, renderConsentPage } from './page.js';
import { recordConsent } from './repository.js';

export interface ConsentRouteDeps {
  provider: Provider;
  db: Database;
  clock: Clock;
  csrf: CsrfOptions;
  /** The export API's resource indicator: the only resource records scopes are granted for. */
  resource: string;
}

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

interface ConsentRequest {
  details: Interaction;
  citizenId: number;
  clientId: string;
  requested: CategoryId[];
  wantsOpenid: boolean;
}

/** The interaction of a consent page, checked: the consent prompt, a signed-in citizen, scopes. */
async function consentRequest(
  deps: ConsentRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<ConsentRequest | 'not-consent'> {
  const { uid } = request.params as { uid: string };
  const details = await loadInteraction(deps.provider, request, reply, uid);
  if (details.prompt.name !== 'consent') return 'not-consent';
  const accountId = details.session?.accountId;
  const clientId = details.params.client_id;
  if (!accountId || typeof clientId !== 'string') throw new ProblemError('interaction_expired');
  const promptDetails = details.prompt.details as {
    missingResourceScopes?: Record<string, string[]>;
    missingOIDCScope?: string[];
  };
  const requested = (promptDetails.missingResourceScopes?.[deps.resource] ?? [])
    .map(categoryOfScope)
    .filter((c): c is CategoryId => c !== undefined);
  if (requested.length === 0) throw new ProblemError('interaction_expired');
  return {
    details,
    citizenId: Number(accountId),
    clientId,
    requested,
    wantsOpenid: promptDetails.missingOIDCScope?.includes('openid') ?? false,
  };
}

/**
 * The app's origin, per request, for the consent page's `form-action`. Browsers apply
 * `form-action` to every redirect that follows a form submission (CSP Level 3 §6.3.1, and
 * Chromium enforces it), and answering the form ends with a redirect to the app. Only the origin
 * of the redirect URI registered for this very request is added, so the page still cannot post
 * anywhere else.
 */
const formTargets = new WeakMap<FastifyRequest, string>();

async function allowFormRedirect(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  const origin = formTargets.get(request);
  const csp = reply.getHeader('content-security-policy');
  if (origin && typeof csp === 'string') {
    reply.header('content-security-policy', csp.replace("form-action 'self'", `form-action 'self' ${origin}`));
  }
  return payload;
}

async function sendPage(
  deps: ConsentRouteDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  req: ConsentRequest,
  choices: ConsentChoices,
  errors: ChoiceError[],
  locale: Locale = requestLocale(request),
): Promise<FastifyReply> {
  const app = await findApp(deps.db, req.clientId);
  const organisation = app && (await findOrganisation(deps.db, app.organisationId));
  // A suspended or deleted app cannot be consented to, even mid-flow.
  if (app?.status !== 'active' || !organisation) throw new ProblemError('interaction_expired');
  const redirectUri = URL.parse(String(req.details.params.redirect_uri ?? ''));
  if (redirectUri && (redirectUri.protocol === 'https:' || redirectUri.protocol === 'http:')) {
    formTargets.set(request, redirectUri.origin);
  }
  const page = renderConsentPage({
    locale,
    uid: req.details.uid,
    csrf: csrfToken(request, reply, deps.csrf),
    app,
    organisation,
    requested: req.requested,
    // The exclusion list is drawn from the records: the read replica may serve it (db/replica.ts).
    institutions: await replicaRead(deps.db, (reader) => listVisitedInstitutions(reader, req.citizenId)),
    choices,
    errors,
    citizen: await findCitizenById(deps.db, req.citizenId),
  });
  return reply
    .status(errors.length ? 400 : 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page);
}

export function registerConsentRoutes(app: FastifyInstance, deps: ConsentRouteDeps): void {
  // Route-level onSend hooks run after the app's, so this sees (and adjusts) the site-wide CSP.
  app.get('/consent/:uid', { onSend: allowFormRedirect }, async (request, reply) => {
    const { lang } = request.query as { lang?: unknown };
    if (isLocale(lang)) reply.setCookie('lang', lang, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
    const req = await consentRequest(deps, request, reply);
    if (req === 'not-consent') {
      const { uid } = request.params as { uid: string };
      return reply.status(303).header('location', `/interaction/${uid}`).send();
    }
    const hints = { period: req.details.params.consent_period, duration: req.details.params.consent_duration };
    return sendPage(deps, request, reply, req, defaultChoices(req.requested, hints), []);
  });

  app.post(
    '/consent/:uid',
    { preHandler: requireCsrf(deps.csrf), onSend: allowFormRedirect },
    async (request, reply) => {
      const req = await consentRequest(deps, request, reply);
      if (req === 'not-consent') throw new ProblemError('interaction_expired');
      const body = (request.body ?? {}) as Record<string, unknown>;
      const { provider } = deps;
      // A second submission (a double click, a reload) of an answered page changes nothing: it
      // continues where the first one went instead of creating a second consent.
      if (req.details.result?.consent || req.details.result?.error) {
        return reply.status(303).header('location', req.details.returnTo).header('cache-control', 'no-store').send();
      }

      if (body.action === 'decline') {
        await inTransaction(deps.db, (tx) =>
          appendAudit(
            tx,
            { type: 'consent.declined', citizenId: req.citizenId, clientId: req.clientId },
            deps.clock.now(),
          ),
        );
        // RFC 6749 §4.1.2.1: the app learns only that the citizen said no.
        return finishInteraction(
          provider,
          request,
          reply,
          { error: 'access_denied', error_description: 'the citizen declined to share records' },
          { mergeWithLastSubmission: false },
        );
      }
      if (body.action === 'language') {
        // The same page in the other language, with every choice kept and nothing decided yet.
        const other = requestLocale(request) === 'zh-TW' ? 'en' : 'zh-TW';
        reply.setCookie('lang', other, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
        return sendPage(deps, request, reply, req, parseConsentForm(body), [], other);
      }
      if (body.action !== 'agree') throw new ProblemError('invalid_request', 'action must be agree or decline');

      const choices = parseConsentForm(body);
      const now = deps.clock.now();
      const decision = decideTerms(choices, req.requested, now);
      if ('errors' in decision) return sendPage(deps, request, reply, req, choices, decision.errors);
      const { terms } = decision;

      // The grant carries exactly what was agreed; unticked categories are recorded as rejected so
      // the consent prompt is resolved rather than asked again. It expires with the consent, and
      // every token issued from it is bounded by that (see provider/ttl.ts).
      const grant = new provider.Grant({ accountId: String(req.citizenId), clientId: req.clientId });
      // oidc-provider reads `expiresIn` (seconds) when it saves a grant; its type definitions omit it.
      // Rounded down, so the grant (and every token bounded by it) ends no later than the consent.
      Object.assign(grant, { expiresIn: Math.max(1, Math.floor((terms.expiresAt - now) / 1000)) });
      if (req.wantsOpenid) grant.addOIDCScope('openid');
      grant.addResourceScope(deps.resource, terms.categories.map(scopeOf).join(' '));
      const rejected = req.requested.filter((c) => !terms.categories.includes(c));
      if (rejected.length > 0) grant.rejectResourceScope(deps.resource, rejected.map(scopeOf).join(' '));
      const grantId = await grant.save();

      const exportKeyJkt = req.details.params[EXPORT_KEY_PARAM];
      await recordConsent(deps.db, {
        citizenId: req.citizenId,
        clientId: req.clientId,
        grantId,
        requestedCategories: req.requested,
        terms,
        ...(typeof exportKeyJkt === 'string' ? { exportKeyJkt } : {}),
        createdAt: now,
      });
      return finishInteraction(provider, request, reply, { consent: { grantId } }, { mergeWithLastSubmission: true });
    },
  );
}
