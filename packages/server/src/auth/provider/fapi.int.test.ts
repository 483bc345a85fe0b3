/**
 * The applicable items of the OpenID FAPI 2.0 conformance test plan, against a real client:
 * PKCE, single-use and short-lived codes and request URIs, PAR and DPoP binding at PAR, scopes,
 * and redirect URIs that must never be redirected to.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { testDatabases } from '../../db/testing.js';
import {
  authorizeInBrowser,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  TestBrowser,
  type TestPlatform,
} from '../testing.js';
import { client, discoverClient, ping, pushAuthorization } from '../testing-client.js';

/** Near-misses of https://app.example.test/callback; none may ever receive a redirect. */
const REDIRECT_VARIANTS = [
  ['trailing slash', 'https://app.example.test/callback/'],
  ['path case', 'https://app.example.test/Callback'],
  ['host case', 'https://APP.example.test/callback'],
  ['extra query', 'https://app.example.test/callback?next=https://evil.example'],
  ['other port', 'https://app.example.test:8443/callback'],
  ['explicit default port', 'https://app.example.test:443/callback'],
  ['userinfo', 'https://user:pass@app.example.test/callback'],
  ['userinfo look-alike', 'https://app.example.test@evil.example/callback'],
  ['path traversal', 'https://app.example.test/callback/../evil'],
  ['encoded traversal', 'https://app.example.test/callback/%2e%2e/evil'],
  ['fragment', 'https://app.example.test/callback#frag'],
  ['http instead of https', 'http://app.example.test/callback'],
  ['look-alike host', 'https://app.example.test.evil.example/callback'],
  ['subdomain', 'https://evil.app.example.test/callback'],
  ['look-alike name', 'https://app-example.test/callback'],
  ['homograph host', 'https://аpp.example.test/callback'],
  ['trailing dot host', 'https://app.example.test./callback'],
  ['double slash', 'https://app.example.test//callback'],
  ['prefix of the path', 'https://app.example.test/call'],
  ['path suffix', 'https://app.example.test/callback-evil'],
  ['custom scheme', 'com.example.app:/callback'],
  ['javascript scheme', 'javascript://app.example.test/%0aalert(1)'],
  ['relative', '/callback'],
] as const;

