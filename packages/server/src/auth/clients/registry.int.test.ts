import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabases } from '../../db/testing.js';
import { authKysely } from '../tables.js';
import { type AppInput, findApp, redirectUriError, registerApp } from './apps.js';
import { RegistryError } from './errors.js';
import { findOrganisation, registerOrganisation } from './organisations.js';
import { registerSandboxApps, SANDBOX_DIABETES_DIARY } from './sandbox.js';

describe('redirect URI rules', () => {
  it.each([
    ['https://app.example/cb', 'production', undefined],
    ['https://app.example:8443/cb?x=1', 'production', undefined],
    ['http://localhost:3000/cb', 'sandbox', undefined],
    ['http://127.0.0.1/cb', 'sandbox', undefined],
    ['http://localhost:3000/cb', 'production', 'must use https'],
    ['http://app.example/cb', 'sandbox', 'must use https (or http to localhost)'],
    ['https://app.example/cb#x', 'production', 'must not contain a fragment'],
    ['https://u:p@app.example/cb', 'production', 'must not contain user information'],
    ['https://APP.example/cb', 'production', 'is not in normalised form'],
    ['https://app.example/a/../cb', 'production', 'is not in normalised form'],
    ['/cb', 'production', 'is not an absolute URL'],
    ['com.example.app:/cb', 'production', 'must use https'],
  ] as const)('%s in %s: %s', (uri, environment, error) => {
    expect(redirectUriError(uri, environment)).toBe(error);
  });
});

describe.each(testDatabases())('organisation and app registry on $label', (target) => {
  let t: TestDatabase;
  let orgId: string;

  beforeAll(async () => {
    t = await createTestDatabase(target);
    orgId = (
      await registerOrganisation(t.db, { type: 'company', name: '健康科技股份有限公司', identifier: '04595257' })
    ).id;
  });
  afterAll(() => t?.dispose());

  const app = (overrides: Partial<AppInput>): AppInput => ({
    organisationId: orgId,
    name: { 'zh-TW': '健康 App', en: 'Health app' },
    purpose: { 'zh-TW': '追蹤健康。', en: 'To follow your health.' },
    privacyPolicyUrl: 'https://app.example/privacy',
    supportContact: '02-1234-5678',
    redirectUris: ['https://app.example/cb'],
    clientType: 'public',
    categories: ['lab'],
    environment: 'production',
    ...overrides,
  });
  const refused = async (promise: Promise<unknown>, code: string) => {
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe(code);
  };

  it('checks identifiers by organisation type', async () => {
    const hospital = await registerOrganisation(t.db, {
      type: 'medical_institution',
      name: '測試醫院',
      identifier: '1131050515',
    });
    expect(await findOrganisation(t.db, hospital.id)).toMatchObject({
      type: 'medical_institution',
      identifier: '1131050515',
    });
    await refused(
      registerOrganisation(t.db, { type: 'company', name: 'X', identifier: '04595258' }),
      'invalid_identifier',
    );
    await refused(
      registerOrganisation(t.db, { type: 'medical_institution', name: 'X', identifier: '04595257' }),
      'invalid_identifier',
    );
    await refused(
      registerOrganisation(t.db, { type: 'foundation', name: 'X', identifier: '1131050515' }),
      'invalid_identifier',
    );
    await refused(
      registerOrganisation(t.db, { type: 'government', name: 'Y', identifier: '04595257' }),
      'duplicate_identifier',
    );
    await refused(
      registerOrganisation(t.db, { type: 'company', name: ' ', identifier: '53011261' }),
      'invalid_organisation',
    );
  });

  it('registers an app and reads it back exactly', async () => {
    const input = app({ clientId: 'health-app', categories: ['lab', 'outpatient', 'lab'] });
    const registered = await registerApp(t.db, input);
    expect(registered.categories).toEqual(['lab', 'outpatient']);
    expect(await findApp(t.db, 'health-app')).toEqual(registered);
    await refused(registerApp(t.db, input), 'duplicate_client_id');
    const generated = await registerApp(t.db, app({}));
    expect(generated.clientId).toMatch(/^app_[0-9a-f]{24}$/);
  });

  it.each([
    ['no redirect URI', { redirectUris: [] }, 'invalid_redirect_uri'],
    ['a loose redirect URI', { redirectUris: ['https://app.example/cb#x'] }, 'invalid_redirect_uri'],
    ['http to localhost in production', { redirectUris: ['http://localhost/cb'] }, 'invalid_redirect_uri'],
    ['an http privacy policy', { privacyPolicyUrl: 'http://app.example/privacy' }, 'invalid_app'],
    ['no category', { categories: [] }, 'invalid_app'],
    ['an unknown category', { categories: ['genome' as never] }, 'invalid_app'],
    ['keys on a public client', { jwks: { keys: [{ kty: 'EC' }] } }, 'invalid_jwks'],
    ['a confidential client without keys', { clientType: 'confidential' as const }, 'invalid_jwks'],
    [
      'a private key',
      { clientType: 'confidential' as const, jwks: { keys: [{ kty: 'EC', d: 'secret' }] } },
      'invalid_jwks',
    ],
    ['an unknown organisation', { organisationId: 'org_nope' }, 'unknown_organisation'],
    ['a bad client id', { clientId: 'Has Spaces' }, 'invalid_app'],
    ['no support contact', { supportContact: '' }, 'invalid_app'],
  ])('refuses %s', async (_name, overrides, code) => {
    await refused(registerApp(t.db, app(overrides as Partial<AppInput>)), code);
  });

  it('registers the sandbox example apps idempotently, following the platform address', async () => {
    expect(await registerSandboxApps(t.db, { publicUrl: 'http://localhost:3000' })).toEqual([SANDBOX_DIABETES_DIARY]);
    expect(await registerSandboxApps(t.db, { publicUrl: 'http://localhost:3000/' })).toEqual([SANDBOX_DIABETES_DIARY]);
    const diary = await findApp(t.db, SANDBOX_DIABETES_DIARY);
    expect(diary).toMatchObject({
      clientType: 'public',
      environment: 'sandbox',
      redirectUris: ['http://localhost:3000/examples/diabetes-diary/callback'],
    });
    await registerSandboxApps(t.db, { publicUrl: 'http://localhost:4000' });
    expect((await findApp(t.db, SANDBOX_DIABETES_DIARY))?.redirectUris).toEqual([
      'http://localhost:4000/examples/diabetes-diary/callback',
    ]);
    const apps = await authKysely(t.db)
      .selectFrom('apps')
      .select('client_id')
      .where('client_id', '=', SANDBOX_DIABETES_DIARY)
      .execute();
    expect(apps).toHaveLength(1);
    const orgs = await authKysely(t.db)
      .selectFrom('organisations')
      .select('id')
      .where('id', '=', 'org_sandbox_diary')
      .execute();
    expect(orgs).toHaveLength(1);
  });
});
