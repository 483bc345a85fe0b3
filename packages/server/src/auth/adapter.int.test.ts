import { errors } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { findConsent, insertConsent } from '../consent/repository.js';
import { fixturePopulation } from '../db/fixtures.js';
import { seedPopulation } from '../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../db/testing.js';
import { claimJwtId, kyselyAdapter, purgeExpiredArtifacts, revokeGrantArtifacts } from './adapter.js';
import { registerApp, setAppStatus } from './clients/apps.js';
import { registerOrganisation } from './clients/organisations.js';
import { authKysely } from './tables.js';

describe.each(testDatabases())('oidc-provider adapter on $label', (target) => {
  let t: TestDatabase;
  const clock = new ManualClock();
  let Adapter: ReturnType<typeof kyselyAdapter>;

  beforeAll(async () => {
    t = await createTestDatabase(target);
    Adapter = kyselyAdapter({ db: t.db, clock });
  });
  afterAll(() => t?.dispose());

  const rows = () => authKysely(t.db).selectFrom('oauth_artifacts').selectAll().execute();
  /** An active one-time consent of the race app's, behind `grantId`. */
  const consentFor = (citizenId: number, grantId: string) =>
    insertConsent(t.db, {
      citizenId,
      clientId: 'race-app',
      grantId,
      requestedCategories: ['lab'],
      terms: {
        categories: ['lab'],
        period: 'all',
        excludedInstitutions: [],
        duration: 'once',
        expiresAt: clock.now() + 86_400_000,
      },
      createdAt: clock.now(),
    });

  it('claims a JWT id once, atomically, and again only after it expired', async () => {
    const exp = Math.floor(clock.now() / 1000) + 60;
    const claim = { issuer: 'client-a', jti: 'proof-jti-0123456789', exp };
    // Ten concurrent uses of one proof: the database lets exactly one through.
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => claimJwtId(t.db, clock, claim)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    expect(await claimJwtId(t.db, clock, claim)).toBe(false);
    // The same jti from another issuer is another claim; the pair never appears in clear.
    expect(await claimJwtId(t.db, clock, { ...claim, issuer: 'client-b' })).toBe(true);
    expect(JSON.stringify(await rows())).not.toContain('proof-jti-0123456789');
    clock.advance(61_000);
    expect(await claimJwtId(t.db, clock, { ...claim, exp: exp + 120 })).toBe(true);
    expect(await claimJwtId(t.db, clock, claim)).toBe(false);
  });

  it('stores payloads under a digest of the id, never the id itself', async () => {
    const tokens = new Adapter('AccessToken');
    await tokens.upsert('secret-token-value-1', { grantId: 'g1', clientId: 'c', kind: 'AccessToken' }, 600);
    expect(await tokens.find('secret-token-value-1')).toEqual({ grantId: 'g1', clientId: 'c', kind: 'AccessToken' });
    const stored = await rows();
    expect(JSON.stringify(stored)).not.toContain('secret-token-value-1');
    expect(stored.find((r) => r.grant_id === 'g1')?.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Another model with the same id is another artifact.
    expect(await new Adapter('RefreshToken').find('secret-token-value-1')).toBeUndefined();
  });

  it('updates in place and keeps a row expiring with the payload exp', async () => {
    const sessions = new Adapter('Session');
    const exp = Math.floor(clock.now() / 1000) + 100;
    await sessions.upsert('s1', { uid: 'u1', exp, accountId: '1' }, 100);
    await sessions.upsert('s1', { uid: 'u1', exp, accountId: '2' }, 100);
    expect(await sessions.findByUid('u1')).toMatchObject({ accountId: '2' });
    const row = (await rows()).find((r) => r.uid === 'u1');
    expect(Number(row?.expires_at)).toBe(exp * 1000);
  });

  it('ignores expired rows and purges them', async () => {
    const codes = new Adapter('AuthorizationCode');
    await codes.upsert('short-lived', { grantId: 'g2' }, 60);
    expect(await codes.find('short-lived')).toBeDefined();
    clock.advance(60_000);
    expect(await codes.find('short-lived')).toBeUndefined();
    clock.advance(60_001);
    expect(await purgeExpiredArtifacts(t.db, clock)).toBeGreaterThanOrEqual(1);
    expect((await rows()).some((r) => r.grant_id === 'g2')).toBe(false);
  });

  it('consumes once: a second redemption of a code revokes its grant', async () => {
    const codes = new Adapter('AuthorizationCode');
    const grants = new Adapter('Grant');
    const tokens = new Adapter('AccessToken');
    await grants.upsert('g3', { accountId: '1', clientId: 'c' }, 600);
    await codes.upsert('code-3', { grantId: 'g3' }, 60);
    await tokens.upsert('at-3', { grantId: 'g3' }, 600);
    await codes.consume('code-3');
    expect(await codes.find('code-3')).toMatchObject({ consumed: Math.floor(clock.now() / 1000) });
    await expect(codes.consume('code-3')).rejects.toBeInstanceOf(errors.InvalidGrant);
    expect(await grants.find('g3')).toBeUndefined();
    expect(await tokens.find('at-3')).toBeUndefined();
  });

  it('two simultaneous redemptions of one code: the loser revokes the grant and the consent too', async () => {
    await seedPopulation(t.db, fixturePopulation({ citizens: 1, recordsPerCitizen: 0 }));
    const citizen = await t.db.kysely.selectFrom('citizens').select('id').executeTakeFirstOrThrow();
    const org = await registerOrganisation(t.db, { type: 'company', name: '競速測試', identifier: '24502181' });
    await registerApp(t.db, {
      clientId: 'race-app',
      organisationId: org.id,
      name: { 'zh-TW': '測試', en: 'Test' },
      purpose: { 'zh-TW': '測試', en: 'Test' },
      privacyPolicyUrl: 'https://race.example/privacy',
      supportContact: 'a@race.example',
      redirectUris: ['https://race.example/cb'],
      clientType: 'public',
      categories: ['lab'],
      environment: 'sandbox',
    });
    const consent = await consentFor(citizen.id, 'g-race');
    const codes = new Adapter('AuthorizationCode');
    await new Adapter('Grant').upsert('g-race', { accountId: String(citizen.id), clientId: 'race-app' }, 600);
    await codes.upsert('code-race', { grantId: 'g-race' }, 60);
    // Both requests read the code unconsumed; the database lets one consume it.
    const outcomes = await Promise.allSettled([codes.consume('code-race'), codes.consume('code-race')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')?.reason).toBeInstanceOf(errors.InvalidGrant);
    // The loser ended everything, the consent included (and with it every ticket of the consent).
    expect(await new Adapter('Grant').find('g-race')).toBeUndefined();
    expect(await findConsent(t.db, consent.id)).toMatchObject({ status: 'revoked', revokedAt: clock.now() });
  });

  it('a grant destroyed by the provider (RFC 7009 revocation, replay) ends its consent', async () => {
    const citizen = await t.db.kysely.selectFrom('citizens').select('id').executeTakeFirstOrThrow();
    const consent = await consentFor(citizen.id, 'g-destroyed');
    await new Adapter('Grant').upsert('g-destroyed', { accountId: String(citizen.id) }, 600);
    await new Adapter('Grant').destroy('g-destroyed');
    expect(await findConsent(t.db, consent.id)).toMatchObject({ status: 'revoked' });
  });

  it('consumes other artifacts without treating a repeat as an attack', async () => {
    const pars = new Adapter('PushedAuthorizationRequest');
    await pars.upsert('par-1', { request: 'x' }, 60);
    await pars.consume('par-1');
    await expect(pars.consume('par-1')).resolves.toBeUndefined();
  });

  it('revokes by grant: per model, or every artifact of the grant at once', async () => {
    const tokens = new Adapter('AccessToken');
    const refresh = new Adapter('RefreshToken');
    const grants = new Adapter('Grant');
    await grants.upsert('g4', { accountId: '1' }, 600);
    await tokens.upsert('at-4', { grantId: 'g4' }, 600);
    await refresh.upsert('rt-4', { grantId: 'g4' }, 600);
    await tokens.upsert('at-5', { grantId: 'g5' }, 600);
    await tokens.revokeByGrantId('g4');
    expect(await tokens.find('at-4')).toBeUndefined();
    expect(await refresh.find('rt-4')).toBeDefined();
    await revokeGrantArtifacts(t.db, 'g4');
    expect(await refresh.find('rt-4')).toBeUndefined();
    expect(await grants.find('g4')).toBeUndefined();
    expect(await tokens.find('at-5')).toBeDefined();
  });

  it('reads clients from the app registry, active ones only, and never writes them', async () => {
    const org = await registerOrganisation(t.db, {
      type: 'medical_institution',
      name: '測試醫院',
      identifier: '0101090517',
    });
    await registerApp(t.db, {
      clientId: 'registry-app',
      organisationId: org.id,
      name: { 'zh-TW': '測試', en: 'Test' },
      purpose: { 'zh-TW': '測試', en: 'Test' },
      privacyPolicyUrl: 'https://a.example/privacy',
      supportContact: 'a@a.example',
      redirectUris: ['https://a.example/cb'],
      clientType: 'public',
      categories: ['lab'],
      environment: 'sandbox',
    });
    // The same app registered for production is no client of this (the sandbox's) adapter.
    await registerApp(t.db, {
      clientId: 'registry-production-app',
      organisationId: org.id,
      name: { 'zh-TW': '測試', en: 'Test' },
      purpose: { 'zh-TW': '測試', en: 'Test' },
      privacyPolicyUrl: 'https://a.example/privacy',
      supportContact: 'a@a.example',
      redirectUris: ['https://a.example/cb'],
      clientType: 'public',
      categories: ['lab'],
      environment: 'production',
    });
    const clients = new Adapter('Client');
    expect(await clients.find('registry-production-app')).toBeUndefined();
    expect(await clients.find('registry-app')).toMatchObject({
      client_id: 'registry-app',
      token_endpoint_auth_method: 'none',
      dpop_bound_access_tokens: true,
      require_pushed_authorization_requests: true,
      redirect_uris: ['https://a.example/cb'],
      record_scopes: ['records.lab'],
      organisation_id: org.id,
    });
    expect(await clients.find('nobody')).toBeUndefined();
    await setAppStatus(t.db, 'registry-app', 'suspended');
    expect(await clients.find('registry-app')).toBeUndefined();
    await expect(clients.upsert('x', {}, 1)).rejects.toThrow(/registry/);
  });
});
