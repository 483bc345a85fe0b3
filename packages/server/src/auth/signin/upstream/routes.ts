/**
 * The two routes of a sign-in through the upstream provider: start (a form POST that sends the
 * browser there) and the callback it comes back to. Each refusal is a page that changes nothing,
 * says what to do next, and leaves the reason in the log (never a full national ID).
 */
import { maskNationalId } from '@healthbank/records';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { findCitizenByNationalId } from '../../../db/index.js';
import { requireCsrf } from '../../../security/csrf.js';
import { localeOf, type SigninContext, withinIpLimit } from '../context.js';
import { interactionOf, seeOther, sendPage } from '../http.js';
import { amrFrom, nationalIdFrom } from './claims.js';
import {
  UPSTREAM_CALLBACK_PATH,
  type UpstreamClient,
  type UpstreamOidcSettings,
  upstreamRedirectUri,
} from './client.js';
import { IP_UPSTREAM_START_LIMIT } from './limits.js';
import { type UpstreamProblem, upstreamProblemPage } from './pages.js';
import { saveState, takeState } from './states.js';

const PROBLEM_STATUS: Record<UpstreamProblem, number> = {
  unreachable: 502,
  declined: 400,
  failed: 400,
  claim: 400,
  unknown: 403,
  expired: 400,
  browser: 400,
  invalid: 400,
};

export function registerUpstreamRoutes(
  app: FastifyInstance,
  ctx: SigninContext,
  settings: UpstreamOidcSettings,
  upstream: UpstreamClient,
): void {
  const redirectUri = upstreamRedirectUri(ctx.config.publicUrl);

  const refuse = (
    request: FastifyRequest,
    reply: FastifyReply,
    problem: UpstreamProblem,
    log: Record<string, unknown>,
    uid?: string,
  ): FastifyReply => {
    const entry = { upstream: { problem, ...log } };
    if (problem === 'unreachable') request.log.error(entry, 'upstream identity provider unreachable');
    else request.log.warn(entry, 'upstream sign-in refused');
    const page = upstreamProblemPage({ locale: localeOf(request), name: settings.name, problem, uid });
    return sendPage(reply, page, PROBLEM_STATUS[problem]);
  };

  app.post('/signin/:uid/upstream', { preHandler: requireCsrf(ctx.csrf) }, async (request, reply) => {
    const uid = interactionOf(request);
    if (!(await withinIpLimit(ctx, request, reply, 'upstream', IP_UPSTREAM_START_LIMIT, uid))) return reply;
    // OIDC Core §3.1.2.1 nonce and RFC 9700 §4.7.1 state, each 32 random bytes; RFC 7636 PKCE.
    const sent = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    let location: URL;
    try {
      const configuration = await upstream.configuration();
      const parameters = {
        redirect_uri: redirectUri,
        scope: settings.scope,
        // RFC 9700 §2.1.1: PKCE with S256 against authorization code injection.
        code_challenge: await client.calculatePKCECodeChallenge(sent.codeVerifier),
        code_challenge_method: 'S256',
        state: sent.state,
        nonce: sent.nonce,
        // OIDC Core §3.1.2.1: the provider's pages in the citizen's language, when it has it.
        ui_locales: localeOf(request),
      };
      // RFC 9126 §1 / RFC 9700 §2.1: pushed, the request is authenticated and cannot be altered in the browser.
      location = configuration.serverMetadata().pushed_authorization_request_endpoint
        ? await client.buildAuthorizationUrlWithPAR(configuration, parameters)
        : client.buildAuthorizationUrl(configuration, parameters);
    } catch (error) {
      return refuse(request, reply, 'unreachable', { step: 'start', ...describe(error) }, uid);
    }
    await saveState(ctx, request, reply, uid, sent);
    return seeOther(reply, location.href);
  });

  app.get(UPSTREAM_CALLBACK_PATH, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const state = typeof query.state === 'string' ? query.state : '';
    const taken = await takeState(ctx, request, state);
    switch (taken.status) {
      case 'unknown':
        return refuse(request, reply, 'invalid', { reason: state ? 'unknown state' : 'no state' });
      // RFC 9700 §4.7.1: an answer that did not start in this browser is login CSRF, or a lost cookie.
      case 'no-cookie':
      case 'other-browser':
        return refuse(request, reply, 'browser', { reason: taken.status });
      case 'expired':
      case 'used':
        return refuse(request, reply, 'expired', { reason: taken.status }, taken.interaction);
    }
    const uid = taken.interaction;

    // openid-client takes redirect_uri from this URL: the public one, whatever the proxy forwarded.
    const currentUrl = new URL(redirectUri);
    currentUrl.search = request.raw.url?.includes('?') ? request.raw.url.slice(request.raw.url.indexOf('?')) : '';
    let claims: Record<string, unknown>;
    try {
      const configuration = await upstream.configuration();
      // RFC 9207 `iss`, state, PKCE (RFC 7636 §4.5), and the ID token's signature, issuer,
      // audience, expiry and nonce (OIDC Core §3.1.3.7), all checked by openid-client.
      const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        expectedState: state,
        expectedNonce: taken.nonce,
        pkceCodeVerifier: taken.codeVerifier,
        idTokenExpected: true,
      });
      claims = (tokens.claims() ?? {}) as Record<string, unknown>;
    } catch (error) {
      const problem: UpstreamProblem =
        error instanceof client.AuthorizationResponseError
          ? error.error === 'access_denied'
            ? 'declined'
            : 'failed'
          : isUnreachable(error)
            ? 'unreachable'
            : 'failed';
      return refuse(request, reply, problem, { step: 'callback', ...describe(error) }, uid);
    }

    const found = nationalIdFrom(claims, settings.nationalIdClaim);
    if (!found.ok) {
      const log = { reason: `${found.reason} national ID claim`, claim: settings.nationalIdClaim };
      return refuse(
        request,
        reply,
        'claim',
        found.reason === 'malformed' ? { ...log, value: maskNationalId(found.value) } : log,
        uid,
      );
    }
    const citizen = await findCitizenByNationalId(ctx.db, found.nationalId, { synthetic: ctx.config.sandbox });
    if (!citizen) {
      return refuse(
        request,
        reply,
        'unknown',
        { reason: 'no such citizen', nationalId: maskNationalId(found.nationalId) },
        uid,
      );
    }
    return ctx.onSignedIn(request, reply, uid, { citizenId: citizen.id, amr: amrFrom(claims) });
  });
}

/** Network failures, timeouts and answers that are not OAuth at all: the provider is not there. */
function isUnreachable(error: unknown): boolean {
  if (error instanceof TypeError) return true;
  if (error instanceof DOMException) return error.name === 'TimeoutError' || error.name === 'AbortError';
  return (
    error instanceof client.ClientError &&
    (error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON')
  );
}

/** What goes to the log about a failure: codes and messages, bounded (the provider writes some of it). */
function describe(error: unknown): Record<string, unknown> {
  const bounded = (value: unknown) => (typeof value === 'string' ? value.slice(0, 200) : undefined);
  if (error instanceof client.AuthorizationResponseError) {
    return { error: bounded(error.error), description: bounded(error.error_description) };
  }
  if (error instanceof client.ResponseBodyError) {
    return { error: bounded(error.error), description: bounded(error.error_description), status: error.status };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const cause = error.cause instanceof Error ? bounded(error.cause.message) : undefined;
    return { code: bounded(code), message: bounded(error.message), cause };
  }
  return { message: bounded(String(error)) };
}
