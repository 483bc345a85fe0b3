/**
 * Findings of the independent client, "Behind a proxy": what a request says about itself
 * (X-Forwarded-For, Host, X-Forwarded-Host, Origin) decides nothing the platform has not
 * configured.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../db/testing.js';
import { registerTestApp, startTestPlatform, TEST_REDIRECT_URI, type TestPlatform } from '../testing.js';
import { dpopProof, parForm, rawHttp } from '../testing-client.js';

const FORWARDED_LIMIT = 5;

describe.each(testDatabases())('behind a proxy on $label', (target) => {
  describe('with no trusted proxy (the default)', () => {
    let platform: TestPlatform;
    let limited: TestPlatform;

    beforeAll(async () => {
      platform = await startTestPlatform(target);
      limited = await startTestPlatform(target, { oauthRateLimit: FORWARDED_LIMIT });
      await registerTestApp(platform, { clientId: 'proxy-public', clientType: 'public' });
      const { publicKey } = await generateKeyPair('ES256');
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
      await registerTestApp(platform, { clientId: 'proxy-backend', clientType: 'confidential', jwks: { keys: [jwk] } });
    });
    afterAll(async () => {
      await platform?.close();
      await limited?.close();
    });

    it('a rotating X-Forwarded-For does not escape the per-address limit', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await rawHttp(limited, '/oauth/par', {
          headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
          form: { client_id: 'nobody' },
        });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, FORWARDED_LIMIT).includes(429)).toBe(false);
      expect(statuses.slice(FORWARDED_LIMIT)).toEqual(Array(12 - FORWARDED_LIMIT).fill(429));
    });

    it('DPoP htu at PAR and token is compared with the issuer, not the Host header', async () => {
      const keys = await generateKeyPair('ES256');
      const evil = { host: 'evil.example' };
      // A proof for the attacker's host, sent with that Host, is refused at PAR…
      const forged = await rawHttp(platform, '/oauth/par', {
        headers: { ...evil, dpop: await dpopProof(keys, { htm: 'POST', htu: 'http://evil.example/oauth/par' }) },
        form: await parForm('proxy-public'),
      });
      expect(forged.status).toBe(400);
      expect(JSON.parse(forged.body)).toMatchObject({ error: 'invalid_dpop_proof' });
      // …and at the token endpoint, before the code is even looked up.
      const token = await rawHttp(platform, '/oauth/token', {
        headers: { ...evil, dpop: await dpopProof(keys, { htm: 'POST', htu: 'http://evil.example/oauth/token' }) },
        form: {
          grant_type: 'authorization_code',
          code: 'x',
          redirect_uri: TEST_REDIRECT_URI,
          client_id: 'proxy-public',
        },
      });
      expect(JSON.parse(token.body)).toMatchObject({ error: 'invalid_dpop_proof' });
      // A proof for the issuer's own endpoint passes whatever the Host header says.
      const honest = await rawHttp(platform, '/oauth/par', {
        headers: { ...evil, dpop: await dpopProof(keys, { htm: 'POST', htu: `${platform.url}/oauth/par` }) },
        form: await parForm('proxy-public'),
      });
      expect(honest.status).toBe(201);
      const honestToken = await rawHttp(platform, '/oauth/token', {
        headers: { ...evil, dpop: await dpopProof(keys, { htm: 'POST', htu: `${platform.url}/oauth/token` }) },
        form: {
          grant_type: 'authorization_code',
          code: 'x',
          redirect_uri: TEST_REDIRECT_URI,
          client_id: 'proxy-public',
        },
      });
      expect(JSON.parse(honestToken.body)).toMatchObject({ error: 'invalid_grant' });
    });

    it.each([
      ['Host', { host: 'evil.example' }],
      ['local name', { host: 'localhost' }],
      ['X-Forwarded-Host and -Proto', { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' }],
    ])('every URL the discovery document publishes comes from PUBLIC_URL, whatever the %s', async (_name, headers) => {
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
        const res = await rawHttp(platform, path, { headers });
        expect(res.status).toBe(200);
        const metadata = JSON.parse(res.body) as Record<string, unknown>;
        const urls = Object.entries(metadata).filter(([, v]) => typeof v === 'string' && /^https?:/.test(v));
        expect(urls.length).toBeGreaterThan(6);
        for (const [name, value] of urls) expect(value, name).toMatch(new RegExp(`^${platform.url}(/|$)`));
      }
    });

    it('allows CORS only from the registered web origins of browser apps (clientBasedCORS)', async () => {
      const keys = await generateKeyPair('ES256');
      const par = async (clientId: string, origin: string) =>
        rawHttp(platform, '/oauth/par', {
          headers: { origin, dpop: await dpopProof(keys, { htm: 'POST', htu: `${platform.url}/oauth/par` }) },
          form: await parForm(clientId),
        });
      const registered = new URL(TEST_REDIRECT_URI).origin;
      const allowed = await par('proxy-public', registered);
      expect(allowed.status).toBe(201);
      expect(allowed.headers['access-control-allow-origin']).toBe(registered);

      const stranger = await par('proxy-public', 'https://evil.example');
      expect(stranger.status).toBe(400);
      expect(stranger.headers['access-control-allow-origin']).toBeUndefined();

      // A confidential client is a backend: no browser origin is allowed to speak for it.
      const backend = await par('proxy-backend', registered);
      expect(backend.status).toBe(400);
      expect(backend.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('with the proxy trusted (TRUSTED_PROXIES)', () => {
    let platform: TestPlatform;

    beforeAll(async () => {
      platform = await startTestPlatform(target, {
        oauthRateLimit: FORWARDED_LIMIT,
        trustedProxies: ['127.0.0.1', '::1'],
      });
    });
    afterAll(() => platform?.close());

    it("counts each forwarded client against its own limit, and only the proxy's word is taken", async () => {
      const par = (client: string) =>
        rawHttp(platform, '/oauth/par', { headers: { 'x-forwarded-for': client }, form: { client_id: 'nobody' } });
      for (let i = 0; i < FORWARDED_LIMIT; i++) expect((await par('203.0.113.7')).status).not.toBe(429);
      expect((await par('203.0.113.7')).status).toBe(429);
      expect((await par('203.0.113.8')).status).not.toBe(429);
      // The client's own claim in front of the proxy's entry is not believed: the proxy's is.
      expect((await par('10.9.9.9, 203.0.113.7')).status).toBe(429);
    });
  });
});
