/**
 * Signing in to the portal. The portal is a client of the platform's own authorization server
 * (`auth/clients/portal.ts`): a visitor without a session is sent through an ordinary
 * authorization request (PAR, PKCE, `openid` only), signs in on the same pages an app's flow uses,
 * and comes back to `/me/callback`, by which time the authorization server's session holds the
 * citizen. The portal trusts that session, not the code, which it never redeems.
 *
 * The return path travels in a cookie bound to the request's `state` (RFC 6749 §10.12, login
 * CSRF) and MACed with a key derived from the platform secret; it is checked against the portal's
 * own paths both ways (ASVS V5.1.5).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PORTAL_CALLBACK_PATH, PORTAL_CLIENT_ID } from '../auth/clients/portal.js';
import { OAUTH_ROUTES } from '../auth/provider/routes.js';
import { deriveKey } from '../auth/provider/secrets.js';
import { UNAVAILABLE_PROBLEM, UNAVAILABLE_RETRY_AFTER_S, unavailabilityOfDescription } from '../db/availability.js';
import { ProblemError } from '../errors/problems.js';
import { requestLocale } from '../pages/request-locale.js';
import { PORTAL_SIGNIN_TTL_S } from './limits.js';
import { PORTAL_HOME, safeReturnPath } from './return-path.js';

export interface PortalSigninOptions {
  /** The issuer (the public URL without a trailing slash). */
  issuer: string;
  secret: string;
  /** Over TLS the cookie gets the `__Host-` prefix and `Secure` (RFC 6265bis §4.1.3.2). */
  secure: boolean;
}

const cookieName = (secure: boolean) => (secure ? '__Host-hb_portal_signin' : 'hb_portal_signin');

function mac(opts: PortalSigninOptions, value: string): string {
  return createHmac('sha256', deriveKey(opts.secret, 'portal-signin')).update(value).digest('base64url');
}

/** The path of the portal's sign-in, returning to `returnTo` afterwards. */
export function signinPath(returnTo: string): string {
  return `/me/signin?${new URLSearchParams({ return: returnTo })}`;
}

/**
 * Starts a sign-in: pushes the portal's authorization request in-process and sends the browser to
 * the authorization endpoint. The request is pushed with the citizen's address, so the per-client
 * rate limit of `/oauth/par` counts the citizen, not the server.
 */
export async function startPortalSignin(
  app: FastifyInstance,
  opts: PortalSigninOptions,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { return: wanted } = request.query as { return?: unknown };
  const returnTo = safeReturnPath(wanted) ?? PORTAL_HOME;
  const state = randomBytes(32).toString('base64url');
  // PKCE is required of every client (FAPI 2.0 §5.3.2.2); the verifier is dropped because the
  // code is never redeemed.
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const pushed = await app.inject({
    method: 'POST',
    url: OAUTH_ROUTES.pushed_authorization_request,
    remoteAddress: request.ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      client_id: PORTAL_CLIENT_ID,
      response_type: 'code',
      redirect_uri: `${opts.issuer}${PORTAL_CALLBACK_PATH}`,
      scope: 'openid',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ui_locales: requestLocale(request),
    }).toString(),
  });
  const body = pushed.json() as { request_uri?: unknown; error?: unknown; error_description?: unknown };
  if (pushed.statusCode === 429) throw new ProblemError('rate_limited');
  // The database is down or full: the citizen is told so, with when to retry, not that we failed.
  const unavailable = pushed.statusCode === 503 ? unavailabilityOfDescription(body.error_description) : undefined;
  if (unavailable) {
    reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S[unavailable]));
    throw new ProblemError(UNAVAILABLE_PROBLEM[unavailable]);
  }
  if (pushed.statusCode !== 201 || typeof body.request_uri !== 'string') {
    request.log.error({ status: pushed.statusCode, error: body.error }, 'portal authorization request refused');
    throw new ProblemError('internal_error');
  }
  const value = `${state}.${Buffer.from(returnTo).toString('base64url')}`;
  reply.setCookie(cookieName(opts.secure), `${value}.${mac(opts, value)}`, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: opts.secure,
    maxAge: PORTAL_SIGNIN_TTL_S,
  });
  const authorize = new URLSearchParams({ client_id: PORTAL_CLIENT_ID, request_uri: body.request_uri });
  return reply
    .status(303)
    .header('location', `${OAUTH_ROUTES.authorization}?${authorize}`)
    .header('cache-control', 'no-store')
    .send();
}

/**
 * The callback: the `state` must be the one this browser's cookie was made for, and the answer
 * must come from our issuer (RFC 9207 §2.4). Returns the path to go back to; the caller checks
 * that the session now holds a citizen.
 */
export function finishPortalSignin(opts: PortalSigninOptions, request: FastifyRequest, reply: FastifyReply): string {
  const query = request.query as Record<string, unknown>;
  const name = cookieName(opts.secure);
  const cookie = request.cookies[name] ?? '';
  reply.clearCookie(name, { path: '/', secure: opts.secure });
  const [state = '', encoded = '', tag = ''] = cookie.split('.');
  const expectedTag = Buffer.from(mac(opts, `${state}.${encoded}`));
  const sent = typeof query.state === 'string' ? Buffer.from(query.state) : Buffer.alloc(0);
  const ok =
    state.length > 0 &&
    expectedTag.length === Buffer.byteLength(tag) &&
    timingSafeEqual(expectedTag, Buffer.from(tag)) &&
    sent.length === Buffer.byteLength(state) &&
    timingSafeEqual(sent, Buffer.from(state)) &&
    query.iss === opts.issuer &&
    typeof query.code === 'string';
  if (!ok) throw new ProblemError('portal_signin_failed');
  return safeReturnPath(Buffer.from(encoded, 'base64url').toString()) ?? PORTAL_HOME;
}
