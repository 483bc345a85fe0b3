import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every response, Fastify's own, oidc-provider's and the framework's errors alike.
 * - CSP without 'unsafe-inline' (OWASP ASVS V14.4.3); pages carry no inline script or style.
 * - frame-ancestors 'none' and X-Frame-Options: DENY against clickjacking of consent pages
 *   (RFC 9700 §4.16; X-Frame-Options for browsers that predate CSP level 2).
 * - nosniff (ASVS V14.4.4), no referrer beyond our origin so codes and tickets never leak (RFC 9700 §4.2.4).
 * - HSTS only when served over TLS (RFC 6797 §7.2: ignored over plain HTTP anyway).
 */
export function securityHeaders(opts: { tls: boolean }): [name: string, value: string][] {
  const csp = [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
  const headers: [string, string][] = [
    ['content-security-policy', csp],
    ['x-frame-options', 'DENY'],
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['permissions-policy', 'camera=(), microphone=(), geolocation=()'],
  ];
  if (opts.tls) headers.push(['strict-transport-security', 'max-age=31536000; includeSubDomains']);
  return headers;
}

/** Sets {@link securityHeaders} on every response Fastify sends. */
export function registerSecurityHeaders(app: FastifyInstance, opts: { tls: boolean }): void {
  const headers = securityHeaders(opts);
  app.addHook('onSend', async (_request, reply) => {
    for (const [name, value] of headers) reply.header(name, value);
  });
}