describe.each(testDatabases())('FAPI 2.0 negative tests on $label', (target) => {
  let platform: TestPlatform;
  let config: client.Configuration;
  const newDpop = async () => client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerTestApp(platform, { clientId: 'fapi-public', clientType: 'public' });
    config = await discoverClient(platform, 'fapi-public');
  });
  afterAll(() => platform?.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  /** PAR + browser: returns the callback URL with a fresh code, and what is needed to redeem it. */
  async function code(dpop?: client.DPoPHandle) {
    const handle = dpop ?? (await newDpop());
    const started = await pushAuthorization(config, handle);
    const { callback } = await authorizeInBrowser(platform, started.url.href);
    if (!callback?.searchParams.get('code')) throw new Error('no code');
    return { callback, dpop: handle, ...started };
  }
  const redeem = (c: Awaited<ReturnType<typeof code>>, verifier = c.verifier, dpop = c.dpop) =>
    client.authorizationCodeGrant(
      config,
      c.callback,
      { pkceCodeVerifier: verifier, expectedState: c.state },
      undefined,
      {
        DPoP: dpop,
      },
    );

  describe('PKCE (RFC 7636, FAPI 2.0 §5.3.2.2)', () => {
    it('refuses a request without a code challenge', async () => {
      const dpop = await newDpop();
      await expect(
        client.buildAuthorizationUrlWithPAR(
          config,
          { redirect_uri: TEST_REDIRECT_URI, scope: 'records.lab' },
          { DPoP: dpop },
        ),
      ).rejects.toMatchObject({ error: 'invalid_request', status: 400 });
    });

    it('refuses the plain method', async () => {
      const dpop = await newDpop();
      await expect(
        client.buildAuthorizationUrlWithPAR(
          config,
          {
            redirect_uri: TEST_REDIRECT_URI,
            scope: 'records.lab',
            code_challenge: client.randomPKCECodeVerifier(),
            code_challenge_method: 'plain',
          },
          { DPoP: dpop },
        ),
      ).rejects.toMatchObject({ error: 'invalid_request' });
    });

    it('refuses a downgrade: a challenge without its method (which RFC 7636 §4.3 reads as plain)', async () => {
      const dpop = await newDpop();
      await expect(
        client.buildAuthorizationUrlWithPAR(
          config,
          { redirect_uri: TEST_REDIRECT_URI, scope: 'records.lab', code_challenge: client.randomPKCECodeVerifier() },
          { DPoP: dpop },
        ),
      ).rejects.toMatchObject({ error: 'invalid_request' });
    });

    it('refuses the challenge itself as the verifier (the S256 challenge replayed as plain)', async () => {
      const c = await code();
      const challenge = await client.calculatePKCECodeChallenge(c.verifier);
      await expect(redeem(c, challenge)).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses the wrong verifier', async () => {
      const c = await code();
      await expect(redeem(c, client.randomPKCECodeVerifier())).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('authorization codes (RFC 6749 §4.1.2, FAPI 2.0 §5.3.2.1)', () => {
    it('are single use, and a second use revokes the tokens the first one issued', async () => {
      const c = await code();
      const tokens = await redeem(c);
      expect((await ping(platform, config, tokens.access_token, c.dpop)).status).toBe(200);
      await expect(redeem(c)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(ping(platform, config, tokens.access_token, c.dpop)).rejects.toMatchObject({ status: 401 });
    });

    it('expire after 60 seconds', async () => {
      const c = await code();
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 61_000);
      await expect(redeem(c)).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('are still good just before they expire', async () => {
      const c = await code();
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 50_000);
      await expect(redeem(c)).resolves.toMatchObject({ token_type: 'dpop' });
    });
  });

  describe('pushed authorization requests (RFC 9126)', () => {
    it('are required: a plain authorization request gets no code', async () => {
      const url = new URL('/oauth/authorize', platform.url);
      url.search = new URLSearchParams({
        client_id: 'fapi-public',
        response_type: 'code',
        redirect_uri: TEST_REDIRECT_URI,
        scope: 'records.lab',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      }).toString();
      const res = await new TestBrowser().request(url.href);
      // The registered redirect URI does get an answer, an error: the near-miss tests below
      // differ from this one in the redirect URI alone.
      const location = new URL(res.headers.get('location') ?? '');
      expect(`${location.origin}${location.pathname}`).toBe(TEST_REDIRECT_URI);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('code')).toBeNull();
    });

    it('request URIs are single use', async () => {
      const dpop = await newDpop();
      const started = await pushAuthorization(config, dpop);
      const browser = new TestBrowser();
      const { callback } = await authorizeInBrowser(platform, started.url.href, { browser });
      expect(callback?.searchParams.get('code')).toBeTruthy();
      const again = await browser.request(started.url.href);
      expect(again.status).toBe(400);
      expect(again.headers.get('location')).toBeNull();
      expect(await again.text()).toContain('invalid_request_uri');
    });

    it('request URIs expire after 60 seconds', async () => {
      const started = await pushAuthorization(config, await newDpop());
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 61_000);
      const res = await new TestBrowser().request(started.url.href);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    });

    it('must bind the code to a DPoP key (RFC 9449 §10)', async () => {
      await expect(
        client.buildAuthorizationUrlWithPAR(config, {
          redirect_uri: TEST_REDIRECT_URI,
          scope: 'records.lab',
          code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
        }),
      ).rejects.toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('DPoP') });
      // dpop_jkt alone binds it too.
      const url = await client.buildAuthorizationUrlWithPAR(config, {
        redirect_uri: TEST_REDIRECT_URI,
        scope: 'records.lab',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        dpop_jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
      });
      expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    });

    it.each([
      ['no records scope', 'openid'],
      ['a category the app is not approved for', 'records.lab records.care_wishes'],
      ['an unknown category', 'records.lab records.genome'],
    ])('refuse %s', async (_name, scope) => {
      await expect(pushAuthorization(config, await newDpop(), { scope })).rejects.toMatchObject({
        error: 'invalid_scope',
      });
    });

    it('refuse a malformed export key thumbprint', async () => {
      await expect(
        pushAuthorization(config, await newDpop(), { export_key_jkt: 'not-a-thumbprint' }),
      ).rejects.toMatchObject({
        error: 'invalid_request',
      });
    });
  });

  describe(`redirect URIs: ${REDIRECT_VARIANTS.length} near-misses are never redirected to`, () => {
    it.each(REDIRECT_VARIANTS)('%s: refused at PAR', async (_name, variant) => {
      await expect(pushAuthorization(config, await newDpop(), { redirect_uri: variant })).rejects.toMatchObject({
        status: 400,
      });
    });

    it.each(REDIRECT_VARIANTS)('%s: no redirect from the authorization endpoint', async (_name, variant) => {
      const url = new URL('/oauth/authorize', platform.url);
      url.search = new URLSearchParams({
        client_id: 'fapi-public',
        response_type: 'code',
        redirect_uri: variant,
        scope: 'records.lab',
        state: 'xyz',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      }).toString();
      const res = await new TestBrowser().request(url.href);
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    });
  });
});
