/**
 * The platform under test for the authorization benchmark: a scratch database (SQLite or
 * PostgreSQL) with a small synthetic population, the real server listening on a loopback port,
 * one confidential bench app (`private_key_jwt`), and the real flows that give the load generator
 * something to redeem: a refresh token of an ongoing consent, authorization codes, and an
 * interaction waiting at the consent page.
 */
import type { webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { OAUTH_ROUTES } from '../../packages/server/src/auth/provider/routes.js';
import {
  authorizeInBrowser,
  registerTestApp,
  TEST_REDIRECT_URI,
  TestBrowser,
  type TestPlatform,
} from '../../packages/server/src/auth/testing.js';
import {
  client,
  completeFlow,
  discoverClient,
  pushAuthorization,
} from '../../packages/server/src/auth/testing-client.js';
import type { TestTarget } from '../../packages/server/src/db/testing.js';
import type { TokenCredentials } from './load/job.js';
import { type PlatformRef, startSeededPlatform } from './platform.js';

export const BENCH_CLIENT_ID = 'bench-backend';

export interface BenchPlatform<P extends PlatformRef = TestPlatform> {
  platform: P;
  /** The bench app's openid-client configuration (private_key_jwt). */
  config: client.Configuration;
  /** The DPoP key every grant of the bench is bound to. */
  dpop: client.DPoPHandle;
  /** Private keys and endpoints, for the load generator to sign its own requests. */
  credentials: TokenCredentials;
  citizens: number;
}

/** An ES256 key pair whose private half can be handed (as a JWK) to the load generator. */
async function exportableKeyPair(
  kid: string,
): Promise<{ pair: webcrypto.CryptoKeyPair; privateJwk: JWK; publicJwk: JWK }> {
  const pair = (await generateKeyPair('ES256', { extractable: true })) as webcrypto.CryptoKeyPair;
  const privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: 'ES256' };
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
  return { pair, privateJwk, publicJwk };
}

/**
 * Starts the platform on 127.0.0.1 over a scratch database on `target` with `citizens` synthetic
 * citizens (plus the personas) and registers the bench app. The OAuth rate limit is raised to its
 * maximum: the benchmark is one client address sending hundreds of requests a second, which
 * production rightly refuses.
 */
export async function startBenchPlatform(
  target: TestTarget,
  opts: { citizens: number; seed: string; asOf: string },
): Promise<BenchPlatform> {
  const { platform, seeded } = await startSeededPlatform(target, { ...opts, prefix: 'healthbank_bench_auth' });
  try {
    return await registerBenchBackend(platform, seeded.citizens);
  } catch (error) {
    await platform.close();
    throw error;
  }
}

/** Registers the confidential bench app on a running platform and discovers it as that app. */
export async function registerBenchBackend<P extends PlatformRef>(
  platform: P,
  citizens: number,
): Promise<BenchPlatform<P>> {
  const { url } = platform;
  const clientKey = await exportableKeyPair('bench-1');
  await registerTestApp(platform, {
    clientId: BENCH_CLIENT_ID,
    clientType: 'confidential',
    jwks: { keys: [clientKey.publicJwk] },
  });
  const dpopKey = await exportableKeyPair('bench-dpop');
  const config = await discoverClient(
    platform,
    BENCH_CLIENT_ID,
    client.PrivateKeyJwt({ key: clientKey.pair.privateKey, kid: 'bench-1' }),
  );
  return {
    platform,
    config,
    dpop: client.getDPoPHandle(config, dpopKey.pair),
    credentials: {
      issuer: url,
      tokenEndpoint: `${url}${OAUTH_ROUTES.token}`,
      clientId: BENCH_CLIENT_ID,
      clientKey: clientKey.privateJwk,
      dpopKey: dpopKey.privateJwk,
    },
    citizens,
  };
}

/**
 * One real ongoing consent (twelve months) through PAR, persona sign-in and the consent page;
 * returns its refresh token, after checking that it is redeemable and does not rotate.
 */
export async function ongoingRefreshToken(bench: BenchPlatform<PlatformRef>): Promise<string> {
  const { tokens } = await completeFlow(bench.platform, bench.config, {
    dpop: bench.dpop,
    consent: { acknowledge: 'yes', period: '5y', duration: '12' },
  });
  const refreshToken = tokens.refresh_token;
  if (!refreshToken) throw new Error('the ongoing consent gave no refresh token');
  const refreshed = await client.refreshTokenGrant(bench.config, refreshToken, undefined, { DPoP: bench.dpop });
  if (refreshed.refresh_token !== refreshToken) throw new Error('the confidential client’s refresh token rotated');
  return refreshToken;
}

/** A browser that also keeps the cookies it is given, so they can be replayed by the load generator. */
export class CookieKeepingBrowser extends TestBrowser {
  readonly jar = new Map<string, string>();

  override async request(
    url: string,
    init: { method?: string; form?: Record<string, string | string[]> } = {},
  ): Promise<Response> {
    const response = await super.request(url, init);
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0] ?? '';
      const eq = pair.indexOf('=');
      if (eq > 0) this.jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  }
}

/**
 * An interaction signed in and waiting at the consent prompt: its page path and the `Cookie`
 * header the browser would send there (interaction cookie, its signature, the CSRF cookie).
 */
export async function pendingConsentPage(bench: BenchPlatform): Promise<{ path: string; cookie: string }> {
  const started = await pushAuthorization(bench.config, bench.dpop, {
    scope: 'records.lab records.outpatient records.allergy records.immunization',
  });
  const browser = new CookieKeepingBrowser();
  const { page } = await authorizeInBrowser(bench.platform, started.url.href, { consent: 'stop', browser });
  if (page?.status !== 200 || !new URL(page.url).pathname.startsWith('/consent/')) {
    throw new Error(`expected the consent page, got ${page?.url} (${page?.status})`);
  }
  const path = new URL(page.url).pathname;
  // One more render, as a reload would: the browser now holds every cookie the page sets.
  await browser.request(page.url);
  const cookie = [...browser.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  return { path, cookie };
}

/**
 * Mints `count` authorization codes through real flows (PAR, the persona's session, the consent
 * page, the redirect), `lanes` at a time, each lane one browser whose session persists.
 */
export async function mintCodes(
  bench: BenchPlatform,
  count: number,
  lanes: number,
  onProgress: (done: number) => void,
): Promise<{ code: string; verifier: string }[]> {
  const codes: { code: string; verifier: string }[] = [];
  let started = 0;
  const lane = async () => {
    const browser = new TestBrowser();
    while (started < count) {
      started += 1;
      const request = await pushAuthorization(bench.config, bench.dpop);
      const { callback, page } = await authorizeInBrowser(bench.platform, request.url.href, { browser });
      const code = callback?.searchParams.get('code');
      if (!code) throw new Error(`no code: the flow stopped at ${page?.url ?? callback?.href} (${page?.status})`);
      codes.push({ code, verifier: request.verifier });
      onProgress(codes.length);
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return codes;
}

export { TEST_REDIRECT_URI };
