/**
 * CSRF protection for every state-changing form (ASVS V4.2.2), as OWASP's "signed double-submit
 * cookie": a random value in a cookie, and in each form an HMAC of that value under the server's
 * secret. A cross-site page can make the browser send the cookie but cannot read it, so it cannot
 * produce the matching form field; and without the secret nobody can mint a pair.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../errors/problems.js';

export const CSRF_FIELD = '_csrf';

export interface CsrfOptions {
  secret: string;
  /** Over TLS the cookie gets the `__Host-` prefix and `Secure` (RFC 6265bis §4.1.3.2). */
  secure: boolean;
}

const cookieName = (secure: boolean) => (secure ? '__Host-hb_csrf' : 'hb_csrf');

function sign(secret: string, value: string): string {
  return createHmac('sha256', secret).update(`csrf:${value}`).digest('base64url');
}

/** The token to embed in a form, setting the cookie it is bound to when the browser has none. */
export function csrfToken(request: FastifyRequest, reply: FastifyReply, opts: CsrfOptions): string {
  const name = cookieName(opts.secure);
  let value = request.cookies[name];
  if (!value || !/^[A-Za-z0-9_-]{43}$/.test(value)) {
    value = randomBytes(32).toString('base64url');
    reply.setCookie(name, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secure });
    // Later code in the same request should see the new value.
    request.cookies[name] = value;
  }
  return sign(opts.secret, value);
}

/** True when the request's form field matches its cookie. */
export function isValidCsrf(request: FastifyRequest, opts: CsrfOptions): boolean {
  const body = request.body as Record<string, unknown> | undefined;
  return isValidCsrfValue(request, opts, body?.[CSRF_FIELD]);
}

/** True when `submitted` (a form field read some other way, e.g. from a multipart stream) matches the cookie. */
export function isValidCsrfValue(request: FastifyRequest, opts: CsrfOptions, submitted: unknown): boolean {
  const value = request.cookies[cookieName(opts.secure)];
  if (!value || typeof submitted !== 'string') return false;
  const expected = Buffer.from(sign(opts.secret, value));
  const actual = Buffer.from(submitted);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A preHandler for POST routes: rejects with `csrf_token_invalid` before the handler runs. */
export function requireCsrf(opts: CsrfOptions) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!isValidCsrf(request, opts)) throw new ProblemError('csrf_token_invalid');
  };
}
