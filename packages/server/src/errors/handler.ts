import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { UNAVAILABLE_PROBLEM, UNAVAILABLE_RETRY_AFTER_S, unavailabilityOf } from '../db/availability.js';
import { html } from '../pages/html.js';
import { translator } from '../pages/i18n.js';
import { layout } from '../pages/layout.js';
import { requestLocale } from '../pages/request-locale.js';
import { securityHeaders } from '../security/headers.js';
import { PROBLEMS, type ProblemCode, ProblemError, problemDetails } from './problems.js';

/** Maps Fastify's own error codes onto the catalogue; anything unknown is an internal error. */
function classify(error: FastifyError | ProblemError): { code: ProblemCode; detail?: string } {
  if (error instanceof ProblemError) return { code: error.code, detail: error.detail };
  if (error.validation) return { code: 'invalid_request', detail: error.message };
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { code: 'unsupported_media_type' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'invalid_request', detail: 'the body is not valid JSON' };
    case 'FST_ERR_RATE_LIMIT':
      return { code: 'rate_limited' };
  }
  if (error.statusCode === 429) return { code: 'rate_limited' };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return { code: 'invalid_request' };
  return { code: 'internal_error' };
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}

function send(request: FastifyRequest, reply: FastifyReply, code: ProblemCode, detail?: string): FastifyReply {
  const { status } = PROBLEMS[code];
  reply.status(status);
  if (wantsHtml(request)) {
    const locale = requestLocale(request);
    const t = translator(locale);
    const message = locale === 'zh-TW' ? PROBLEMS[code].zh : PROBLEMS[code].title;
    // The stable code rides along for tools and support staff; the citizen reads the message.
    const body = html`<h1>${t('error.title')}</h1><p class="status" data-code="${code}">${message}</p><p><a href="/">${t('error.back')}</a></p>`;
    return reply.type('text/html; charset=utf-8').send(layout({ locale, title: t('error.title'), path: '/', body }));
  }
  return reply.type('application/problem+json').send(problemDetails(code, detail));
}

/**
 * Every error leaves as a catalogue problem. Internal errors are logged with their stack on the
 * server and answered without it (ASVS V7.4.1: no stack traces or internals to the client).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
    // A database that is down or full is no defect: 503 and when to retry (db/availability.ts).
    const unavailable = error instanceof ProblemError ? undefined : unavailabilityOf(error);
    if (unavailable) {
      request.log.warn({ code: (error as { code?: unknown }).code, cause: unavailable }, 'database unavailable');
      reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_S[unavailable]));
      return send(request, reply, UNAVAILABLE_PROBLEM[unavailable]);
    }
    const { code, detail } = classify(error);
    if (code === 'internal_error') request.log.error({ err: error }, 'unhandled error');
    return send(request, reply, code, code === 'internal_error' ? undefined : detail);
  });
  app.setNotFoundHandler((request, reply) => send(request, reply, 'not_found'));
}

/**
 * Fastify's `frameworkErrors`: a URL it cannot decode or a route parameter over its length limit
 * fails before any route or hook runs. They leave as catalogue problems with the security headers,
 * never echoing the URL (ASVS V7.4.1, V14.4).
 */
export function frameworkErrorHandler(opts: { tls: boolean }): NonNullable<FastifyServerOptions['frameworkErrors']> {
  const headers = securityHeaders(opts);
  return (error, request, reply) => {
    for (const [name, value] of headers) reply.header(name, value);
    const code: ProblemCode = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'uri_too_long' : 'invalid_request';
    const detail = error.code === 'FST_ERR_BAD_URL' ? 'the address is not valid' : undefined;
    return send(request, reply, code, detail);
  };
}

/**
 * Fastify's `clientErrorHandler`: errors Node's HTTP parser meets before there is a request
 * (headers over the limit, a malformed request line, a timeout). Node's default answer has no
 * body; this one is a problem with the security headers (RFC 6585 §5 for 431).
 */
export function clientErrorHandler(opts: { tls: boolean }): (error: Error & { code?: string }, socket: Socket) => void {
  const headers = securityHeaders(opts)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const code: ProblemCode =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 'headers_too_large'
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 'request_timeout'
          : 'invalid_request';
    const body = JSON.stringify(problemDetails(code));
    const { status } = PROBLEMS[code];
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${PROBLEMS[code].title}\r\nContent-Type: application/problem+json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}
