/**
 * Sign-in through an upstream OpenID Connect provider (a government digital-identity service),
 * the citizen matched by a national ID claim of its verified ID token. Registered by
 * `registerSignin` only when `config.upstreamOidc` is set.
 *
 * - `POST /signin/:uid/upstream` — `_csrf` → 303 to the provider (authorization code, PKCE S256,
 *   state, nonce; PAR when the provider offers it)
 * - `GET  /signin/upstream/callback` — the provider's answer → the interaction, or a page saying why not
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Html } from '../../../pages/html.js';
import type { SigninContext, SigninSection } from '../context.js';
import { UpstreamClient, type UpstreamOidcSettings } from './client.js';
import { upstreamSection } from './pages.js';
import { registerUpstreamRoutes } from './routes.js';

export { UPSTREAM_FALLBACK_AMR } from './claims.js';
export { UPSTREAM_CALLBACK_PATH, upstreamRedirectUri } from './client.js';

export interface UpstreamSigninOptions {
  settings: UpstreamOidcSettings;
  /** How the provider is reached (see `UpstreamClient`); the global fetch by default. */
  fetch?: typeof fetch;
}

/** Registers the routes and returns the sign-in page's section for the provider. */
export function registerUpstreamSignin(
  app: FastifyInstance,
  ctx: SigninContext,
  opts: UpstreamSigninOptions,
): SigninSection {
  const upstream = new UpstreamClient({
    settings: opts.settings,
    environment: ctx.config.environment,
    clock: ctx.clock,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  registerUpstreamRoutes(app, ctx, opts.settings, upstream);

  // CSP Level 3 §6.4.1: browsers hold the redirect after a form post to `form-action` (Chromium
  // enforces it), so a page showing the button also allows the provider's origins, and no other.
  // Added after the site-wide headers hook (registered before sign-in), so it edits that policy.
  const showsButton = new WeakSet<FastifyRequest>();
  app.addHook('onSend', async (request, reply, payload) => {
    const policy = reply.getHeader('content-security-policy');
    if (showsButton.has(request) && typeof policy === 'string') {
      reply.header('content-security-policy', withFormTargets(policy, upstream.formTargets()));
    }
    return payload;
  });

  // Discovered at start, so the first sign-in page already knows where its form leads.
  upstream.configuration().catch((error: unknown) => {
    app.log.warn({ err: error }, 'upstream identity provider discovery failed; retried at the next sign-in');
  });

  return (request, page): Html => {
    showsButton.add(request);
    return upstreamSection({ ...page, name: opts.settings.name });
  };
}

/** Adds `origins` to the policy's `form-action`. */
export function withFormTargets(policy: string, origins: string[]): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter(Boolean)
    .map((d) => {
      const sources = d.split(/\s+/);
      if (sources[0]?.toLowerCase() !== 'form-action') return d;
      return [...sources, ...origins.filter((o) => !sources.includes(o))].join(' ');
    })
    .join('; ');
}
