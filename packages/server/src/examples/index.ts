/**
 * The sandbox serves the example apps of the use cases (SPEC §4.5) beside the platform, so that
 * `healthbank start` is enough to try a whole journey. Only in sandbox mode: production serves
 * no example app.
 *
 * Same origin, for convenience only. A real app lives on its own origin; here the diary shares
 * the platform's, which means:
 * - its script could do anything same-origin script can: requests carry the citizen's sign-in
 *   session, so it could read her platform pages (and the CSRF tokens in them) and act as her
 *   there. The session cookies are HttpOnly, so it cannot read or steal them, but that is all;
 * - it shares the origin's storage (IndexedDB, localStorage) with the platform's own pages;
 * - `connect-src 'self'` reaches the platform without CORS, which an app elsewhere would need.
 * The example is our own code, built from this repository and held to a strict CSP (below). A
 * real app on another origin gets none of this: SameSite cookies, CORS and `frame-ancestors`
 * keep it out, and it sees the citizen's data only through the consented, encrypted export.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SANDBOX_DIABETES_DIARY } from '../auth/clients/sandbox.js';
import { issuerOf } from '../auth/provider/routes.js';
import { ProblemError } from '../errors/problems.js';
import { type StaticAsset, sendAsset, staticAsset } from '../pages/static-asset.js';

export const DIABETES_DIARY_PATH = '/examples/diabetes-diary';

/** Where `node examples/diabetes-diary/build.mjs` puts the app (from src/ and from dist/ alike). */
export const DIABETES_DIARY_DIST = resolve(import.meta.dirname, '../../../../examples/diabetes-diary/dist');

/**
 * The example's CSP: its own scripts and connections to its own origin only (OWASP ASVS V14.4.3);
 * still no inline script or style, no plugins, no framing (RFC 9700 §4.16), no foreign forms.
 */
export const EXAMPLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Paths under the app's folder and the file each serves; nothing else is read from disk. */
const FILES: Record<string, string> = {
  '/': 'index.html',
  // The redirect URI: the same single-page app, which finishes the import.
  '/callback': 'index.html',
  '/privacy': 'privacy.html',
  '/app.js': 'app.js',
  '/app.css': 'app.css',
};

export interface ExampleOptions {
  /** Where the diary is served: the sandbox's own URL, or a copy's own origin. */
  publicUrl: string;
  /** The built diary; defaults to the repository's `examples/diabetes-diary/dist`. */
  dir?: string;
  /**
   * A copy of the diary on its own origin, as an organisation runs it: the platform (issuer) it
   * talks to and its own client id. Without it the diary is the sandbox's, on the sandbox's origin.
   */
  platform?: { issuer: string; clientId: string; integrationTest?: boolean };
}

/** The CSP of a copy on another origin: the same, with connections to the platform it uses. */
function cspFor(issuer: string | undefined): string {
  if (!issuer) return EXAMPLE_CSP;
  return EXAMPLE_CSP.replace("connect-src 'self'", `connect-src 'self' ${new URL(issuer).origin}`);
}

/** Built files, prepared once per build (keyed by path and modification time). */
const prepared = new Map<string, { mtimeMs: number; asset: StaticAsset }>();

async function assetOf(dir: string, name: string): Promise<StaticAsset> {
  const path = resolve(dir, name);
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(path)).mtimeMs;
  } catch {
    throw new ProblemError('not_found', 'the example app is not built: run `npm run build`');
  }
  const cached = prepared.get(path);
  if (cached?.mtimeMs === mtimeMs) return cached.asset;
  const asset = staticAsset(TYPES[extname(name)] ?? 'application/octet-stream', await readFile(path));
  prepared.set(path, { mtimeMs, asset });
  return asset;
}

/**
 * The app's files keep their names across builds, so the browser revalidates each time (`no-cache`)
 * and, with the ETag, gets `304` and no body until a rebuild changes the file.
 */
async function sendFile(request: FastifyRequest, reply: FastifyReply, dir: string, name: string) {
  return sendAsset(request, reply, await assetOf(dir, name), 'no-cache');
}

/** The diary backend's interface (examples/diabetes-diary/src/backend/deletion.ts), as far as the routes use it. */
interface DiaryBackend {
  receiveWebhook(
    headers: Record<string, string | string[] | undefined>,
    rawBody: string,
  ): Promise<{ status: number; body?: unknown }>;
  order(consentId: string): { deletionRequestId: string } | undefined;
  confirmDeleted(consentId: string): Promise<{ status: number }>;
}

