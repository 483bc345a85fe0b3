/**
 * Test support: a real second oidc-provider in-process as the upstream identity provider, on a
 * loopback port over HTTP, or over HTTPS with a throwaway certificate (`security/testing-tls.ts`).
 * It registers one client for healthbank (private_key_jwt with keys made here), signs citizens in
 * with a one-button login page as whoever `nextLogin` names, and can misbehave on request.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import Provider, { type Adapter, type AdapterPayload, interactionPolicy } from 'oidc-provider';
import { fetchTrusting, type ThrowawayCertificate } from '../../../security/testing-tls.js';
import { csrfIn, type TestBrowser } from '../../testing.js';
import type { UpstreamOidcSettings } from './client.js';

/** Who the next login at the test provider is: the national ID claim (absent when `undefined`) and `amr`. */
export interface TestLogin {
  nationalId?: unknown;
  amr?: string[];
}

/**
 * Ways the test provider can break its promises in the ID token it returns from the token
 * endpoint: another `nonce`, another issuer, or a signature by a key it never published.
 */
export type Misbehaviour = 'nonce' | 'issuer' | 'signature';

export interface TestUpstreamOptions {
  /** Redirect URIs of healthbank's client: `upstreamRedirectUri(publicUrl)` for each platform. */
  redirectUris: string[];
  /** Serve HTTPS with this certificate; plain HTTP otherwise. */
  tls?: ThrowawayCertificate;
  /** The issuer's host name (default `127.0.0.1`; it always listens on 127.0.0.1). */
  hostname?: string;
  /** Offer pushed authorization requests (default true). */
  par?: boolean;
  /** Default `national_id`. */
  nationalIdClaim?: string;
  /** Default `healthbank`. */
  clientId?: string;
}

export interface AuthorizationRequestSeen {
  route: 'authorization' | 'pushed_authorization_request';
  params: Record<string, string>;
}

export interface TestUpstream {
  issuer: string;
  /** What `config.upstreamOidc` needs (the private JWK Set whose public half the client holds). */
  settings: UpstreamOidcSettings;
  /** Over TLS, a fetch that trusts the certificate (the platform's `upstreamFetch`); else undefined. */
  fetch?: typeof fetch;
  /** Who logs in from now on (until called again). */
  nextLogin(login: TestLogin): void;
  /** Misbehave from now on, or stop with `undefined`. */
  misbehave(mode: Misbehaviour | undefined): void;
  /** Authorization requests received, pushed and front-channel, in order. */
  readonly requests: AuthorizationRequestSeen[];
  close(): Promise<void>;
}

/** The test provider's name on healthbank's button. */
export const TEST_UPSTREAM_NAME = { 'zh-TW': '測試數位身分', en: 'Test digital identity' };

