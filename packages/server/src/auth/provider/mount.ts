/**
 * Puts oidc-provider (a Koa app) behind Fastify routes, one per endpoint and method, so that both
 * share one port and one process while each answers in its own error shape: OAuth endpoints in
 * OAuth's JSON (RFC 6749 §5.2) or its error page, everything else — unknown paths under `/oauth/`
 * and wrong methods included — through the platform's problem handler.
 *
 * Fastify reads a request's form first, so the platform's own checks (`endpoint-checks.ts`) and
 * rate limits run before the provider sees it; the provider then reads the same bytes again.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type Provider from 'oidc-provider';
import type { Clock } from '../../clock.js';
import { UNAVAILABLE_RETRY_AFTER_S, unavailabilityOf, unavailableOAuthError } from '../../db/availability.js';
import { ProblemError } from '../../errors/problems.js';
import { securityHeaders } from '../../security/headers.js';
import { RateLimiter } from '../rate-limit.js';
import { checkEndpointRequest, type OAuthRefusal } from './endpoint-checks.js';
import { replayedRequest } from './replayed-request.js';
import { DISCOVERY_PATH, OAUTH_METADATA_PATH, OAUTH_ROUTES } from './routes.js';

export interface MountOptions {
  /** Requests per minute per client address on each limited endpoint. */
  rateLimit: number;
  clock: Clock;
  tls: boolean;
  /** Whether a registered app is suspended (by a reviewer, or for an expired security report). */
  isSuspended?: (clientId: string) => Promise<boolean>;
}

