import type { FastifyInstance } from 'fastify';

/**
 * Rewrites the forwarding headers of every request before anything reads them, so that the parts
 * that build URLs or pick a client address from the raw request (oidc-provider, a Koa app with
 * `proxy` on) see only what the platform vouches for:
 * - `X-Forwarded-Proto` and `X-Forwarded-Host` name the public URL, never what the client sent:
 *   every URL the platform publishes or compares (the issuer's endpoints, DPoP `htu`) derives
 *   from `PUBLIC_URL` (RFC 9449 §4.3 step 9; RFC 8414 §3.3: metadata must match the issuer).
 * - `X-Forwarded-For` is the one address Fastify believed, which honours `TRUSTED_PROXIES` only
 *   (RFC 7239 §8.1: a forwarding header from anyone else is spoofable).
 */
export function registerTrustedForwarding(app: FastifyInstance, publicUrl: string): void {
  const url = new URL(publicUrl);
  const proto = url.protocol.slice(0, -1);
  app.addHook('onRequest', async (request) => {
    // Read the client address first: Fastify derives it from the raw header being replaced.
    const ip = request.ip;
    const headers = request.raw.headers;
    headers['x-forwarded-proto'] = proto;
    headers['x-forwarded-host'] = url.host;
    headers['x-forwarded-for'] = ip;
    delete headers.forwarded;
  });
}
