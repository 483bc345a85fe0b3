import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { findConsent, findConsentByGrant } from '../../consent/repository.js';
import { testDatabases } from '../../db/testing.js';
import { authKysely } from '../tables.js';
import {
  authorizeInBrowser,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  type TestPlatform,
} from '../testing.js';
import { client, completeFlow, discoverClient, ping, pushAuthorization } from '../testing-client.js';

const DAY = 24 * 3600_000;

describe.each(testDatabases())('authorization flows on $label', (target) => {
  let platform: TestPlatform;
  let confidentialKey: CryptoKey;

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerTestApp(platform, { clientId: 'flow-public', clientType: 'public' });
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    confidentialKey = privateKey;
    await registerTestApp(platform, {
      clientId: 'flow-backend',
      clientType: 'confidential',
      jwks: { keys: [{ ...(await exportJWK(publicKey)), kid: 'backend-1', alg: 'ES256', use: 'sig' }] },
    });
  });
  afterAll(() => platform?.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  const consentOf = async (accessToken: string, config: client.Configuration, dpop: client.DPoPHandle) => {
    const res = await ping(platform, config, accessToken, dpop);
    expect(res.status).toBe(200);
    const { consent_id } = (await res.json()) as { consent_id: string };
    const consent = await findConsent(platform.db, consent_id);
    if (!consent) throw new Error('no consent');
    return consent;
  };

  it('issues a DPoP-bound, audience-restricted token that the export API accepts', async () => {
    const config = await discoverClient(platform, 'flow-public');
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const nonce = client.randomNonce();
    const started = await pushAuthorization(config, dpop, { scope: 'openid records.lab records.outpatient', nonce });
    // PAR (RFC 9126 §4): the browser carries only the client id and the request URI.
    expect(started.url.pathname).toBe('/oauth/authorize');
    expect([...started.url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);

    const { callback } = await authorizeInBrowser(platform, started.url.href);
    // RFC 9207: the response names its issuer.
    expect(callback?.searchParams.get('iss')).toBe(platform.url);
    const tokens = await client.authorizationCodeGrant(
      config,
      callback as URL,
      { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: nonce },
      undefined,
      { DPoP: dpop },
    );
    expect(tokens.token_type).toBe('dpop');
    expect(tokens.expires_in).toBeGreaterThan(590);
    expect(tokens.expires_in).toBeLessThanOrEqual(600);
    // The access token carries only the export API's scopes (RFC 8707 §2.2).
    expect(tokens.scope?.split(' ').sort()).toEqual(['records.lab', 'records.outpatient']);
    // A one-time consent gets no refresh token.
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.claims()?.sub).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const consent = await consentOf(tokens.access_token, config, dpop);
    expect(consent).toMatchObject({
      clientId: 'flow-public',
      categories: ['lab', 'outpatient'],
      requestedCategories: ['lab', 'outpatient'],
      duration: 'once',
      period: '1y',
      status: 'active',
    });
    expect(consent.expiresAt - consent.createdAt).toBe(DAY);
  });

  it('records what the citizen chose: fewer categories, a custom period, excluded institutions, the export key', async () => {
    const config = await discoverClient(platform, 'flow-public');
    const exportKeyJkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    const { tokens, dpop } = await completeFlow(platform, config, {
      scope: 'records.lab records.outpatient records.allergy',
      extra: { export_key_jkt: exportKeyJkt },
      consent: {
        acknowledge: 'yes',
        category: ['lab', 'allergy'],
        period: 'custom',
        from: '2020-01-01',
        to: '2024-12-31',
        exclude: ['0101090517'],
        duration: 'once',
      },
    });
    expect(tokens.scope?.split(' ').sort()).toEqual(['records.allergy', 'records.lab']);
    const consent = await consentOf(tokens.access_token, config, dpop);
    expect(consent).toMatchObject({
      categories: ['lab', 'allergy'],
      requestedCategories: ['lab', 'outpatient', 'allergy'],
      period: 'custom',
      from: '2020-01-01',
      to: '2024-12-31',
      excludedInstitutions: ['0101090517'],
      exportKeyJkt,
    });
  });

  it('gives pairwise subjects: one per organisation, never the internal id', async () => {
    const config = await discoverClient(platform, 'flow-public');
    const first = await completeFlow(platform, config, { scope: 'openid records.lab', persona: 'A小姐' });
    const again = await completeFlow(platform, config, { scope: 'openid records.lab', persona: 'A小姐' });
    const other = await completeFlow(platform, config, { scope: 'openid records.lab', persona: 'B爺爺' });
    const diary = await discoverClient(platform, 'diabetes-diary');
    const { tokens: inOtherOrg } = await completeFlow(platform, diary, {
      scope: 'openid records.lab',
      persona: 'A小姐',
      redirectUri: `${platform.url}/examples/diabetes-diary/callback`,
    });
    const sub = first.tokens.claims()?.sub;
    expect(again.tokens.claims()?.sub).toBe(sub);
    expect(other.tokens.claims()?.sub).not.toBe(sub);
    expect(inOtherOrg.claims()?.sub).not.toBe(sub);
    expect(sub).not.toMatch(/^\d+$/);
  });

  it('declining sends access_denied back to the app, with iss and state', async () => {
    const config = await discoverClient(platform, 'flow-public');
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const started = await pushAuthorization(config, dpop);
    const { callback } = await authorizeInBrowser(platform, started.url.href, { consent: 'decline' });
    expect(callback?.origin + (callback?.pathname ?? '')).toBe(TEST_REDIRECT_URI);
    expect(callback?.searchParams.get('error')).toBe('access_denied');
    expect(callback?.searchParams.get('state')).toBe(started.state);
    expect(callback?.searchParams.get('iss')).toBe(platform.url);
    expect(callback?.searchParams.get('code')).toBeNull();
    await expect(
      client.authorizationCodeGrant(config, callback as URL, {
        pkceCodeVerifier: started.verifier,
        expectedState: started.state,
      }),
    ).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('ongoing consent: a rotating refresh token that never outlives the consent, and reuse revokes it all', async () => {
    const config = await discoverClient(platform, 'flow-public');
    const { tokens, dpop } = await completeFlow(platform, config, {
      consent: { acknowledge: 'yes', period: '3y', duration: '3' },
    });
    expect(tokens.refresh_token).toBeTypeOf('string');
    const consent = await consentOf(tokens.access_token, config, dpop);
    expect(consent.duration).toBe('ongoing');
    // Three calendar months, not a day more.
    const end = new Date(consent.createdAt);
    end.setUTCMonth(end.getUTCMonth() + 3);
    expect(Math.abs(consent.expiresAt - end.getTime())).toBeLessThanOrEqual(3 * DAY);
    const stored = await authKysely(platform.db)
      .selectFrom('oauth_artifacts')
      .select('expires_at')
      .where('model', '=', 'RefreshToken')
      .where('grant_id', '=', consent.grantId)
      .executeTakeFirstOrThrow();
    expect(Number(stored.expires_at)).toBeLessThanOrEqual(consent.expiresAt);
    expect(Number(stored.expires_at)).toBeGreaterThan(consent.expiresAt - 5_000);

    // Public client: each refresh rotates (RFC 9700 §4.14.2).
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token as string, undefined, { DPoP: dpop });
    expect(refreshed.refresh_token).toBeTypeOf('string');
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await ping(platform, config, refreshed.access_token, dpop)).status).toBe(200);

    // Replaying the rotated-out token is theft: the whole grant goes.
    await expect(
      client.refreshTokenGrant(config, tokens.refresh_token as string, undefined, { DPoP: dpop }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(ping(platform, config, refreshed.access_token, dpop)).rejects.toMatchObject({ status: 401 });
    await expect(
      client.refreshTokenGrant(config, refreshed.refresh_token as string, undefined, { DPoP: dpop }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    await vi.waitFor(async () =>
      expect((await findConsentByGrant(platform.db, consent.grantId))?.status).toBe('revoked'),
    );
  });

  it('ongoing consent ends on its date: refresh and access both stop', async () => {
    const config = await discoverClient(platform, 'flow-public');
    const { tokens, dpop } = await completeFlow(platform, config, {
      consent: { acknowledge: 'yes', period: 'all', duration: '1' },
    });
    const consent = await consentOf(tokens.access_token, config, dpop);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(consent.expiresAt + 1_000);
    await expect(
      client.refreshTokenGrant(config, tokens.refresh_token as string, undefined, { DPoP: dpop }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(ping(platform, config, tokens.access_token, dpop)).rejects.toMatchObject({ status: 401 });
  });

  it('a confidential backend authenticates with private_key_jwt, and its refresh token does not rotate', async () => {
    const config = await discoverClient(platform, 'flow-backend', client.PrivateKeyJwt(confidentialKey));
    const { tokens, dpop } = await completeFlow(platform, config, {
      consent: { acknowledge: 'yes', period: '5y', duration: '12' },
    });
    expect(tokens.token_type).toBe('dpop');
    const first = await client.refreshTokenGrant(config, tokens.refresh_token as string, undefined, { DPoP: dpop });
    // FAPI 2.0 §5.3.2.1: no rotation for confidential clients; the same token keeps working.
    expect(first.refresh_token).toBe(tokens.refresh_token);
    const second = await client.refreshTokenGrant(config, tokens.refresh_token as string, undefined, { DPoP: dpop });
    expect((await ping(platform, config, second.access_token, dpop)).status).toBe(200);
    // RFC 7662: an authenticated resource server learns what the token stands for.
    const consent = await consentOf(second.access_token, config, dpop);
    expect(await client.tokenIntrospection(config, second.access_token)).toMatchObject({
      active: true,
      consent_id: consent.id,
      aud: `${platform.url}/api/export`,
    });
  });

  it('refuses a code whose citizen no longer exists (the consent went with them)', async () => {
    const config = await discoverClient(platform, 'flow-public');
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const started = await pushAuthorization(config, dpop, { scope: 'records.lab' });
    const { callback } = await authorizeInBrowser(platform, started.url.href, { persona: 'B爺爺' });
    const grantId = (
      await authKysely(platform.db)
        .selectFrom('consents')
        .select('grant_id')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow()
    ).grant_id;
    const consent = await findConsentByGrant(platform.db, grantId ?? '');
    expect(consent).toBeDefined();
    await platform.db.kysely
      .deleteFrom('citizens')
      .where('id', '=', consent?.citizenId ?? -1)
      .execute();
    expect(await findConsentByGrant(platform.db, grantId ?? '')).toBeUndefined();
    await expect(
      client.authorizationCodeGrant(
        config,
        callback as URL,
        { pkceCodeVerifier: started.verifier, expectedState: started.state },
        undefined,
        { DPoP: dpop },
      ),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('publishes discovery, RFC 8414 and SMART metadata that state the FAPI 2.0 baseline', async () => {
    const oidc = (await (await fetch(`${platform.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    const rfc8414 = (await (await fetch(`${platform.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(rfc8414).toEqual(oidc);
    expect(oidc).toMatchObject({
      issuer: platform.url,
      authorization_endpoint: `${platform.url}/oauth/authorize`,
      token_endpoint: `${platform.url}/oauth/token`,
      pushed_authorization_request_endpoint: `${platform.url}/oauth/par`,
      require_pushed_authorization_requests: true,
      jwks_uri: `${platform.url}/oauth/jwks`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      authorization_response_iss_parameter_supported: true,
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['ES256'],
    });
    expect((oidc.token_endpoint_auth_methods_supported as string[]).sort()).toEqual(['none', 'private_key_jwt']);
    expect((oidc.dpop_signing_alg_values_supported as string[]).sort()).toEqual(['ES256', 'EdDSA', 'PS256']);
    expect(oidc.userinfo_endpoint).toBeUndefined();

    const smart = (await (await fetch(`${platform.url}/.well-known/smart-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(smart).toMatchObject({
      issuer: platform.url,
      authorization_endpoint: oidc.authorization_endpoint,
      token_endpoint: oidc.token_endpoint,
      jwks_uri: oidc.jwks_uri,
      code_challenge_methods_supported: ['S256'],
    });
    expect(smart.capabilities).toEqual(
      expect.arrayContaining(['launch-standalone', 'client-public', 'permission-offline']),
    );
    expect(smart.scopes_supported).toEqual(expect.arrayContaining(['records.lab', 'records.care_wishes']));

    const jwks = (await (await fetch(`${platform.url}/oauth/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(['healthbank-development-es256']);
    expect(jwks.keys.some((k) => 'd' in k)).toBe(false);
  });
});
