/**
 * Sandbox and production are separate realms over one database: their own issuers, keys and
 * clients, and disjoint citizens. Each attack below uses real credentials of one realm against the
 * other: a sandbox client at production's PAR, a sandbox access token and ticket at production's
 * export API, a production client's sign-in for a synthetic citizen, a real citizen in the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { fetchFile, provideFile } from '../citizen/testing.js';
import { productionRealm } from '../config/realms.js';
import { fixturePopulation } from '../db/fixtures.js';
import { findCitizenByNationalId, seedPopulation } from '../db/index.js';
import { testDatabases } from '../db/testing.js';
import { registerApp } from './clients/apps.js';
import type { CodeMessage } from './signin/codes/channel.js';
import {
  csrfIn,
  freePort,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  TestBrowser,
  type TestPlatform,
} from './testing.js';
import { client, discoverClient, ping, pushAuthorization } from './testing-client.js';

const SANDBOX_APP = 'realm-sandbox-app';
const PRODUCTION_APP = 'realm-production-app';

describe.each(testDatabases())('sandbox and production realms on $label', (target) => {
  let sandbox: TestPlatform;
  let production: TestPlatform;
  const delivered: CodeMessage[] = [];
  // Loaded as NHI's data load would be: real citizens, whom only production serves.
  const real = [...fixturePopulation({ citizens: 2, firstSerial: 500, recordsPerCitizen: 12 })].map((c) => c.citizen);

  beforeAll(async () => {
    sandbox = await startTestPlatform(target);
    await registerTestApp(sandbox, { clientId: SANDBOX_APP, clientType: 'public' });
    await seedPopulation(
      sandbox.db,
      real.map((citizen) => ({ citizen, records: [] })),
      { synthetic: false },
    );
    await registerApp(sandbox.db, {
      clientId: PRODUCTION_APP,
      organisationId: sandbox.organisationId,
      name: { 'zh-TW': '正式 App', en: 'Production app' },
      purpose: { 'zh-TW': '正式環境。', en: 'Production.' },
      privacyPolicyUrl: 'https://app.example.test/privacy',
      supportContact: 'help@app.example.test',
      redirectUris: [TEST_REDIRECT_URI],
      clientType: 'public',
      categories: ['lab', 'outpatient'],
      environment: 'production',
    });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = productionRealm({ ...sandbox.config, publicUrl: url, port });
    const app = await buildApp({
      config,
      db: sandbox.db,
      messageChannel: { deliver: async (message) => void delivered.push(message) },
    });
    await app.listen({ host: '127.0.0.1', port });
    production = { ...sandbox, url, config, app, close: () => app.close() };
  });
  afterAll(async () => {
    await production?.close();
    await sandbox?.close();
  });

  it('publishes a separate issuer and separate keys for each realm', async () => {
    const metadata = async (p: TestPlatform) =>
      (await (await fetch(`${p.url}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect((await metadata(production)).issuer).toBe(production.url);
    expect((await metadata(sandbox)).issuer).toBe(sandbox.url);
  });

  it('refuses a sandbox client at production’s PAR endpoint as an unknown client', async () => {
    const config = await client.discovery(new URL(production.url), SANDBOX_APP, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    await expect(pushAuthorization(config, dpop)).rejects.toMatchObject({ error: 'invalid_client' });
    // …and a production client at the sandbox's.
    const inSandbox = await discoverClient(sandbox, PRODUCTION_APP);
    const dpop2 = client.getDPoPHandle(inSandbox, await client.randomDPoPKeyPair('ES256'));
    await expect(pushAuthorization(inSandbox, dpop2)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a sandbox access token and a sandbox ticket at production’s export API', async () => {
    const config = await discoverClient(sandbox, SANDBOX_APP);
    const provided = await provideFile(sandbox, config);
    expect((await ping(sandbox, config, provided.accessToken, provided.dpop)).status).toBe(200);
    // The same token, with a proof made for production's URL, at production.
    const atProduction = await client.discovery(new URL(production.url), SANDBOX_APP, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    await expect(
      client.fetchProtectedResource(
        atProduction,
        provided.accessToken,
        new URL('/api/export/ping', production.url),
        'GET',
        undefined,
        undefined,
        { DPoP: provided.dpop },
      ),
    ).rejects.toMatchObject({ status: 401 });
    const file = await fetchFile(production, provided.ticket, provided.keys);
    const unknown = await fetchFile(production, 'tkt_unknownunknownunknownunknown', provided.keys);
    expect(file.status).toBe(404);
    expect(await file.json()).toEqual(await unknown.json());
    // Tampered test files are the sandbox's alone: production serves none.
    expect((await fetch(`${production.url}/api/export/test-files/${provided.ticket}`)).status).toBe(404);
  });

  it('sends no code to a synthetic citizen from production, and none to a real one from the sandbox', async () => {
    const synthetic = await findCitizenByNationalId(
      sandbox.db,
      (
        await sandbox.db.kysely
          .selectFrom('citizens')
          .select('national_id')
          .where('synthetic', '=', 1)
          .where('persona', 'is', null)
          .executeTakeFirstOrThrow()
      ).national_id,
    );
    const person = real[0];
    if (!synthetic || !person) throw new Error('no citizens');
    const details = (c: { nationalId: string; nhiCardNumber: string; birthDate: string }) => {
      const [year, month, day] = c.birthDate.split('-') as [string, string, string];
      return {
        nationalId: c.nationalId,
        cardNumber: c.nhiCardNumber,
        birthYear: year,
        birthMonth: month,
        birthDay: day,
      };
    };
    const signIn = async (platform: TestPlatform, clientId: string, citizen: Parameters<typeof details>[0]) => {
      const config = await discoverClient(platform, clientId);
      const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
      const started = await pushAuthorization(config, dpop);
      const browser = new TestBrowser();
      const page = await browser.follow(started.url.href, TEST_REDIRECT_URI);
      const signinUrl = page.url.split('?')[0] ?? '';
      expect(new URL(signinUrl).pathname).toMatch(/^\/signin\//);
      const code = await browser.follow(`${signinUrl}/nhi`, TEST_REDIRECT_URI, {
        form: { _csrf: csrfIn(page.html ?? ''), ...details(citizen) },
      });
      return { signinUrl, page, code, browser };
    };

    // Production: no persona picker at all, and a synthetic citizen's correct details send nothing.
    const asSynthetic = await signIn(production, PRODUCTION_APP, synthetic);
    expect(asSynthetic.page.html).not.toContain('/persona');
    const persona = await asSynthetic.browser.request(`${asSynthetic.signinUrl}/persona`, {
      form: { _csrf: csrfIn(asSynthetic.page.html ?? ''), nationalId: synthetic.nationalId },
    });
    expect(persona.status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(delivered).toEqual([]);
    // A real citizen's details do.
    await signIn(production, PRODUCTION_APP, person);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(delivered.map((m) => m.nationalId)).toEqual([person.nationalId]);

    // The sandbox shows a synthetic citizen's code on the page, and has none for a real citizen.
    expect((await signIn(sandbox, SANDBOX_APP, synthetic)).code.html).toContain('data-testid="sandbox-code"');
    expect((await signIn(sandbox, SANDBOX_APP, person)).code.html).not.toContain('data-testid="sandbox-code"');
  });
});
