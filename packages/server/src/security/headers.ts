import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every response.
 * - CSP without 'unsafe-inline' (OWASP ASVS V14.4.3); pages carry no inline script or style.
 * - frame-ancestors 'none' and X-Frame-Options: DENY against clickjacking of consent pages
 *   (RFC 9700 §4.16; X-Frame-Options for browsers that predate CSP level 2).
 * - nosniff (ASVS V14.4.4), no referrer beyond our origin so codes and tickets never leak (RFC 9700 §4.2.4).
 * - HSTS only when served over TLS (RFC 6797 §7.2: ignored over plain HTTP anyway).
 */
export function registerSecurityHeaders(app: FastifyInstance, opts: { tls: boolean }): void {
  const csp = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', csp);
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (opts.tls) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
}
