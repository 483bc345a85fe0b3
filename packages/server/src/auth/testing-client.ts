/**
 * A real OAuth client (openid-client 6) for the authorization tests: discovery, PAR with PKCE
 * and DPoP, the code exchange, and calls to the export API's ping. Test support only.
 */
import { createHash, randomUUID, type webcrypto } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { exportJWK, SignJWT } from 'jose';
import * as client from 'openid-client';
import {
  authorizeInBrowser,
  type ConsentAnswer,
  TEST_REDIRECT_URI,
  type TestBrowser,
  type TestPlatform,
} from './testing.js';

export { client };

/** Discovers the platform as `clientId`; plain http is allowed because tests run on loopback. */
export function discoverClient(
  platform: Pick<TestPlatform, 'url'>,
  clientId: string,
  auth: client.ClientAuth = client.None(),
): Promise<client.Configuration> {
  return client.discovery(new URL(platform.url), clientId, undefined, auth, {
    execute: [client.allowInsecureRequests],
  });
}

export interface StartedAuthorization {
  url: URL;
  verifier: string;
  state: string;
}

/** Pushes an authorization request (PAR, PKCE S256, DPoP-bound) and returns the URL to open. */
export async function pushAuthorization(
  config: client.Configuration,
  dpop: client.DPoPHandle,
  params: { scope?: string; redirect_uri?: string; [name: string]: string | undefined } = {},
): Promise<StartedAuthorization> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const request: Record<string, string> = {
    redirect_uri: TEST_REDIRECT_URI,
    scope: 'records.lab records.outpatient',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) request[k] = v;
  const url = await client.buildAuthorizationUrlWithPAR(config, request, { DPoP: dpop });
  return { url, verifier, state };
}

export interface CompletedFlow {
  tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  dpop: client.DPoPHandle;
  callback: URL;
  /** The browser that signed in: it holds the citizen's session and a CSRF token. */
  browser: TestBrowser;
}

/** Runs a whole authorization: PAR, sign-in as a persona, consent, code exchange. */
export async function completeFlow(
  platform: Pick<TestPlatform, 'url' | 'db'>,
  config: client.Configuration,
  opts: {
    scope?: string;
    consent?: ConsentAnswer;
    dpop?: client.DPoPHandle;
    persona?: 'A小姐' | 'B爺爺';
    extra?: Record<string, string>;
    redirectUri?: string;
    browser?: TestBrowser;
  } = {},
): Promise<CompletedFlow> {
  const dpop = opts.dpop ?? client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
  const started = await pushAuthorization(config, dpop, {
    ...opts.extra,
    ...(opts.scope ? { scope: opts.scope } : {}),
    ...(opts.redirectUri ? { redirect_uri: opts.redirectUri } : {}),
  });
  const { callback, page, browser } = await authorizeInBrowser(platform, started.url.href, {
    ...(opts.browser ? { browser: opts.browser } : {}),
    ...(opts.consent ? { consent: opts.consent } : {}),
    ...(opts.persona ? { persona: opts.persona } : {}),
    ...(opts.redirectUri ? { redirectUri: opts.redirectUri } : {}),
  });
  if (!callback) throw new Error(`the flow stopped at ${page?.url} (${page?.status})`);
  const tokens = await client.authorizationCodeGrant(
    config,
    callback,
    { pkceCodeVerifier: started.verifier, expectedState: started.state },
    undefined,
    { DPoP: dpop },
  );
  return { tokens, dpop, callback, browser };
}

/** `GET /api/export/ping` with the token and a fresh DPoP proof. */
export function ping(
  platform: Pick<TestPlatform, 'url'>,
  config: client.Configuration,
  accessToken: string,
  dpop: client.DPoPHandle,
): Promise<Response> {
  return client.fetchProtectedResource(
    config,
    accessToken,
    new URL('/api/export/ping', platform.url),
    'GET',
    undefined,
    undefined,
    {
      DPoP: dpop,
    },
  );
}

/** A DPoP proof made by hand, so tests can get each claim wrong on purpose. */
export async function dpopProof(
  keys: webcrypto.CryptoKeyPair,
  claims: { htm: string; htu: string; accessToken?: string; ath?: string; jti?: string; iat?: number },
): Promise<string> {
  const { kty, crv, x, y } = await exportJWK(keys.publicKey);
  const payload: Record<string, unknown> = { htm: claims.htm, htu: claims.htu, jti: claims.jti ?? randomUUID() };
  const ath =
    claims.ath ??
    (claims.accessToken ? createHash('sha256').update(claims.accessToken).digest('base64url') : undefined);
  if (ath) payload.ath = ath;
  return new SignJWT(payload)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
    .sign(keys.privateKey);
}

/** `GET /api/export/ping` with exactly the headers given. */
export function rawPing(
  platform: TestPlatform,
  headers: Record<string, string>,
  path = '/api/export/ping',
): Promise<Response> {
  return fetch(new URL(path, platform.url), { headers: { accept: 'application/json', ...headers } });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request with exactly the headers given, `Host` included (fetch will not send a
 * different Host), for tests of what a request may claim about itself.
 */
export function rawHttp(
  platform: TestPlatform,
  path: string,
  init: { method?: string; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<RawResponse> {
  const url = new URL(platform.url);
  const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: init.method ?? (body ? 'POST' : 'GET'), headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A pushed authorization request's form for a public client (PKCE S256, bound by `dpop_jkt`). */
export async function parForm(clientId: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return {
    client_id: clientId,
    response_type: 'code',
    redirect_uri: TEST_REDIRECT_URI,
    scope: 'records.lab',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    ...extra,
  };
}
