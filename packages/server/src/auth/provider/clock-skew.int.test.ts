/**
 * Findings of the independent client, "Time": one clock-skew rule for every JWT a client sends
 * (FAPI 2.0 §5.3.2.1): `iat` at most 10 s in the future everywhere, DPoP proofs at most 60 s old,
 * at PAR, at the token endpoint and at the export API alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../db/testing.js';
import { registerTestApp, startTestPlatform, TEST_REDIRECT_URI, type TestPlatform } from '../testing.js';
import { client, completeFlow, discoverClient, dpopProof, parForm, rawHttp, rawPing } from '../testing-client.js';

const now = () => Math.floor(Date.now() / 1000);

describe.each(testDatabases())('clock skew on $label', (target) => {
  let platform: TestPlatform;
  let assertionKey: CryptoKey;

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerTestApp(platform, { clientId: 'skew-public', clientType: 'public' });
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    assertionKey = pair.privateKey;
    const jwk = { ...(await crypto.subtle.exportKey('jwk', pair.publicKey)), kid: 'k1', alg: 'ES256' };
    await registerTestApp(platform, {
      clientId: 'skew-backend',
      clientType: 'confidential',
      jwks: { keys: [jwk as Record<string, unknown>] },
    });
  });
  afterAll(() => platform?.close());

  describe('client assertions (private_key_jwt)', () => {
    const pushWithAssertion = async (times: { iat: number; exp: number }) => {
      const config = await discoverClient(
        platform,
        'skew-backend',
        client.PrivateKeyJwt(assertionKey, {
          [client.modifyAssertion]: (_header, payload) => Object.assign(payload, { ...times, nbf: times.iat }),
        }),
      );
      const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      return client.buildAuthorizationUrlWithPAR(config, await parForm('skew-backend'), { DPoP: dpop });
    };

    it('refuses an assertion issued 3000 s in the future, however short its own lifetime', async () => {
      await expect(pushWithAssertion({ iat: now() + 3000, exp: now() + 3060 })).rejects.toMatchObject({
        error: 'invalid_client',
      });
    });

    it('refuses one 12 s in the future and accepts one 5 s in the future', async () => {
      await expect(pushWithAssertion({ iat: now() + 12, exp: now() + 72 })).rejects.toMatchObject({
        error: 'invalid_client',
      });
      await expect(pushWithAssertion({ iat: now() + 5, exp: now() + 65 })).resolves.toBeInstanceOf(URL);
    });
  });

  describe('DPoP proofs at the authorization server', () => {
    const tokenRequest = async (iat: number) => {
      const keys = await client.randomDPoPKeyPair('ES256');
      const res = await rawHttp(platform, '/oauth/token', {
        headers: { dpop: await dpopProof(keys, { htm: 'POST', htu: `${platform.url}/oauth/token`, iat }) },
        form: {
          grant_type: 'authorization_code',
          code: 'x',
          redirect_uri: TEST_REDIRECT_URI,
          client_id: 'skew-public',
        },
      });
      return JSON.parse(res.body) as { error: string };
    };

    it('refuses a proof 120 s in the future at the token endpoint', async () => {
      expect(await tokenRequest(now() + 120)).toMatchObject({ error: 'invalid_dpop_proof' });
    });

    it.each([
      ['12 s ahead', 12, 'invalid_dpop_proof'],
      ['70 s old', -70, 'invalid_dpop_proof'],
      // A fresh proof passes, and the (made-up) code is what is refused.
      ['5 s ahead', 5, 'invalid_grant'],
      ['50 s old', -50, 'invalid_grant'],
    ])('at the token endpoint a proof %s answers %s', async (_name, offset, error) => {
      expect(await tokenRequest(now() + offset)).toMatchObject({ error });
    });

    it.each([
      ['120 s ahead', 120, 400],
      ['70 s old', -70, 400],
      ['5 s ahead', 5, 201],
    ])('at PAR a proof %s answers %i', async (_name, offset, status) => {
      const keys = await client.randomDPoPKeyPair('ES256');
      const res = await rawHttp(platform, '/oauth/par', {
        headers: {
          dpop: await dpopProof(keys, { htm: 'POST', htu: `${platform.url}/oauth/par`, iat: now() + offset }),
        },
        form: await parForm('skew-public'),
      });
      expect(res.status).toBe(status);
    });
  });

  describe('DPoP proofs at the export API', () => {
    it.each([
      ['12 s ahead', 12, 401],
      ['70 s old', -70, 401],
      ['5 s ahead', 5, 200],
      ['50 s old', -50, 200],
    ])('a proof %s answers %i', async (_name, offset, status) => {
      const config = await discoverClient(platform, 'skew-public');
      const keys = await client.randomDPoPKeyPair('ES256');
      const { tokens } = await completeFlow(platform, config, { dpop: client.getDPoPHandle(config, keys) });
      const proof = await dpopProof(keys, {
        htm: 'GET',
        htu: `${platform.url}/api/export/ping`,
        accessToken: tokens.access_token,
        iat: now() + offset,
      });
      const res = await rawPing(platform, { authorization: `DPoP ${tokens.access_token}`, dpop: proof });
      expect(res.status).toBe(status);
    });
  });
});
