/**
 * Client authentication and scope at the token endpoint: a confidential backend proves itself
 * with a fresh, correctly addressed `private_key_jwt` assertion (RFC 7523, FAPI 2.0 §5.3.2.1), and
 * a refresh can narrow a grant but never widen it (RFC 6749 §6).
 */
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../db/testing.js';
import { setAppStatus } from '../clients/apps.js';
import { registerTestApp, startTestPlatform, type TestPlatform } from '../testing.js';
import { client, completeFlow, discoverClient, pushAuthorization } from '../testing-client.js';

describe.each(testDatabases())('client authentication on $label', (target) => {
  let platform: TestPlatform;
  let key: CryptoKey;

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    const pair = await generateKeyPair('ES256');
    key = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    await registerTestApp(platform, { clientId: 'auth-backend', clientType: 'confidential', jwks: { keys: [jwk] } });
    await registerTestApp(platform, { clientId: 'auth-suspended', clientType: 'confidential', jwks: { keys: [jwk] } });
    await registerTestApp(platform, { clientId: 'auth-public', clientType: 'public' });
    await registerTestApp(platform, { clientId: 'auth-other', clientType: 'confidential', jwks: { keys: [jwk] } });
  });
  afterAll(() => platform?.close());

  const withAssertion = (modify: (payload: Record<string, unknown>) => void, clientId = 'auth-backend') =>
    discoverClient(
      platform,
      clientId,
      client.PrivateKeyJwt(key, { [client.modifyAssertion]: (_header, payload) => modify(payload) }),
    );
  const push = async (config: client.Configuration) =>
    pushAuthorization(config, client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')));

  it('accepts a correct private_key_jwt assertion', async () => {
    const config = await withAssertion(() => {});
    await expect(push(config)).resolves.toMatchObject({ url: expect.any(URL) });
  });

  it.each([
    [
      'expired',
      (p: Record<string, unknown>) =>
        Object.assign(p, { iat: Number(p.iat) - 600, nbf: Number(p.nbf) - 600, exp: Number(p.exp) - 600 }),
    ],
    [
      'addressed to the token endpoint instead of the issuer',
      (p: Record<string, unknown>) => Object.assign(p, { aud: `${platform.url}/oauth/token` }),
    ],
    ['addressed to another server', (p: Record<string, unknown>) => Object.assign(p, { aud: 'https://other.example' })],
    ['valid for too long', (p: Record<string, unknown>) => Object.assign(p, { exp: Number(p.iat) + 7200 })],
  ])('refuses an assertion %s', async (_name, modify) => {
    const config = await withAssertion(modify);
    await expect(push(config)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('refuses an assertion issued for another client', async () => {
    const config = await withAssertion((p) => Object.assign(p, { sub: 'auth-public', iss: 'auth-public' }));
    await expect(push(config)).rejects.toMatchObject({ error: expect.stringMatching(/^invalid_(client|request)$/) });
  });

  it('refuses a replayed assertion', async () => {
    const jti = `fixed-${Date.now()}`;
    const config = await withAssertion((p) => Object.assign(p, { jti }));
    await push(config);
    await expect(push(config)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('refuses an assertion signed by an unregistered key', async () => {
    const stranger = (await generateKeyPair('ES256')).privateKey;
    const config = await discoverClient(platform, 'auth-backend', client.PrivateKeyJwt(stranger));
    await expect(push(config)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a confidential client that does not authenticate', async () => {
    const config = await discoverClient(platform, 'auth-backend', client.None());
    await expect(push(config)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a suspended app at PAR as not authorized (RFC 6749 §5.2 unauthorized_client)', async () => {
    const config = await withAssertion(() => {}, 'auth-suspended');
    await push(config);
    await setAppStatus(platform.db, 'auth-suspended', 'suspended');
    await expect(push(config)).rejects.toMatchObject({ error: 'unauthorized_client' });
  });

  it("lets only the token's own confidential app introspect it (RFC 7662 §2.1)", async () => {
    const backend = await withAssertion(() => {});
    const { tokens } = await completeFlow(platform, backend);
    expect(await client.tokenIntrospection(backend, tokens.access_token)).toMatchObject({ active: true });
    // Another app's backend learns nothing about it.
    const other = await withAssertion(() => {}, 'auth-other');
    expect(await client.tokenIntrospection(other, tokens.access_token)).toEqual({ active: false });
  });

  it('refuses introspection to a public client, which cannot authenticate', async () => {
    const backend = await withAssertion(() => {});
    const { tokens } = await completeFlow(platform, backend);
    const publicApp = await discoverClient(platform, 'auth-public');
    await expect(client.tokenIntrospection(publicApp, tokens.access_token)).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
  });

  it('lets a refresh narrow the scope but never widen it', async () => {
    const config = await discoverClient(platform, 'auth-public');
    const { tokens, dpop } = await completeFlow(platform, config, {
      scope: 'records.lab records.outpatient',
      consent: { acknowledge: 'yes', category: ['lab', 'outpatient'], period: '1y', duration: '1' },
    });
    await expect(
      client.refreshTokenGrant(
        config,
        tokens.refresh_token as string,
        { scope: 'records.lab records.allergy' },
        { DPoP: dpop },
      ),
    ).rejects.toMatchObject({ error: 'invalid_scope' });
    const narrowed = await client.refreshTokenGrant(
      config,
      tokens.refresh_token as string,
      { scope: 'records.lab' },
      {
        DPoP: dpop,
      },
    );
    expect(narrowed.scope).toBe('records.lab');
  });

  it('rotates refresh tokens: a used one is refused, and its reuse ends the grant (RFC 9700 §4.14.2)', async () => {
    const config = await discoverClient(platform, 'auth-public');
    const { tokens, dpop } = await completeFlow(platform, config, {
      scope: 'records.lab',
      consent: { acknowledge: 'yes', category: ['lab'], period: '1y', duration: '1' },
    });
    const first = tokens.refresh_token as string;
    const rotated = await client.refreshTokenGrant(config, first, undefined, { DPoP: dpop });
    expect(rotated.refresh_token).toBeDefined();
    expect(rotated.refresh_token).not.toBe(first);
    // A stolen copy of the old token presented again: refused …
    await expect(client.refreshTokenGrant(config, first, undefined, { DPoP: dpop })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    // … and the thief's attempt ends the grant for the legitimate holder too.
    await expect(
      client.refreshTokenGrant(config, rotated.refresh_token as string, undefined, { DPoP: dpop }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('never grants at refresh a category the citizen unticked', async () => {
    const config = await discoverClient(platform, 'auth-public');
    const { tokens, dpop } = await completeFlow(platform, config, {
      scope: 'records.lab records.outpatient',
      consent: { acknowledge: 'yes', category: ['lab'], period: '1y', duration: '1' },
    });
    expect(tokens.scope).toBe('records.lab');
    await expect(
      client.refreshTokenGrant(
        config,
        tokens.refresh_token as string,
        { scope: 'records.lab records.outpatient' },
        {
          DPoP: dpop,
        },
      ),
    ).rejects.toMatchObject({ error: 'invalid_scope' });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string, undefined, { DPoP: dpop });
    expect(refreshed.scope).toBe('records.lab');
  });
});
