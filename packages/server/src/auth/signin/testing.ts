/**
 * A minimal app around the sign-in routes, for their tests and browser tests: the lead's pieces
 * (cookies, forms, security headers, errors, stylesheet) and an `onSignedIn` that records.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/config.js';
import type { Database } from '../../db/index.js';
import { registerErrorHandling } from '../../errors/handler.js';
import { SITE_CSS } from '../../pages/layout.js';
import { registerSecurityHeaders } from '../../security/headers.js';
import type { SignedIn } from './context.js';
import { registerSignin, type SigninDeps } from './index.js';

export interface SigninTestApp {
  app: FastifyInstance;
  /** Every completed sign-in, in order. */
  signedIn: (SignedIn & { uid: string })[];
}

/** A syntactically valid interaction id (oidc-provider mints 21-character nanoids). */
export const TEST_UID = 'Xk3vQ9tZpL2mN8rB4wYc1';

export async function buildSigninTestApp(opts: {
  db: Database;
  config: Config;
  clock: Clock;
  channel?: SigninDeps['channel'];
  upstreamFetch?: SigninDeps['upstreamFetch'];
  /** Where the app's log lines go (pino JSON, level info); none by default. */
  logStream?: { write(line: string): void };
}): Promise<SigninTestApp> {
  const { logStream, ...deps } = opts;
  const app = Fastify({ logger: logStream ? { level: 'info', stream: logStream } : false });
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  registerSecurityHeaders(app, { tls: opts.config.publicUrl.startsWith('https://') });
  registerErrorHandling(app);
  app.get('/assets/site.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(SITE_CSS));
  const signedIn: SigninTestApp['signedIn'] = [];
  registerSignin(app, {
    ...deps,
    onSignedIn: async (_request, reply, uid, result) => {
      signedIn.push({ uid, ...result });
      return reply
        .type('text/html; charset=utf-8')
        .send(`<!doctype html><title>done</title><p id="done">${result.citizenId}</p>`);
    },
  });
  await app.ready();
  return { app, signedIn };
}
