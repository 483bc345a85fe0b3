/**
 * The brochure's application flow, end to end, with a real app: an organisation registers and
 * gets a sandbox client; a copy of the diabetes diary on the organisation's own origin, configured
 * with that client, passes the integration checklist for real in the sandbox (A小姐 consents and
 * the file is downloaded; she revokes and the diary's next download is refused once; she asks for
 * deletion and the diary's backend answers with a signed receipt; the diary judges the platform's
 * tampered test files); phase 2 is submitted; a reviewer approves; the production credentials, in a
 * copy of the diary served over TLS, complete a real consent and export against the production
 * issuer for a real citizen; and the app appears on the partner page.
 */
import type { AddressInfo } from 'node:net';
import { generatePopulation, PERSONA_IDS } from '@healthbank/synth';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKysely } from '../packages/server/src/audit/tables.js';
import type { CodeMessage } from '../packages/server/src/auth/signin/codes/channel.js';
import { freePort, type TestPlatform } from '../packages/server/src/auth/testing.js';
import { loadConfig } from '../packages/server/src/config/config.js';
import { fixturePopulation } from '../packages/server/src/db/fixtures.js';
import { findCitizenByNationalId, seedPopulation } from '../packages/server/src/db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../packages/server/src/db/testing.js';
import { integrationChecklist } from '../packages/server/src/developer/checklist.js';
import { developerKysely } from '../packages/server/src/developer/tables.js';
import {
  APPLICATION_FORM,
  enrolReviewer,
  get,
  PDF,
  post,
  registerThroughPortal,
  submission,
  submissionFields,
} from '../packages/server/src/developer/testing.js';
import { registerExamples } from '../packages/server/src/examples/index.js';
import { addReviewer } from '../packages/server/src/review/reviewers.js';
import { type ThrowawayCertificate, throwawayCertificate } from '../packages/server/src/security/testing-tls.js';
import { type RunningRealms, serveRealms } from '../packages/server/src/serve.js';
import { launchBrowser, saveScreenshot } from './support/browser.js';
import { taiwanToday } from './support/sandbox.js';

const DIARY = '/examples/diabetes-diary/';
/** The public half of the diary backend's receipt key (examples/diabetes-diary/src/backend/receipt-key.ts). */
const DIARY_RECEIPT_JWKS = JSON.stringify({
  keys: [
    { kty: 'OKP', crv: 'Ed25519', kid: 'diabetes-diary-receipts-1', x: 'Zv0Wrjjm2Uo_s8QchNmTxiHm956p_eyKOc0moaQ05jg' },
  ],
});

/** A copy of the diary on its own origin (http, or https with a throwaway certificate). */
async function startDiaryCopy(o: {
  port: number;
  issuer: string;
  clientId: string;
  tls?: ThrowawayCertificate;
  integrationTest?: boolean;
}): Promise<{ url: string; app: FastifyInstance }> {
  const app = o.tls ? Fastify({ https: { key: o.tls.key, cert: o.tls.cert } }) : Fastify();
  const url = `${o.tls ? 'https' : 'http'}://localhost:${o.port}`;
  registerExamples(app, {
    publicUrl: url,
    platform: { issuer: o.issuer, clientId: o.clientId, ...(o.integrationTest ? { integrationTest: true } : {}) },
  });
  await app.listen({ host: '127.0.0.1', port: o.port });
  expect((app.server.address() as AddressInfo).port).toBe(o.port);
  return { url, app };
}