/** Starts the provider; `await upstream.close()` when done. */
export async function startTestUpstream(opts: TestUpstreamOptions): Promise<TestUpstream> {
  const claim = opts.nationalIdClaim ?? 'national_id';
  const clientId = opts.clientId ?? 'healthbank';
  const [signing, clientKeys, foreign] = await Promise.all([
    generateKeyPair('ES256', { extractable: true }),
    generateKeyPair('ES256', { extractable: true }),
    generateKeyPair('ES256'),
  ]);
  const signingJwk = { ...(await exportJWK(signing.privateKey)), kid: 'upstream-es256', alg: 'ES256', use: 'sig' };
  const clientPrivate = { ...(await exportJWK(clientKeys.privateKey)), kid: 'healthbank-upstream', alg: 'ES256' };
  const { d: _private, ...clientPublic } = clientPrivate;

  let login: TestLogin = {};
  let misbehaviour: Misbehaviour | undefined;
  const accounts = new Map<string, TestLogin>();
  const requests: AuthorizationRequestSeen[] = [];

  let provider: Provider | undefined;
  let callback: ReturnType<Provider['callback']> | undefined;
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    if (!provider || !callback) return void res.writeHead(503).end();
    handle(provider, callback, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  };
  const server = opts.tls
    ? createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert }, serve)
    : createHttpServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const issuer = `${opts.tls ? 'https' : 'http'}://${opts.hostname ?? '127.0.0.1'}:${port}`;

  const policy = interactionPolicy.base();
  // Every authorization signs in afresh, so each flow is whoever `nextLogin` names (no SSO).
  policy
    .get('login')
    ?.checks.add(
      new interactionPolicy.Check(
        'test_login',
        'the test provider signs in every time',
        (ctx) => !ctx.oidc.result?.login,
      ),
    );

  provider = new Provider(issuer, {
    adapter: memoryAdapters(),
    clients: [
      {
        client_id: clientId,
        redirect_uris: opts.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        id_token_signed_response_alg: 'ES256',
        jwks: { keys: [clientPublic as JWK & { kty: string }] },
      },
    ],
    jwks: { keys: [signingJwk as JWK & { kty: string }] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: { openid: ['sub', 'amr', claim] },
    // The national ID goes in the ID token itself, as the platform reads it (not from userinfo).
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      pushedAuthorizationRequests: { enabled: opts.par ?? true },
    },
    pkce: { required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    responseTypes: ['code'],
    enabledJWA: { idTokenSigningAlgValues: ['ES256'], clientAuthSigningAlgValues: ['ES256'] },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}`, policy },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        async claims() {
          return { sub: id, ...(account.nationalId === undefined ? {} : { [claim]: account.nationalId }) };
        },
      };
    },
    // Consent is not what is under test: the client gets the openid scope and the claim at once.
    async loadExistingGrant(ctx) {
      const accountId = ctx.oidc.session?.accountId;
      const client = ctx.oidc.client;
      if (!accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope('openid');
      grant.addOIDCClaims([claim]);
      await grant.save();
      return grant;
    },
  });

  provider.use(async (ctx, next) => {
    await next();
    const route = ctx.oidc?.route;
    if ((route === 'authorization' || route === 'pushed_authorization_request') && ctx.oidc.params) {
      const params = Object.fromEntries(
        Object.entries(ctx.oidc.params).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      requests.push({ route, params });
    }
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (route === 'token' && misbehaviour && typeof body?.id_token === 'string') {
      ctx.body = { ...body, id_token: await forge(body.id_token, misbehaviour) };
    }
  });

  // Koa composes its middleware when the handler is made: after `use`.
  callback = provider.callback();

  async function forge(idToken: string, mode: Misbehaviour): Promise<string> {
    const payload: JWTPayload = { ...decodeJwt(idToken) };
    const header = decodeProtectedHeader(idToken);
    if (mode === 'nonce') payload.nonce = randomBytes(32).toString('base64url');
    if (mode === 'issuer') payload.iss = 'https://impostor.example.test';
    const key: CryptoKey = mode === 'signature' ? foreign.privateKey : signing.privateKey;
    return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', kid: header.kid ?? signingJwk.kid }).sign(key);
  }

  async function handle(
    p: Provider,
    protocol: ReturnType<Provider['callback']>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', issuer);
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|cancel))?$/.exec(url.pathname);
    if (!match) return protocol(req, res);
    const [, uid, action] = match;
    if (!action && req.method === 'GET') {
      await p.interactionDetails(req, res);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return void res.end(loginPage(uid ?? ''));
    }
    if (action && req.method === 'POST') {
      // The form carries nothing the test provider needs: drain it.
      for await (const _chunk of req);
      if (action === 'cancel') {
        return p.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'the citizen cancelled',
        });
      }
      // The same login is the same account: a browser that signs in again as someone else would
      // first be asked to end its session at the provider (use a fresh browser for that).
      const accountId = createHash('sha256').update(JSON.stringify(login)).digest('base64url').slice(0, 22);
      accounts.set(accountId, { ...login });
      return p.interactionFinished(
        req,
        res,
        { login: { accountId, ...(login.amr ? { amr: login.amr } : {}) } },
        { mergeWithLastSubmission: false },
      );
    }
    res.writeHead(404).end();
  }

  return {
    issuer,
    settings: {
      issuer,
      clientId,
      jwks: { keys: [clientPrivate as UpstreamOidcSettings['jwks']['keys'][number]] },
      nationalIdClaim: claim,
      scope: 'openid',
      name: { ...TEST_UPSTREAM_NAME },
    },
    ...(opts.tls ? { fetch: fetchTrusting(opts.tls.cert) } : {}),
    nextLogin(next) {
      login = { ...next };
    },
    misbehave(mode) {
      misbehaviour = mode;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function loginPage(uid: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider</title></head>
<body><main><h1>Test identity provider</h1>
<form method="post" action="/interaction/${uid}/login"><input type="hidden" name="confirm" value="yes"><button type="submit">Confirm my identity</button></form>
<form method="post" action="/interaction/${uid}/cancel"><input type="hidden" name="cancel" value="yes"><button type="submit">Cancel</button></form>
</main></body></html>`;
}

type Stored = { payload: AdapterPayload; expiresAt?: number };

/**
 * oidc-provider's storage for one test provider: a Map per model with expiry (oidc-provider's own
 * memory adapter is shared by every provider in the process, and warns).
 */
function memoryAdapters(): (name: string) => Adapter {
  const stores = new Map<string, Map<string, Stored>>();
  return (name) => {
    const store = stores.get(name) ?? new Map<string, Stored>();
    stores.set(name, store);
    const live = (id: string) => {
      const entry = store.get(id);
      if (entry?.expiresAt !== undefined && entry.expiresAt <= Date.now()) store.delete(id);
      return store.get(id)?.payload;
    };
    const findBy = (test: (p: AdapterPayload) => boolean) => [...store.keys()].map(live).find((p) => p && test(p));
    return {
      async upsert(id, payload, expiresIn) {
        store.set(id, { payload, ...(expiresIn ? { expiresAt: Date.now() + expiresIn * 1000 } : {}) });
      },
      async find(id) {
        return live(id);
      },
      async findByUid(uid) {
        return findBy((p) => p.uid === uid);
      },
      async findByUserCode(userCode) {
        return findBy((p) => p.userCode === userCode);
      },
      async consume(id) {
        const payload = live(id);
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(id);
      },
      async revokeByGrantId(grantId) {
        for (const [id, entry] of store) if (entry.payload.grantId === grantId) store.delete(id);
      },
    };
  };
}

/**
 * From the platform's sign-in page (`signin`, as `TestBrowser.follow` returned it) through the
 * button and the test provider's login page (or its Cancel) to wherever the platform sends the
 * browser next, stopping at `stopAt` like `follow` does.
 */
export async function signInThroughUpstream(
  browser: TestBrowser,
  signin: { url: string; html?: string },
  stopAt: string,
  opts: { cancel?: boolean } = {},
): Promise<Awaited<ReturnType<TestBrowser['follow']>>> {
  const start = `${signin.url.split('?')[0]}/upstream`;
  const atProvider = await browser.follow(start, stopAt, { form: { _csrf: csrfIn(signin.html ?? '') } });
  if (atProvider.redirectedTo || !/Test identity provider/.test(atProvider.html ?? '')) return atProvider;
  const action = opts.cancel ? 'cancel' : 'login';
  const form = new RegExp(`action="([^"]+/${action})"`).exec(atProvider.html ?? '')?.[1];
  if (!form) throw new Error('no login form at the test provider');
  return browser.follow(new URL(form, atProvider.url).href, stopAt, { form: { [action]: 'yes' } });
}