/** The client a PAR or token request names: `client_id`, or the issuer of its client assertion. */
function requestingClient(form: URLSearchParams): string | undefined {
  const id = form.get('client_id');
  if (id) return id;
  const assertion = form.get('client_assertion')?.split('.')[1];
  if (!assertion) return undefined;
  try {
    const iss = (JSON.parse(Buffer.from(assertion, 'base64url').toString('utf8')) as { iss?: unknown }).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

interface Endpoint {
  path: string;
  methods: HTTPMethods[];
  /** Takes a credential or creates state: rate-limited (ASVS V11.1.4, RFC 9700 §4.18). */
  limited?: boolean;
}

/** Every route oidc-provider answers, with the methods it answers them on (OPTIONS is CORS preflight). */
const ENDPOINTS: Endpoint[] = [
  { path: DISCOVERY_PATH, methods: ['GET', 'OPTIONS'] },
  { path: OAUTH_METADATA_PATH, methods: ['GET', 'OPTIONS'] },
  { path: OAUTH_ROUTES.authorization, methods: ['GET'] },
  // The authorization endpoint resumes an interaction at `/oauth/authorize/<uid>`.
  { path: `${OAUTH_ROUTES.authorization}/:uid`, methods: ['GET'] },
  { path: OAUTH_ROUTES.pushed_authorization_request, methods: ['POST', 'OPTIONS'], limited: true },
  { path: OAUTH_ROUTES.token, methods: ['POST', 'OPTIONS'], limited: true },
  { path: OAUTH_ROUTES.jwks, methods: ['GET', 'OPTIONS'] },
  { path: OAUTH_ROUTES.revocation, methods: ['POST', 'OPTIONS'], limited: true },
  { path: OAUTH_ROUTES.introspection, methods: ['POST', 'OPTIONS'], limited: true },
];

const ALL_METHODS: HTTPMethods[] = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'];

/** oidc-provider's own limit on a request body. */
const BODY_LIMIT = 56 * 1024;

/** An OAuth error answer (RFC 6749 §5.2), never cached. */
function sendOAuthError(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: OAuthRefusal,
  retryAfter?: number,
): FastifyReply {
  reply.status(refusal.status).header('cache-control', 'no-store');
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  // RFC 6749 §5.2: a client that tried the Authorization header gets a challenge for its scheme.
  if (refusal.status === 401 && /^basic\s/i.test(request.headers.authorization ?? '')) {
    reply.header('www-authenticate', 'Basic realm="healthbank"');
  }
  return reply.send({ error: refusal.error, error_description: refusal.description });
}

/** Registers the provider's endpoints; other paths never reach the provider. */
export async function mountProvider(app: FastifyInstance, provider: Provider, opts: MountOptions): Promise<void> {
  const limiter = new RateLimiter(opts.rateLimit, 60_000, opts.clock);
  // Fastify's onSend hooks do not run for responses oidc-provider writes itself.
  const headers = securityHeaders({ tls: opts.tls });
  const callback = provider.callback();

  async function dispatch(request: FastifyRequest, reply: FastifyReply, endpoint: Endpoint): Promise<FastifyReply> {
    if (endpoint.limited) {
      const decision = limiter.hit(`${endpoint.path}|${request.ip}`);
      if (!decision.allowed) {
        const retryAfter = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        // `temporarily_unavailable` is RFC 6749's code for a server that cannot answer now.
        const refusal = {
          status: 429,
          error: 'temporarily_unavailable',
          description: `too many requests; retry in ${retryAfter} s`,
        };
        return sendOAuthError(request, reply, refusal, retryAfter);
      }
    }
    const body = request.body instanceof Buffer ? request.body : undefined;
    if (request.method === 'POST') {
      const form = new URLSearchParams(body?.toString('latin1') ?? '');
      const refusal = checkEndpointRequest({
        path: endpoint.path,
        form,
        headers: request.headers,
        now: opts.clock.now(),
      });
      if (refusal) return sendOAuthError(request, reply, refusal);
      const grants =
        endpoint.path === OAUTH_ROUTES.pushed_authorization_request || endpoint.path === OAUTH_ROUTES.token;
      const clientId = grants ? requestingClient(form) : undefined;
      // RFC 6749 §5.2 `unauthorized_client`: a suspended app is known but may not obtain
      // authorization now (its client is otherwise invisible to the provider, `adapter.ts`).
      if (clientId && (await opts.isSuspended?.(clientId))) {
        return sendOAuthError(request, reply, {
          status: 400,
          error: 'unauthorized_client',
          description: 'the app is suspended',
        });
      }
    }
    const raw = body === undefined ? request.raw : replayedRequest(request.raw, body);
    // RFC 8414 metadata and OpenID discovery are one document for an issuer without a path.
    if (endpoint.path === OAUTH_METADATA_PATH)
      raw.url = DISCOVERY_PATH + request.raw.url?.slice(OAUTH_METADATA_PATH.length);
    reply.hijack();
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    await callback(raw, reply.raw);
    return reply;
  }

  await app.register(async (scope) => {
    // The form stays bytes: checked here, parsed again by the provider from the same bytes.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, payload, done) =>
      done(null, payload),
    );
    // Body errors (too large, unreadable) at an OAuth endpoint answer in OAuth's shape.
    scope.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
      // Shed by admission control (health/admission.ts, Retry-After already set): 503 in OAuth's
      // shape. It was a 500 server_error until the open-loop benchmark (bench/load.ts) sent 3× the load.
      if (error instanceof ProblemError && error.status === 503) {
        return sendOAuthError(request, reply, {
          status: 503,
          error: 'temporarily_unavailable',
          description: error.message,
        });
      }
      // The database down or full before the provider ran (a suspension check): 503, as the provider's own.
      const unavailable = unavailabilityOf(error);
      if (unavailable) {
        const { error: code, error_description: description } = unavailableOAuthError(unavailable);
        return sendOAuthError(
          request,
          reply,
          { status: 503, error: code, description },
          UNAVAILABLE_RETRY_AFTER_S[unavailable],
        );
      }
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) request.log.error({ err: error }, 'OAuth endpoint failed');
      const description = status === 413 ? 'the request body is too large' : 'the request could not be read';
      return sendOAuthError(request, reply, {
        status,
        error: status === 500 ? 'server_error' : 'invalid_request',
        description,
      });
    });
    for (const endpoint of ENDPOINTS) {
      scope.route({
        method: endpoint.methods,
        url: endpoint.path,
        exposeHeadRoute: false,
        handler: (request, reply) => dispatch(request, reply, endpoint),
      });
    }
  });

  // A known endpoint asked with another method: 405 with Allow (RFC 9110 §15.5.6), as a problem.
  for (const endpoint of ENDPOINTS) {
    const allow = endpoint.methods.join(', ');
    app.route({
      method: ALL_METHODS.filter((m) => !endpoint.methods.includes(m)),
      url: endpoint.path,
      exposeHeadRoute: false,
      handler: async (_request, reply) => {
        reply.header('allow', allow);
        throw new ProblemError('method_not_allowed');
      },
    });
  }
}