describe('an organisation’s whole application, with a copy of the diabetes diary', () => {
  let t: TestDatabase;
  let realms: RunningRealms;
  let browser: Browser;
  let production: TestPlatform;
  let sandboxUrl: string;
  const copies: FastifyInstance[] = [];
  const codes: CodeMessage[] = [];
  const [realCitizen] = [...fixturePopulation({ citizens: 1, firstSerial: 800, recordsPerCitizen: 30 })];
  let tls: ThrowawayCertificate;

  beforeAll(async () => {
    const [sqlite] = testDatabases();
    if (!sqlite || !realCitizen) throw new Error('no SQLite target');
    t = await createTestDatabase(sqlite);
    // The sandbox's synthetic citizens (the personas first), and one real citizen loaded from NHI.
    await seedPopulation(t.db, generatePopulation({ citizens: 3, seed: 'healthbank', asOf: taiwanToday() }));
    await seedPopulation(t.db, [realCitizen], { synthetic: false });
    const [port, sandboxPort] = [await freePort(), await freePort()];
    sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    const base = loadConfig(
      { NODE_ENV: 'test' },
      { databaseUrl: t.url, port, host: '127.0.0.1', publicUrl: `http://localhost:${port}` },
    );
    const config = loadConfig(
      { NODE_ENV: 'test' },
      {
        databaseUrl: t.url,
        port,
        host: '127.0.0.1',
        publicUrl: `http://localhost:${port}`,
        sandboxRealm: {
          ...(base.sandboxRealm as NonNullable<typeof base.sandboxRealm>),
          publicUrl: sandboxUrl,
          port: sandboxPort,
        },
      },
    );
    realms = await serveRealms(config, t.db, { messageChannel: { deliver: async (m) => void codes.push(m) } });
    production = {
      url: realms.production.url,
      config,
      db: t.db,
      app: realms.production.app,
      organisationId: '',
      close: async () => {},
    };
    await addReviewer(t.db, { email: 'lin@review.example', name: '林審查', role: 'admin' });
    [browser, tls] = await Promise.all([launchBrowser(), throwawayCertificate()]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    for (const copy of copies) await copy.close();
    await realms?.close();
    await t?.dispose();
  });

  it('goes from registration to a live app, every checklist item proven by the platform itself', async () => {
    // 1. The organisation registers and applies (phase 1) for a copy of the diary on its own origin.
    const { browser: developer } = await registerThroughPortal(production);
    const [sandboxCopyPort, productionCopyPort] = [await freePort(), await freePort()];
    const sandboxCopyUrl = `http://localhost:${sandboxCopyPort}`;
    const productionCopyUrl = `https://localhost:${productionCopyPort}`;
    const form = await get(production, developer, '/developers/apps/new');
    const created = await post(production, developer, form, '/developers/apps', {
      ...APPLICATION_FORM,
      name_zh: '血糖日記',
      redirect_uris: `${sandboxCopyUrl}${DIARY}callback`,
      deletion_webhook_url: `${sandboxCopyUrl}${DIARY}api/deletion-webhook`,
      receipt_jwks: DIARY_RECEIPT_JWKS,
    });
    const applicationId = new URL(created.url).pathname.split('/').pop() ?? '';
    const sandboxClientId = /data-testid="sandbox-client-id">([^<]+)</.exec(created.html)?.[1] ?? '';
    expect(sandboxClientId).toMatch(/^sbx_/);
    expect(created.html).toContain(sandboxUrl);

    // 2. The copy, configured with the test API key and the sandbox's issuer.
    const sandboxCopy = await startDiaryCopy({
      port: sandboxCopyPort,
      issuer: sandboxUrl,
      clientId: sandboxClientId,
      integrationTest: true,
    });
    copies.push(sandboxCopy.app);
    const context = await browser.newContext({
      locale: 'zh-TW',
      viewport: { width: 1280, height: 900 },
      ignoreHTTPSErrors: true,
    });
    const page = await context.newPage();
    const checklist = async () =>
      Object.fromEntries(
        (await integrationChecklist(t.db, sandboxClientId)).map((i) => [i.id, i.evidence !== undefined]),
      );

    // 3. A小姐 connects the copy in the sandbox: sign in, consent (ongoing), download.
    await page.goto(`${sandboxCopy.url}${DIARY}`);
    await Promise.all([page.waitForURL(/\/signin\//), page.click('button[data-action="connect"]')]);
    await page.check(`input[name="nationalId"][value="${PERSONA_IDS.A小姐}"]`);
    await Promise.all([page.waitForURL(/\/consent\//), page.click('form[action$="/persona"] button[type="submit"]')]);
    await page.check('#acknowledge');
    await page.check('#period-5y');
    await page.check('#duration-3');
    await page.click('button[value="agree"]');
    await page.waitForSelector('main[data-screen="diary"]', { timeout: 30_000 });
    await saveScreenshot(page, 'integration-1-sandbox-copy-connected');
    expect(await checklist()).toEqual({ consent: true, revocation: false, deletion: false, tampered: false });

    // 4. The diary judges the sandbox's tampered test files.
    await page.click('button[data-action="test-files"]');
    await expect.poll(() => page.textContent('[data-testid="test-files-outcome"]')).toBe('判斷正確 6／6 個檔案。');
    await saveScreenshot(page, 'integration-2-test-files');
    expect((await checklist()).tampered).toBe(true);

    // 5. She revokes in the sandbox's portal; the diary's next download is refused, once.
    const consent = await auditKysely(t.db.kysely)
      .selectFrom('audit_log')
      .select('subject')
      .where('type', '=', 'consent.given')
      .where('client_id', '=', sandboxClientId)
      .executeTakeFirstOrThrow();
    await page.goto(`${sandboxUrl}/me/consents/${consent.subject}/revoke`);
    await Promise.all([page.waitForURL(/done=revoked/), page.click('form.confirm button[type="submit"]')]);
    await page.goto(`${sandboxCopy.url}${DIARY}`);
    await page.click('button[data-action="reimport"]');
    await page.waitForSelector('main[data-screen="failed"]');
    expect((await checklist()).revocation).toBe(true);

    // 6. She asks for deletion; the diary's backend gets the signed webhook, the diary deletes and
    // its backend sends the signed receipt.
    await page.goto(`${sandboxUrl}/me/consents/${consent.subject}/deletion`);
    await Promise.all([page.waitForURL(/done=deletion/), page.click('form.confirm button[type="submit"]')]);
    await expect
      .poll(
        async () => {
          await page.goto(`${sandboxCopy.url}${DIARY}`);
          await page.waitForSelector('main[data-screen="connect"], main[data-screen="diary"]');
          return (await checklist()).deletion;
        },
        { timeout: 30_000, interval: 2_000 },
      )
      .toBe(true);
    const mine = await get(production, developer, `/developers/apps/${applicationId}`);
    expect(mine.html.match(/badge active">已完成/g)).toHaveLength(4);

    // 7. Phase 2: the report, and the production redirect URI (https only).
    const submitted = await developer.request(`${production.url}/developers/apps/${applicationId}/submit`, {
      multipart: submission(
        mine,
        {
          ...submissionFields(taiwanToday()),
          production_redirect_uris: `${productionCopyUrl}${DIARY}callback`,
          production_webhook_url: `${productionCopyUrl}${DIARY}api/deletion-webhook`,
        },
        { bytes: PDF, name: 'report.pdf', type: 'application/pdf' },
      ),
    });
    expect(submitted.status).toBe(303);

    // 8. A reviewer approves: the production client.
    const { browser: reviewer } = await enrolReviewer(production, 'lin@review.example');
    const review = await get(production, reviewer, `/review/applications/${applicationId}`);
    expect(review.html.match(/badge active">已完成/g)).toHaveLength(4);
    await post(production, reviewer, review, `/review/applications/${applicationId}/approve`, {});
    const { production_client_id: productionClientId } = await developerKysely(t.db)
      .selectFrom('applications')
      .select('production_client_id')
      .where('id', '=', applicationId)
      .executeTakeFirstOrThrow();
    expect(productionClientId).toMatch(/^app_/);

    // 9. The production copy (TLS), a real citizen, the production issuer: a real consent and export.
    const productionCopy = await startDiaryCopy({
      port: productionCopyPort,
      issuer: production.url,
      clientId: productionClientId ?? '',
      tls,
    });
    copies.push(productionCopy.app);
    const citizen = realCitizen?.citizen;
    if (!citizen) throw new Error('no real citizen');
    await page.goto(`${productionCopy.url}${DIARY}`);
    await Promise.all([page.waitForURL(/\/signin\//), page.click('button[data-action="connect"]')]);
    expect(new URL(page.url()).origin).toBe(production.url);
    // Production: no persona picker, the card and a code.
    expect(await page.locator('form[action$="/persona"]').count()).toBe(0);
    const [year, month, day] = citizen.birthDate.split('-') as [string, string, string];
    await page.fill('#nationalId', citizen.nationalId);
    await page.fill('#cardNumber', citizen.nhiCardNumber);
    await page.fill('#birthYear', year);
    await page.fill('#birthMonth', month);
    await page.fill('#birthDay', day);
    await Promise.all([page.waitForURL(/\/code/), page.click('form[action$="/nhi"] button[type="submit"]')]);
    await expect.poll(() => codes.filter((c) => c.nationalId === citizen.nationalId).length).toBe(1);
    await page.fill('#code', codes.find((c) => c.nationalId === citizen.nationalId)?.code ?? '');
    await Promise.all([page.waitForURL(/\/passkey-offer/), page.click('form[action$="/code"] button[type="submit"]')]);
    // She is offered a passkey for next time; not now.
    await Promise.all([page.waitForURL(/\/consent\//), page.click('form[action$="/continue"] button[type="submit"]')]);
    await page.check('#acknowledge');
    await page.check('#period-5y');
    await page.check('#duration-once');
    await page.click('button[value="agree"]');
    await page.waitForSelector('main[data-screen="diary"]', { timeout: 30_000 });
    await saveScreenshot(page, 'integration-3-production-copy-connected');
    const stored = await findCitizenByNationalId(t.db, citizen.nationalId);
    const files = await auditKysely(t.db.kysely)
      .selectFrom('audit_log')
      .select(['citizen_id'])
      .where('type', '=', 'export.file')
      .where('client_id', '=', productionClientId ?? '')
      .execute();
    expect(files).toEqual([{ citizen_id: stored?.id }]);

    // 10. The app is on the partner page.
    await page.goto(`${production.url}/partners`);
    expect(await page.locator('[data-testid="partners"] h2').allTextContents()).toEqual(['血糖日記']);
    await saveScreenshot(page, 'integration-4-partners');
    await context.close();
  }, 180_000);
});
