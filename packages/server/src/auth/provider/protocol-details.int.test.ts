/**
 * Findings of the independent client, "Protocol details": each a conformance failure it saw, and
 * the behaviour the standards ask for instead.
 */
import { generateExportKey, openExportFile } from '@healthbank/sdk';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConsent } from '../../consent/repository.js';
import { testDatabases } from '../../db/testing.js';
import {
  authorizeInBrowser,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  TestBrowser,
  type TestPlatform,
} from '../testing.js';
import {
  client,
  completeFlow,
  discoverClient,
  dpopProof,
  ping,
  pushAuthorization,
  rawHttp,
  rawPing,
} from '../testing-client.js';
import { SECURITY_PROFILE } from './provider.js';

const ONGOING = { acknowledge: 'yes', period: 'all', duration: '12' };

describe.each(testDatabases())('protocol details on $label', (target) => {
  let platform: TestPlatform;
  let config: client.Configuration;
  let backendKey: CryptoKey;
  const newDpop = async () => client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerTestApp(platform, { clientId: 'details-public', clientType: 'public' });
    config = await discoverClient(platform, 'details-public');
    const pair = await generateKeyPair('ES256');
    backendKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'backend-1', alg: 'ES256', use: 'sig' };
    await registerTestApp(platform, { clientId: 'details-backend', clientType: 'confidential', jwks: { keys: [jwk] } });
  });
  afterAll(() => platform?.close());

  /** PAR and the browser: a fresh code, not yet redeemed. */
  async function freshCode(dpop: client.DPoPHandle) {
    const started = await pushAuthorization(config, dpop);
    const { callback } = await authorizeInBrowser(platform, started.url.href);
    if (!callback?.searchParams.get('code')) throw new Error('no code');
    return { callback, ...started };
  }
  const redeem = (code: Awaited<ReturnType<typeof freshCode>>, dpop: client.DPoPHandle) =>
    client.authorizationCodeGrant(
      config,
      code.callback,
      { pkceCodeVerifier: code.verifier, expectedState: code.state },
      undefined,
      { DPoP: dpop },
    );
  const issueTicket = async (
    as: client.Configuration,
    accessToken: string,
    dpop: client.DPoPHandle,
    exportKey: unknown,
  ): Promise<{ ticket: string; categories: string[] }> => {
    const response = await client.fetchProtectedResource(
      as,
      accessToken,
      new URL('/api/export/tickets', platform.url),
      'POST',
      JSON.stringify({ export_key: exportKey }),
      new Headers({ 'content-type': 'application/json' }),
      { DPoP: dpop },
    );
    expect(response.status).toBe(201);
    return response.json();
  };
  /** Fetches a file with a proof of the ticket's key and opens it as the SDK would. */
  const fetchAndOpen = async (
    ticket: string,
    keys: CryptoKeyPair,
    exportKey: Awaited<ReturnType<typeof generateExportKey>>,
    audience: string,
  ) => {
    const url = `${platform.url}/api/export/files/${ticket}`;
    const res = await fetch(url, { headers: { dpop: await dpopProof(keys, { htm: 'GET', htu: url }) } });
    expect(res.status).toBe(200);
    const jwks = await (await fetch(`${platform.url}/.well-known/export-jwks.json`)).json();
    return openExportFile(await res.text(), {
      decryptionKey: exportKey.privateKey,
      jwks,
      issuer: platform.url,
      audience,
    });
  };
  const latestConsent = async () => {
    const row = await platform.db.kysely
      .withTables<{ consents: { id: string; created_at: number } }>()
      .selectFrom('consents')
      .select('id')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    return findConsent(platform.db, row.id);
  };

  it('refuses a relative htu at the export API (RFC 9449 §4.2: the absolute URI)', async () => {
    const keys = await client.randomDPoPKeyPair('ES256');
    const { tokens } = await completeFlow(platform, config, { dpop: client.getDPoPHandle(config, keys) });
    const proof = (htu: string) => dpopProof(keys, { htm: 'GET', htu, accessToken: tokens.access_token });
    const relative = await rawPing(platform, {
      authorization: `DPoP ${tokens.access_token}`,
      dpop: await proof('/api/export/ping'),
    });
    expect(relative.status).toBe(401);
    expect(await relative.json()).toMatchObject({ code: 'invalid_dpop_proof' });
    const absolute = await rawPing(platform, {
      authorization: `DPoP ${tokens.access_token}`,
      dpop: await proof(`${platform.url}/api/export/ping`),
    });
    expect(absolute.status).toBe(200);
  });

  it('a request_uri opened by a second browser is refused, before the first has finished (RFC 9126 §7.3)', async () => {
    const started = await pushAuthorization(config, await newDpop());
    const first = new TestBrowser();
    const opened = await first.follow(started.url.href, TEST_REDIRECT_URI);
    expect(new URL(opened.url).pathname).toMatch(/^\/signin\//);
    // A second browser with the same link gets a page, never a sign-in or a redirect.
    const second = await new TestBrowser().request(started.url.href);
    expect(second.status).toBe(400);
    expect(second.headers.get('location')).toBeNull();
    expect(await second.text()).toContain('invalid_request_uri');
    // The first browser carries on to a code.
    const { callback } = await authorizeInBrowser(platform, opened.url, { browser: first });
    expect(callback?.searchParams.get('code')).toBeTruthy();
  });

  it('a code exchange with the wrong DPoP key does not spend the code or cancel the consent', async () => {
    const dpop = await newDpop();
    const code = await freshCode(dpop);
    await expect(redeem(code, await newDpop())).rejects.toMatchObject({ error: 'invalid_grant' });
    const tokens = await redeem(code, dpop);
    expect((await ping(platform, config, tokens.access_token, dpop)).status).toBe(200);
    expect(await latestConsent()).toMatchObject({ status: 'active' });
  });

  it('two simultaneous redemptions of one code end the consent, so no ticket works either', async () => {
    const dpop = await newDpop();
    const exportKey = await generateExportKey();
    const started = await pushAuthorization(config, dpop, { export_key_jkt: exportKey.thumbprint });
    const { callback } = await authorizeInBrowser(platform, started.url.href);
    const code = { callback: callback as URL, ...started };
    const outcomes = await Promise.allSettled([redeem(code, dpop), redeem(code, dpop)]);
    expect(outcomes.filter((o) => o.status === 'rejected')).not.toHaveLength(0);
    expect(await latestConsent()).toMatchObject({ status: 'revoked' });
    for (const outcome of outcomes) {
      if (outcome.status !== 'fulfilled') continue;
      await expect(ping(platform, config, outcome.value.access_token, dpop)).rejects.toMatchObject({ status: 401 });
      const ticket = await client
        .fetchProtectedResource(
          config,
          outcome.value.access_token,
          new URL('/api/export/tickets', platform.url),
          'POST',
          JSON.stringify({ export_key: exportKey.publicJwk }),
          new Headers({ 'content-type': 'application/json' }),
          { DPoP: dpop },
        )
        .catch((error: { response?: Response }) => error.response);
      expect(ticket?.status).toBe(401);
    }
  });

  it('a token narrowed at refresh gets a ticket, and files, for its own categories only', async () => {
    const keys = await client.randomDPoPKeyPair('ES256');
    const dpop = client.getDPoPHandle(config, keys);
    const exportKey = await generateExportKey();
    const { tokens } = await completeFlow(platform, config, {
      dpop,
      consent: ONGOING,
      scope: 'records.lab records.outpatient',
      extra: { export_key_jkt: exportKey.thumbprint },
    });
    const narrowed = await client.refreshTokenGrant(
      config,
      tokens.refresh_token as string,
      { scope: 'records.lab' },
      {
        DPoP: dpop,
      },
    );
    expect(narrowed.scope).toBe('records.lab');
    const ticket = await issueTicket(config, narrowed.access_token, dpop, exportKey.publicJwk);
    expect(ticket.categories).toEqual(['lab']);
    const opened = await fetchAndOpen(ticket.ticket, keys, exportKey, 'details-public');
    expect(opened.claims.categories).toEqual(['lab']);
    expect(Object.keys((opened.content as { records: Record<string, unknown> }).records)).toEqual(['lab']);
  });

  it('token introspection refuses a public client (invalid_client)', async () => {
    const { tokens } = await completeFlow(platform, config);
    await expect(client.tokenIntrospection(config, tokens.access_token)).rejects.toMatchObject({
      error: 'invalid_client',
    });
  });

  it.each([
    ['a client_secret in the body', { body: { client_secret: 'guess' }, headers: {} }],
    [
      'HTTP Basic authentication',
      { body: {}, headers: { authorization: `Basic ${Buffer.from('details-public:guess').toString('base64')}` } },
    ],
  ])('a public client that sends a secret is refused: %s', async (_name, { body, headers }) => {
    const keys = await client.randomDPoPKeyPair('ES256');
    const form = {
      client_id: 'details-public',
      response_type: 'code',
      redirect_uri: TEST_REDIRECT_URI,
      scope: 'records.lab',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      ...body,
    };
    const dpop = await dpopProof(keys, { htm: 'POST', htu: `${platform.url}/oauth/par` });
    const res = await rawHttp(platform, '/oauth/par', { headers: { ...headers, dpop }, form });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_client' });
    const token = await rawHttp(platform, '/oauth/token', {
      headers,
      form: { grant_type: 'refresh_token', refresh_token: 'x', client_id: 'details-public', ...body },
    });
    expect(token.status).toBe(401);
    expect(JSON.parse(token.body)).toMatchObject({ error: 'invalid_client' });
  });

  describe('framework errors go through the problem handler, with the security headers', () => {
    const expectProblem = (
      res: { status: number; headers: Record<string, unknown>; body: string },
      status: number,
      code: string,
    ) => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
      expect(JSON.parse(res.body)).toMatchObject({ status, code });
    };

    it('FST_ERR_BAD_URL: an undecodable path, without echoing it', async () => {
      const res = await rawHttp(platform, '/interaction/%C0%AF');
      expectProblem(res, 400, 'invalid_request');
      expect(res.body).not.toContain('%C0');
    });

    it('FST_ERR_MAX_PARAM_LENGTH: a 2 KB ticket', async () => {
      const res = await rawHttp(platform, `/api/export/files/${'t'.repeat(2048)}`);
      expectProblem(res, 414, 'uri_too_long');
      expect(res.body).not.toContain('tttt');
    });

    it('404 under /oauth/ and a wrong method on an OAuth endpoint', async () => {
      expectProblem(await rawHttp(platform, '/oauth/unknown'), 404, 'not_found');
      const wrong = await rawHttp(platform, '/oauth/token');
      expectProblem(wrong, 405, 'method_not_allowed');
      expect(wrong.headers.allow).toBe('POST, OPTIONS');
      expectProblem(await rawHttp(platform, '/oauth/jwks', { method: 'DELETE' }), 405, 'method_not_allowed');
    });

    it('431 for oversized headers has a problem body', async () => {
      const res = await rawHttp(platform, '/', { headers: { 'x-padding': 'x'.repeat(20_000) } });
      expectProblem(res, 431, 'headers_too_large');
    });
  });

  it(`discovery names the profile: "${SECURITY_PROFILE}"`, async () => {
    const metadata = (await (await fetch(`${platform.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.security_profile).toBe(SECURITY_PROFILE);
    expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'none']));
    expect(metadata.introspection_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
  });

  it('an app with a backend registers as confidential (private_key_jwt) and works end to end', async () => {
    const backend = await discoverClient(platform, 'details-backend', client.PrivateKeyJwt(backendKey));
    const keys = await client.randomDPoPKeyPair('ES256');
    const dpop = client.getDPoPHandle(backend, keys);
    const exportKey = await generateExportKey();
    const { tokens } = await completeFlow(platform, backend, {
      dpop,
      consent: ONGOING,
      extra: { export_key_jkt: exportKey.thumbprint },
    });
    const ticket = await issueTicket(backend, tokens.access_token, dpop, exportKey.publicJwk);
    const opened = await fetchAndOpen(ticket.ticket, keys, exportKey, 'details-backend');
    expect(opened.claims.categories).toEqual(['lab', 'outpatient']);
    const refreshed = await client.refreshTokenGrant(backend, tokens.refresh_token as string, undefined, {
      DPoP: dpop,
    });
    expect((await ping(platform, backend, refreshed.access_token, dpop)).status).toBe(200);
  });
});
