/**
 * Request and response helpers shared by the sign-in routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../../errors/problems.js';
import { isLocale } from '../../pages/i18n.js';

/**
 * An OIDC interaction id as oidc-provider mints them (a nanoid: URL-safe alphabet). The sign-in
 * routes only carry it back to `onSignedIn`; anything else in its place is a 404, not a page.
 */
const INTERACTION_UID = /^[A-Za-z0-9_-]{16,64}$/;

/** The interaction id of a `/signin/:uid…` request, or a `not_found` problem. */
export function interactionOf(request: FastifyRequest): string {
  const { uid } = request.params as { uid?: unknown };
  if (typeof uid !== 'string' || !INTERACTION_UID.test(uid)) throw new ProblemError('not_found');
  return uid;
}

/** A form field as a trimmed string ('' when absent or not a string). */
export function field(request: FastifyRequest, name: string): string {
  const body = request.body as Record<string, unknown> | undefined;
  const value = body?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** Sends a rendered page; sign-in pages are never cached (ASVS V8.2.1). */
export function sendPage(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
}

/** Whether the client asked for a page rather than an API answer (same rule as the error handler). */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}

/** 303 See Other: after a POST, the browser GETs the next page (no re-submission on reload). */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.status(303).header('location', location).header('cache-control', 'no-store').send();
}

/**
 * Remembers an explicit `?lang=` choice in the `lang` cookie (as the landing page does), so the
 * forms posted from this page answer in the same language. A preference, not a secret.
 */
export function rememberLocale(request: FastifyRequest, reply: FastifyReply): void {
  const { lang } = request.query as { lang?: unknown };
  if (isLocale(lang)) reply.setCookie('lang', lang, { path: '/', sameSite: 'lax', maxAge: 365 * 24 * 3600 });
}
