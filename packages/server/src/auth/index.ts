/**
 * Authorization: the OAuth 2 / OpenID Connect server (FAPI 2.0 baseline), citizen sign-in, the
 * consent pages, revocation, and the check the export API runs on every request.
 */
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { registerRevokeRoute } from '../consent/revoke.js';
import { registerConsentRoutes } from '../consent/routes.js';
import {
  UNAVAILABLE_RETRY_AFTER_S,
  type Unavailability,
  unavailabilityOf,
  unavailableOAuthError,
} from '../db/availability.js';
import type { Database } from '../db/index.js';
import { purgeExpiredArtifacts } from './adapter.js';
import { findApp } from './clients/apps.js';
import { isPortalClient } from './clients/portal.js';
import { finishLogin, loadInteraction, registerInteractionRoutes } from './interaction/interactions.js';
import { mountProvider } from './provider/mount.js';
import { createProvider } from './provider/provider.js';
import { renderProviderError } from './provider/render-error.js';
import { exportResourceOf, issuerOf } from './provider/routes.js';
import { registerSmartConfiguration } from './provider/smart-configuration.js';
import { registerExportPing } from './resource/ping-route.js';
import type { VerifyAccessDeps } from './resource/verify-access.js';
import { registerSignin, type SigninDeps } from './signin/index.js';

export {
  type ExampleOrigin,
  registerSandboxApps,
  SANDBOX_DIABETES_DIARY,
  SANDBOX_TELECONSULT,
  SANDBOX_WORKPLACE_HEALTH,
} from './clients/sandbox.js';
export { AccessError, type ExportAccess, verifyExportAccess } from './resource/verify-access.js';

export interface AuthDeps {
  config: Config;
  db: Database;
  clock: Clock;
  /** Delivery of one-time sign-in codes (see `auth/signin`); defaults to the log. */
  channel?: SigninDeps['channel'];
  /** How the upstream identity provider is reached (see `auth/signin`); the global fetch by default. */
  upstreamFetch?: SigninDeps['upstreamFetch'];
}

export interface Auth {
  provider: Provider;
  /** What the export API passes to `verifyExportAccess`. */
  access: VerifyAccessDeps;
}

/** How often expired authorization artifacts are deleted (they are invisible once expired). */
const PURGE_INTERVAL_MS = 10 * 60_000;

/**
 * Registers everything authorization needs on the app: the provider (under `/oauth/` and the
 * discovery documents), `/interaction/:uid`, sign-in (`/signin/:uid…`), consent
 * (`/consent/:uid`), `POST /api/consents/:id/revoke` and `GET /api/export/ping`.
 */
export async function registerAuth(app: FastifyInstance, deps: AuthDeps): Promise<Auth> {
  const { config, db, clock } = deps;
  const provider = createProvider({ config, db, clock });
  const tls = config.publicUrl.startsWith('https://');
  const csrf = { secret: config.secret, secure: tls };
  const resource = exportResourceOf(config);

  answerUnavailableDatabase(app, provider);

  await mountProvider(app, provider, {
    rateLimit: config.oauthRateLimit,
    clock,
    tls,
    isSuspended: async (clientId) => (await findApp(db, clientId))?.status === 'suspended',
  });
  registerSmartConfiguration(app, config);
  registerInteractionRoutes(app, provider);
  registerSignin(app, {
    db,
    config,
    clock,
    ...(deps.channel ? { channel: deps.channel } : {}),
    ...(deps.upstreamFetch ? { upstreamFetch: deps.upstreamFetch } : {}),
    onSignedIn: finishLogin(provider, { db, clock, scope: { synthetic: config.sandbox } }),
    // The sign-in page names who asked: the app the interaction is for, or the portal itself.
    requester: async (request, reply, uid) => {
      const details = await loadInteraction(provider, request, reply, uid).catch(() => undefined);
      const clientId = details?.params.client_id;
      if (isPortalClient(clientId)) return 'portal';
      const app = typeof clientId === 'string' ? await findApp(db, clientId) : undefined;
      return app ? { app: app.name } : undefined;
    },
  });
  registerConsentRoutes(app, { provider, db, clock, csrf, resource });
  registerRevokeRoute(app, { provider, db, clock, csrf });
  const access: VerifyAccessDeps = { provider, db, clock, resource, origin: new URL(issuerOf(config)).origin };
  registerExportPing(app, access);

  const timer = setInterval(() => {
    purgeExpiredArtifacts(db, clock).catch((error: unknown) => app.log.warn({ err: error }, 'artifact purge failed'));
  }, PURGE_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
  return { provider, access };
}

/**
 * The provider answers its own failures as `500 server_error`. A database that is down or full is
 * no defect: such an answer becomes 503 `temporarily_unavailable` (RFC 6749 §4.1.2.1, §5.2's
 * extension point) with `Retry-After` (RFC 9110 §10.2.3), as the rest of the platform answers
 * (errors/handler.ts). A redirect that carries the error to the app is left as the provider made it.
 */
function answerUnavailableDatabase(app: FastifyInstance, provider: Provider): void {
  const causes = new WeakMap<object, Unavailability>();
  provider.on('server_error', (ctx: object, error: Error) => {
    const cause = unavailabilityOf(error);
    if (cause) causes.set(ctx, cause);
    else app.log.error({ err: error }, 'authorization server error');
  });
  provider.use(async (ctx, next) => {
    let cause: Unavailability | undefined;
    try {
      await next();
      cause = ctx.status === 500 ? causes.get(ctx) : undefined;
    } catch (error) {
      // Thrown past the provider's own error handlers: saving the session after a route (found by
      // `npm run chaos` as a 500 at the authorization endpoint's resume).
      cause = unavailabilityOf(error);
      if (!cause) throw error;
      if (ctx.accepts('json', 'html') === 'html') await renderProviderError(ctx, unavailableOAuthError(cause), error);
      else ctx.body = unavailableOAuthError(cause);
    }
    if (!cause) return;
    app.log.warn({ cause }, 'database unavailable');
    ctx.status = 503;
    ctx.set('retry-after', String(UNAVAILABLE_RETRY_AFTER_S[cause]));
    // A page stays the page the provider rendered; JSON becomes OAuth's error for the cause.
    if (typeof ctx.body === 'object' && ctx.body !== null) ctx.body = unavailableOAuthError(cause);
  });
}
