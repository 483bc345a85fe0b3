/**
 * Mounts oidc-provider (a Koa app) in the Fastify server through @fastify/middie, so that both
 * share one port and one process while each answers in its own error shape: OAuth endpoints in
 * OAuth's JSON (RFC 6749 §5.2) or its error page, every other route through Fastify's handlers.
 */
import middie from '@fastify/middie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Clock } from '../../clock.js';
import { RateLimiter } from '../rate-limit.js';
import { DISCOVERY_PATH, isProviderPath, OAUTH_METADATA_PATH, OAUTH_ROUTES } from './routes.js';

export interface MountOptions {
  /** Requests per minute per client address on each limited endpoint. */
  rateLimit: number;
  clock: Clock;
  tls: boolean;
}

/**
 * The endpoints that take a credential or create state are rate-limited (ASVS V11.1.4, RFC 9700
 * §4.18 on resource exhaustion); discovery and JWKS are cacheable documents and are not.
 */
const LIMITED = new Set<string>([
  OAUTH_ROUTES.token,
  OAUTH_ROUTES.pushed_authorization_request,
  OAUTH_ROUTES.revocation,
  OAUTH_ROUTES.introspection,
]);

/**
 * The headers `security/headers.ts` sets on Fastify's responses, for the responses oidc-provider
 * writes itself (Fastify's onSend hooks do not run for them). The same CSP: no script, no framing.
 */
function providerSecurityHeaders(tls: boolean): [string, string][] {
  const headers: [string, string][] = [
    [
      'content-security-policy',
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ],
    ['x-frame-options', 'DENY'],
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['permissions-policy', 'camera=(), microphone=(), geolocation=()'],
  ];
  if (tls) headers.push(['strict-transport-security', 'max-age=31536000; includeSubDomains']);
  return headers;
}

const pathOf = (url: string) => {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
};

/** Registers middie and hands the provider's paths to it; other paths never reach the provider. */
export async function mountProvider(app: FastifyInstance, provider: Provider, opts: MountOptions): Promise<void> {
  const limiter = new RateLimiter(opts.rateLimit, 60_000, opts.clock);
  const headers = providerSecurityHeaders(opts.tls);

  // Runs before middie's own onRequest hook, with Fastify's view of the client address (which
  // honours trustProxy exactly as the rest of the app does).
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const path = pathOf(request.url);
    if (!isProviderPath(path)) return;
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    if (!LIMITED.has(path)) return;
    const decision = limiter.hit(`${path}|${request.ip}`);
    if (decision.allowed) return;
    const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
    // OAuth's error shape; `temporarily_unavailable` is RFC 6749's code for an overloaded server.
    return reply
      .status(429)
      .header('retry-after', String(retryAfter))
      .header('cache-control', 'no-store')
      .send({ error: 'temporarily_unavailable', error_description: `too many requests; retry in ${retryAfter} s` });
  });

  await app.register(middie, { hook: 'onRequest' });
  const callback = provider.callback();
  app.use((req, res, next) => {
    const url = req.url ?? '/';
    const path = pathOf(url);
    if (!isProviderPath(path)) return next();
    // RFC 8414 metadata and OpenID discovery are one document for an issuer without a path.
    if (path === OAUTH_METADATA_PATH) req.url = DISCOVERY_PATH + url.slice(path.length);
    void callback(req, res);
  });
}