/** What the diary's built backend module (`dist/backend.mjs`) exports, as far as the platform uses it. */
export interface DiaryBackendModule {
  diaryBackend(options: { issuer: string; clientId: string }): DiaryBackend;
  signDiaryReceipt(options: {
    issuer: string;
    clientId: string;
    requestId: string;
    consentId: string;
    now: number;
  }): Promise<string>;
}

/**
 * The diary's backend, built beside the app (`dist/backend.mjs`): the example's own server code,
 * on the public SDK only, which the sandbox runs in-process the way it serves the app's files.
 * Undefined when the diary is not built.
 */
export async function loadDiaryBackendModule(
  dir: string = DIABETES_DIARY_DIST,
): Promise<DiaryBackendModule | undefined> {
  const file = resolve(dir, 'backend.mjs');
  try {
    await stat(file);
  } catch {
    return undefined;
  }
  return (await import(pathToFileURL(file).href)) as DiaryBackendModule;
}

const CONSENT_ID = /^cns_[A-Za-z0-9_-]{1,64}$/;

/**
 * The diary backend's routes (docs/webhooks.md, "The diabetes diary"): the deletion webhook, and the
 * two calls the diary makes on her device, to learn of an order and to report the deletion done.
 */
function registerDiaryBackend(scope: FastifyInstance, backend: DiaryBackend): void {
  scope.register(async (webhook) => {
    // The signature covers the body's exact bytes: keep them as they came.
    webhook.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    webhook.post(`${DIABETES_DIARY_PATH}/api/deletion-webhook`, async (request, reply) => {
      const answer = await backend.receiveWebhook(request.headers, String(request.body ?? ''));
      return reply.code(answer.status).send(answer.body);
    });
  });
  const consentOf = (request: FastifyRequest) => {
    const { consentId } = request.params as { consentId: string };
    if (!CONSENT_ID.test(consentId)) throw new ProblemError('not_found');
    return consentId;
  };
  scope.get(`${DIABETES_DIARY_PATH}/api/deletion-orders/:consentId`, async (request, reply) => {
    const order = backend.order(consentOf(request));
    if (!order) throw new ProblemError('not_found');
    return reply.header('cache-control', 'no-store').send({ deletion_request_id: order.deletionRequestId });
  });
  scope.post(`${DIABETES_DIARY_PATH}/api/deletion-orders/:consentId/deleted`, async (request, reply) => {
    const answer = await backend.confirmDeleted(consentOf(request));
    if (answer.status === 404) throw new ProblemError('not_found');
    return reply.code(answer.status === 204 ? 204 : 502).send();
  });
}

/**
 * Registers the diabetes diary at `/examples/diabetes-diary/` with its `config.json` (the issuer,
 * client id and redirect URI of this start: the port may change between starts).
 *
 * @example
 * if (config.sandbox) registerExamples(app, { publicUrl: config.publicUrl });
 */
export function registerExamples(
  app: FastifyInstance,
  { publicUrl, dir = DIABETES_DIARY_DIST, platform: elsewhere }: ExampleOptions,
): void {
  const origin = issuerOf({ publicUrl });
  const issuer = elsewhere?.issuer ?? origin;
  const clientId = elsewhere?.clientId ?? SANDBOX_DIABETES_DIARY;
  const csp = cspFor(elsewhere?.issuer);
  const platform = {
    issuer,
    clientId,
    redirectUri: `${origin}${DIABETES_DIARY_PATH}/callback`,
    ...(elsewhere?.integrationTest ? { integrationTest: true } : {}),
  };
  app.register(async (scope) => {
    // Runs after the global security headers hook (child hooks follow their parent's), so this
    // CSP replaces the platform's script-less one for these routes only.
    scope.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', csp);
    });
    scope.get(DIABETES_DIARY_PATH, async (_request, reply) => reply.redirect(`${DIABETES_DIARY_PATH}/`, 301));
    scope.get(`${DIABETES_DIARY_PATH}/config.json`, async (_request, reply) =>
      reply.header('cache-control', 'no-store').send(platform),
    );
    for (const [path, name] of Object.entries(FILES)) {
      scope.get(`${DIABETES_DIARY_PATH}${path}`, async (request, reply) => sendFile(request, reply, dir, name));
    }
    const backend = (await loadDiaryBackendModule(dir))?.diaryBackend({ issuer, clientId });
    if (backend) registerDiaryBackend(scope, backend);
  });
}
