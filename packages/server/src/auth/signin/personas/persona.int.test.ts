import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../clock.js';
import { loadConfig } from '../../../config/config.js';
import { fixturePopulation } from '../../../db/fixtures.js';
import { listPersonas, seedPopulation } from '../../../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../../../db/testing.js';
import { formCookies, postForm } from '../test-forms.js';
import { buildSigninTestApp, type SigninTestApp, TEST_UID } from '../testing.js';

describe.each(testDatabases())('sandbox persona picker on $label', (target) => {
  let t: TestDatabase;
  let sandbox: SigninTestApp;
  let production: SigninTestApp;

  beforeAll(async () => {
    t = await createTestDatabase(target);
    await seedPopulation(t.db, fixturePopulation({ citizens: 8, recordsPerCitizen: 1 }));
    const clock = new ManualClock();
    sandbox = await buildSigninTestApp({ db: t.db, clock, config: loadConfig({ NODE_ENV: 'test' }) });
    production = await buildSigninTestApp({
      db: t.db,
      clock,
      config: loadConfig({ NODE_ENV: 'test', HEALTHBANK_SANDBOX: 'false' }),
    });
  });
  afterAll(async () => {
    await sandbox?.app.close();
    await production?.app.close();
    await t?.dispose();
  });

  it('lists A小姐, B爺爺 and C職場 employees with their synthetic IDs', async () => {
    const res = await sandbox.app.inject(`/signin/${TEST_UID}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const personas = await listPersonas(t.db);
    const a = personas.find((p) => p.persona === 'A小姐');
    expect(res.body).toContain(`action="/signin/${TEST_UID}/persona"`);
    expect(res.body).toContain(`value="${a?.nationalId}"`);
    expect(res.body).toContain('A小姐：第二型糖尿病');
    expect(res.body).toContain('B爺爺：82 歲');
    expect(res.body.match(/type="radio" id="persona-\d+" name="nationalId"/g)).toHaveLength(personas.length);
  });

  it('signs in as the chosen persona with amr sandbox', async () => {
    const [b] = (await listPersonas(t.db)).filter((p) => p.persona === 'B爺爺');
    const page = await sandbox.app.inject(`/signin/${TEST_UID}`);
    const res = await postForm(sandbox.app, page, `/signin/${TEST_UID}/persona`, { nationalId: b?.nationalId ?? '' });
    expect(res.statusCode).toBe(200);
    const citizen = await t.db.kysely
      .selectFrom('citizens')
      .select('id')
      .where('national_id', '=', b?.nationalId ?? '')
      .executeTakeFirstOrThrow();
    expect(sandbox.signedIn.at(-1)).toEqual({ uid: TEST_UID, citizenId: citizen.id, amr: ['sandbox'] });
  });

  it('refuses an unknown national ID and re-renders the picker with an error', async () => {
    const before = sandbox.signedIn.length;
    const page = await sandbox.app.inject(`/signin/${TEST_UID}`);
    const res = await postForm(sandbox.app, page, `/signin/${TEST_UID}/persona`, { nationalId: 'Z999999999' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('請選一位示範人物');
    expect(sandbox.signedIn).toHaveLength(before);
  });

  it("refuses a real citizen's national ID: the picker signs in personas only", async () => {
    const before = sandbox.signedIn.length;
    const personas = new Set((await listPersonas(t.db)).map((p) => p.nationalId));
    const ordinary = await t.db.kysely
      .selectFrom('citizens')
      .select('national_id')
      .where('persona', 'is', null)
      .execute();
    const someone = ordinary.find((c) => !personas.has(c.national_id));
    expect(someone).toBeDefined();
    const page = await sandbox.app.inject(`/signin/${TEST_UID}`);
    const res = await postForm(sandbox.app, page, `/signin/${TEST_UID}/persona`, {
      nationalId: someone?.national_id ?? '',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('請選一位示範人物');
    expect(sandbox.signedIn).toHaveLength(before);
  });

  it('rejects a POST without a CSRF token', async () => {
    const page = await sandbox.app.inject(`/signin/${TEST_UID}`);
    const res = await sandbox.app.inject({
      method: 'POST',
      url: `/signin/${TEST_UID}/persona`,
      cookies: formCookies(page),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'nationalId=A200000001',
    });
    expect(res.statusCode).toBe(403);
  });

  it('does not exist outside the sandbox', async () => {
    const page = await production.app.inject(`/signin/${TEST_UID}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('/persona');
    const [a] = await listPersonas(t.db);
    const res = await postForm(production.app, page, `/signin/${TEST_UID}/persona`, {
      nationalId: a?.nationalId ?? '',
    });
    expect(res.statusCode).toBe(404);
    expect(production.signedIn).toEqual([]);
  });

  it.each(['short', 'has space', 'a'.repeat(65), '../etc'])(
    'answers 404 for a malformed interaction id %j',
    async (uid) => {
      const res = await sandbox.app.inject(`/signin/${encodeURIComponent(uid)}`);
      expect(res.statusCode).toBe(404);
    },
  );
});
