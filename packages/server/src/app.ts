/**
 * The composition root: builds the whole platform without listening, so tests drive it with
 * `app.inject()` and only `main` opens a port (STYLE habit 3).
 */
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import { registerAudit } from './audit/index.js';
import { registerAuth } from './auth/index.js';
import type { MessageChannel } from './auth/signin/index.js';
import { createStaffCodeChannel, type StaffCodeChannel } from './auth/staff/channel.js';
import { registerDeletionRequests } from './citizen/deletion/index.js';
import { registerCitizenPortal } from './citizen/index.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config/config.js';
import type { Database } from './db/index.js';
import { registerDeveloper } from './developer/index.js';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling } from './errors/handler.js';
import { registerExamples } from './examples/index.js';
import { registerExport } from './export/index.js';
import { registerAdmissionControl } from './health/admission.js';
import { registerHealthRoutes } from './health/routes.js';
import { registerHomeRoutes } from './home/routes.js';
import { readableLogStream } from './logging/readable.js';
import { type NotificationChannel, registerNotifications } from './notifications/index.js';
import { FAVICON_SVG } from './pages/favicon.js';
import { SITE_CSS } from './pages/layout.js';
import { sendAsset, staticAsset } from './pages/static-asset.js';
import { registerPublicPages } from './public/routes.js';
import { registerReview } from './review/index.js';
import { registerTrustedForwarding } from './security/forwarded.js';
import { registerSecurityHeaders } from './security/headers.js';

export interface AppOptions {
  config: Config;
  db: Database;
  /** Time for expiry, lockouts and rate limits; tests pass a ManualClock. */
  clock?: Clock;
  /**
   * Delivers one-time sign-in codes instead of the channels `config.messaging` names (SMTP, the
   * SMS hook), e.g. a deployment's own push gateway.
   */
  messageChannel?: MessageChannel;
  /**
   * How the upstream identity provider (`config.upstreamOidc`) is reached instead of the global
   * fetch, e.g. one trusting a test's throwaway CA; production trusts a private CA with `NODE_EXTRA_CA_CERTS`.
   */
  upstreamFetch?: typeof fetch;
  /**
   * Where citizens' notifications go besides the portal's inbox (e-mail, push). The sandbox logs
   * them; production without one keeps the inbox alone.
   */
  notificationChannel?: NotificationChannel;
  /** How developers' and reviewers' sign-in codes travel instead of the SMTP relay `config` names. */
  staffChannel?: StaffCodeChannel;
  /**
   * Whether this app signs the audit log's checkpoints (default true). One log serves both realms
   * and is signed with production's keys, so a sandbox served beside production leaves it to
   * production (`serveRealms`).
   */
  auditCheckpoints?: boolean;
}

export async function buildApp({
  config,
  db,
  clock = systemClock,
  messageChannel,
  upstreamFetch,
  notificationChannel,
  staffChannel,
  auditCheckpoints = true,
}: AppOptions): Promise<FastifyInstance> {
  const tls = config.publicUrl.startsWith('https://');
  // In development the terminal is read by people: readable lines, no line per request.
  const readable = config.environment === 'development';
  const app = Fastify({
    logController: new LogController({ disableRequestLogging: readable }),
    logger: {
      level: config.logLevel,
      ...(readable ? { stream: readableLogStream(process.stdout, ['debug', 'trace'].includes(config.logLevel)) } : {}),
      // Log the route, never the raw URL: query strings may carry identifiers (ASVS V7.1.1).
      serializers: {
        req: (req) => ({ method: req.method, route: req.routeOptions?.url ?? 'unmatched', id: req.id }),
      },
    },
    bodyLimit: 1024 * 1024,
    // Errors before any route (an undecodable URL, oversized headers) answer as problems too.
    frameworkErrors: frameworkErrorHandler({ tls }),
    clientErrorHandler: clientErrorHandler({ tls }),
    // Only the configured proxies' X-Forwarded-For is believed; anyone else could pick the address
    // every per-client limit counts against (RFC 7239 §8.1, ASVS V13.1).
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
  });

  registerTrustedForwarding(app, config.publicUrl);
  // Before every route and the authorization server's own hooks: a shed request costs nothing.
  registerAdmissionControl(app, { maxInFlight: config.maxInFlight, maxEventLoopDelayMs: config.maxEventLoopDelayMs });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  registerSecurityHeaders(app, { tls });
  registerErrorHandling(app);
  // First among the routes: it mounts the authorization server, whose hooks must run before any route.
  const auth = await registerAuth(app, {
    config,
    db,
    clock,
    ...(messageChannel ? { channel: messageChannel } : {}),
    ...(upstreamFetch ? { upstreamFetch } : {}),
  });
  await registerExport(app, { config, db, clock, access: auth.access });
  if (auditCheckpoints) await registerAudit(app, { config, db, clock });
  registerDeletionRequests(app, { config, db, clock });
  registerCitizenPortal(app, { config, db, clock, provider: auth.provider });
  if (!config.sandbox) {
    // Organisations and reviewers act on production: their portals live in production's realm only.
    // They sign in by e-mail codes through the deployment's SMTP relay.
    const staffCodes = staffChannel ?? createStaffCodeChannel(config, app.log);
    registerDeveloper(app, { config, db, clock, staffChannel: staffCodes });
    registerReview(app, { config, db, clock, staffChannel: staffCodes });
  }
  registerNotifications(app, {
    db,
    clock,
    ...(notificationChannel ? { channel: notificationChannel } : config.sandbox ? { channel: 'log' } : {}),
  });

  const siteCss = staticAsset('text/css; charset=utf-8', Buffer.from(SITE_CSS));
  const favicon = staticAsset('image/svg+xml', Buffer.from(FAVICON_SVG));
  app.get('/assets/site.css', async (request, reply) => sendAsset(request, reply, siteCss, 'public, max-age=3600'));
  for (const path of ['/favicon.ico', '/favicon.svg']) {
    app.get(path, async (request, reply) => sendAsset(request, reply, favicon, 'public, max-age=86400'));
  }
  registerHealthRoutes(app, db);
  // Production's front door is the public site; the sandbox's shows what the sandbox holds.
  if (config.sandbox) registerHomeRoutes(app, db);
  else registerPublicPages(app, { config, db });
  if (config.sandbox) registerExamples(app, { publicUrl: config.publicUrl });

  return app;
}
