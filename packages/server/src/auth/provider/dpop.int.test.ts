/**
 * DPoP (RFC 9449) at the token endpoint and at the export API: a token is only good together
 * with a fresh proof of the key it is bound to, for this request, this URI and this token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../db/testing.js';
import { authorizeInBrowser, registerTestApp, startTestPlatform, type TestPlatform } from '../testing.js';
import { client, completeFlow, discoverClient, dpopProof, pushAuthorization, rawPing } from '../testing-client.js';

describe.each(testDatabases())('DPoP on $label', (target) => {
  let platform: TestPlatform;
  let config: client.Configuration;
  let keys: CryptoKeyPair;
  let accessToken: string;
  let htu: string;

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerTestApp(platform, { clientId: 'dpop-public', clientType: 'public' });
    config = await discoverClient(platform, 'dpop-public');
    keys = await client.randomDPoPKeyPair('ES256');
    const { tokens } = await completeFlow(platform, config, {
      dpop: client.getDPoPHandle(config, keys),
      consent: { acknowledge: 'yes', period: '1y', duration: '1' },
    });
    accessToken = tokens.access_token;
    htu = `${platform.url}/api/export/ping`;
  });
  afterAll(() => platform?.close());

  async function codeBoundTo(dpopKeys: CryptoKeyPair) {
    const dpop = client.getDPoPHandle(config, dpopKeys);
    const started = await pushAuthorization(config, dpop);
    const { callback } = await authorizeInBrowser(platform, started.url.href);
    return { callback: callback as URL, ...started };
  }

  describe('at the token endpoint', () => {
    it('refuses to redeem a DPoP-bound code without a proof', async () => {
      const c = await codeBoundTo(keys);
      await expect(
        client.authorizationCodeGrant(config, c.callback, { pkceCodeVerifier: c.verifier, expectedState: c.state }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses to redeem it with a proof of another key', async () => {
      const c = await codeBoundTo(keys);
      const other = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      await expect(
        client.authorizationCodeGrant(
          config,
          c.callback,
          { pkceCodeVerifier: c.verifier, expectedState: c.state },
          undefined,
          {
            DPoP: other,
          },
        ),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a refresh with a proof of another key', async () => {
      const mine = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      const { tokens } = await completeFlow(platform, config, {
        dpop: mine,
        consent: { acknowledge: 'yes', period: '1y', duration: '1' },
      });
      const other = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      await expect(
        client.refreshTokenGrant(config, tokens.refresh_token as string, undefined, { DPoP: other }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('at the export API', () => {
    const expectRefused = async (res: Response, error: 'invalid_token' | 'invalid_dpop_proof') => {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(new RegExp(`^DPoP error="${error}"`));
      expect(res.headers.get('www-authenticate')).toContain('algs="ES256 PS256 EdDSA"');
      expect(((await res.json()) as { code: string }).code).toBe(error);
    };

    it('accepts the token with a correct proof', async () => {
      const proof = await dpopProof(keys, { htm: 'GET', htu, accessToken });
      const res = await rawPing(platform, { authorization: `DPoP ${accessToken}`, dpop: proof });
      expect(res.status).toBe(200);
    });

    it('refuses the token without a proof', async () => {
      await expectRefused(await rawPing(platform, { authorization: `DPoP ${accessToken}` }), 'invalid_dpop_proof');
    });

    it('refuses the token presented as a bearer token (RFC 9449 §7.2)', async () => {
      const proof = await dpopProof(keys, { htm: 'GET', htu, accessToken });
      await expectRefused(
        await rawPing(platform, { authorization: `Bearer ${accessToken}`, dpop: proof }),
        'invalid_token',
      );
    });

    it('refuses a proof made with another key', async () => {
      const other = await client.randomDPoPKeyPair('ES256');
      const proof = await dpopProof(other, { htm: 'GET', htu, accessToken });
      await expectRefused(
        await rawPing(platform, { authorization: `DPoP ${accessToken}`, dpop: proof }),
        'invalid_token',
      );
    });

    it('refuses a replayed proof', async () => {
      const proof = await dpopProof(keys, { htm: 'GET', htu, accessToken });
      expect((await rawPing(platform, { authorization: `DPoP ${accessToken}`, dpop: proof })).status).toBe(200);
      await expectRefused(
        await rawPing(platform, { authorization: `DPoP ${accessToken}`, dpop: proof }),
        'invalid_dpop_proof',
      );
    });

    it.each([
      ['the wrong method', { htm: 'POST' }],
      ['another URI', { htu: `${'http://127.0.0.1:1'}/api/export/ping` }],
      ['another path', { htuPath: '/api/export/records' }],
      ['another token', { ath: 'LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564' }],
      ['no token hash', { noAth: true }],
      ['a stale proof', { iatOffset: -300 }],
      ['a proof from the future', { iatOffset: 300 }],
    ])('refuses a proof for %s', async (_name, variant: Record<string, unknown>) => {
      const proof = await dpopProof(keys, {
        htm: (variant.htm as string) ?? 'GET',
        htu: (variant.htu as string) ?? (variant.htuPath ? `${platform.url}${variant.htuPath}` : htu),
        ...(variant.noAth ? {} : variant.ath ? { ath: variant.ath as string } : { accessToken }),
        iat: Math.floor(Date.now() / 1000) + ((variant.iatOffset as number) ?? 0),
      });
      await expectRefused(
        await rawPing(platform, { authorization: `DPoP ${accessToken}`, dpop: proof }),
        'invalid_dpop_proof',
      );
    });

    it('ignores the query string when comparing the URI (RFC 9449 §4.3)', async () => {
      const proof = await dpopProof(keys, { htm: 'GET', htu, accessToken });
      const res = await rawPing(
        platform,
        { authorization: `DPoP ${accessToken}`, dpop: proof },
        '/api/export/ping?x=1',
      );
      expect(res.status).toBe(200);
    });

    it('refuses an unknown token', async () => {
      const forged = 'x'.repeat(43);
      const proof = await dpopProof(keys, { htm: 'GET', htu, accessToken: forged });
      await expectRefused(await rawPing(platform, { authorization: `DPoP ${forged}`, dpop: proof }), 'invalid_token');
    });
  });
});
