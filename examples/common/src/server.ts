/**
 * What both example backends share: a Fastify server on the app's own origin that serves the
 * citizen-side web app, mediates its OAuth requests (`@healthbank/sdk/backend`), takes the signed
 * exports its devices upload, and answers errors as RFC 9457 problem details without internals.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ExportClaims, type RecordsByCategory, SdkError } from '@healthbank/sdk';
import { type AppBackend, createAppBackend, type JWK, MEDIATED_ENDPOINTS, recordsOf } from '@healthbank/sdk/backend';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

export interface ExampleServerOptions {
  /** Where this app is served (its own origin), e.g. `http://localhost:3002`. */
  publicUrl: string;
  /** The platform's issuer. */
  issuer: string;
  clientId: string;
  /** The client's private key (`private_key_jwt`); its public half is registered with the platform. */
  clientKey: JWK;
  /** The built web app: `index.html`, `app.js`, `app.css`, `privacy.html`. */
  webDir: string;
  /** The largest upload taken, in bytes. */
  uploadLimit?: number;
  fetch?: typeof fetch;
}

/** A problem (RFC 9457) with a stable `code`; `detail` is for people and says nothing internal. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

const WEB_FILES: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  // The redirect URI is the same page: the SDK finishes the authorization there.
  '/callback': ['index.html', 'text/html; charset=utf-8'],
  '/privacy': ['privacy.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/app.css': ['app.css', 'text/css; charset=utf-8'],
};

/**
 * Strict CSP (OWASP ASVS V14.4.3): own scripts and styles only, connections to this backend and
 * the platform (discovery, tickets and files), no framing (RFC 9700 §4.16), no foreign forms.
 */
function csp(issuer: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `connect-src 'self' ${new URL(issuer).origin}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A device's credential with this backend: random, shown once, stored as its SHA-256 only. */
export function newDeviceToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The bearer token of a device request (`Authorization: Bearer …`), or a 401 problem. */
export function deviceTokenOf(request: FastifyRequest): string {
  const match = /^Bearer ([A-Za-z0-9_-]{43})$/.exec(request.headers.authorization ?? '');
  if (!match?.[1]) throw new Problem(401, 'device_unknown', 'This device is not connected.');
  return match[1];
}

/** A name the citizen gave for the staff to call them: short plain text only (ASVS V5.1.3). */
export function displayNameOf(value: unknown): string {
  const name = String(value ?? '').trim();
  if (name.length > 40 || /[\p{Cc}<>]/u.test(name)) {
    throw new Problem(400, 'name_invalid', 'The name is too long or has characters that are not allowed.');
  }
  return name;
}

/** What a device's token opens: the row stored with the token's hash, or a 401 problem. */
export function byDeviceToken<T extends { deviceHash: string }>(
  request: FastifyRequest,
  find: (hash: string) => T | undefined,
): T {
  const hash = hashToken(deviceTokenOf(request));
  const row = find(hash);
  if (!row || !sameHash(row.deviceHash, hash))
    throw new Problem(401, 'device_unknown', 'This device is not connected.');
  return row;
}

/**
 * A new file for a consent already connected replaces the old one only from the device that
 * connected it (its token); anyone else gets a 409 problem.
 */
export function assertConnectingDevice(request: FastifyRequest, deviceHash: string): void {
  const token = request.headers.authorization ? deviceTokenOf(request) : '';
  if (!token || !sameHash(deviceHash, hashToken(token))) {
    throw new Problem(409, 'already_connected', 'This consent is already connected from another device.');
  }
}

/**
 * The upload, verified against the platform's published keys (`openUpload`) and read as records.
 * What the platform did not sign, or signed for another app, is a 422 problem that says no more.
 */
export async function verifiedUpload(
  backend: AppBackend,
  request: FastifyRequest,
): Promise<{ claims: ExportClaims; records: RecordsByCategory }> {
  try {
    const opened = await backend.openUpload(uploadOf(request));
    return { claims: opened.claims, records: recordsOf(opened) };
  } catch (error) {
    if (error instanceof SdkError) throw new Problem(422, 'export_invalid', 'The file could not be verified.');
    throw error;
  }
}

/** Constant-time comparison of two token hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The server, not listening (tests use `inject`), with the web app, `config.json`, the token
 * mediator at `/api/oauth/{par,token,revoke}` and the error handler. The example adds its own
 * routes to `app`; `backend.openUpload` checks uploads.
 */
export function exampleServer(options: ExampleServerOptions): { app: FastifyInstance; backend: AppBackend } {
  const app = Fastify({ logger: false, bodyLimit: options.uploadLimit ?? 16 * 1024 * 1024, trustProxy: false });
  const backend = createAppBackend({
    issuer: options.issuer,
    clientId: options.clientId,
    key: options.clientKey,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const policy = csp(options.issuer);

  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', policy);
    reply.header('x-content-type-options', 'nosniff');
    // The callback URL carries the authorization code: never send it to another origin (RFC 9700
    // §4.2.4). `same-origin`, not `no-referrer`: with the latter browsers send `Origin: null` on
    // form posts, and the staff pages' CSRF defence checks the Origin.
    reply.header('referrer-policy', 'same-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
  });

  // Forms and the mediated OAuth requests are read as text; uploads as bytes.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
    done(null, body),
  );
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof Problem) return sendProblem(reply, error);
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    // Fastify's own 4xx (body too large, bad JSON) keep their status; nothing else is explained.
    if (status === 500) console.error(`[${options.clientId}] ${error.name}`);
    return sendProblem(
      reply,
      new Problem(
        status,
        status === 500 ? 'internal_error' : 'bad_request',
        status === 500 ? 'Something went wrong.' : 'The request is not valid.',
      ),
    );
  });
  app.setNotFoundHandler((_request, reply) => sendProblem(reply, new Problem(404, 'not_found', 'Nothing here.')));

  for (const [path, [file, type]] of Object.entries(WEB_FILES)) {
    app.get(path, async (_request, reply) => {
      const body = await readFile(join(options.webDir, file)).catch(() => {
        throw new Problem(503, 'not_built', 'The app is not built: run `npm run build`.');
      });
      return reply.type(type).header('cache-control', 'no-cache').send(body);
    });
  }
  app.get('/config.json', async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({
      issuer: options.issuer,
      clientId: options.clientId,
      redirectUri: `${options.publicUrl}/callback`,
      tokenMediator: `${options.publicUrl}/api/oauth`,
    }),
  );
  app.post('/api/oauth/:endpoint', async (request, reply) => {
    const { endpoint } = request.params as { endpoint: string };
    if (!(MEDIATED_ENDPOINTS as readonly string[]).includes(endpoint))
      throw new Problem(404, 'not_found', 'Nothing here.');
    if (typeof request.body !== 'string') throw new Problem(415, 'form_expected', 'Send a form.');
    const dpop = typeof request.headers.dpop === 'string' ? request.headers.dpop : undefined;
    const answer = await backend.forward(endpoint as (typeof MEDIATED_ENDPOINTS)[number], request.body, dpop);
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });
  return { app, backend };
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json')
    .header('cache-control', 'no-store')
    .send({
      type: 'about:blank',
      title: problem.code.replace(/_/g, ' '),
      status: problem.status,
      code: problem.code,
      detail: problem.detail,
    });
}

/** The upload body: the signed export's bytes, as `application/octet-stream`. */
export function uploadOf(request: FastifyRequest): Uint8Array {
  if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
    throw new Problem(415, 'upload_expected', 'Send the signed export as application/octet-stream.');
  }
  return new Uint8Array(request.body);
}
