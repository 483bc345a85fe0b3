/**
 * The whole journey the brochure promises, in Chromium against a listening platform, in zh-TW and
 * in English: A小姐 connects the diabetes diary; in the portal she finds the new provision with the
 * right categories and counts; she revokes, and the diary's next fetch fails with the revoked
 * error; she asks for deletion; the platform's worker delivers the signed webhook to the diary's
 * backend, the diary deletes what it stored and its backend sends the signed receipt; the portal
 * shows the request done. Screenshots of each step land in e2e/artifacts/.
 */
import { getCategory } from '@healthbank/records';
import { PERSONA_IDS } from '@healthbank/synth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeletionRequests } from '../packages/server/src/citizen/deletion/index.js';
import { findConsent } from '../packages/server/src/consent/repository.js';
import { listExports } from '../packages/server/src/export/index.js';
import { saveScreenshot } from './support/browser.js';
import { type Sandbox, startSandbox } from './support/sandbox.js';

const DIARY = '/examples/diabetes-diary/';

const WORDS = {
  'zh-TW': {
    browserLocale: 'zh-TW',
    appName: '糖尿病日記（示範）',
    revokedStatus: '已取消',
    revokedInDiary: '這次授權已被撤回',
    deletedInDiary: '依照您在健康存摺提出的刪除要求',
    done: 'App 已回覆刪除完成',
  },
  en: {
    browserLocale: 'en-US',
    appName: 'Diabetes Diary (example)',
    revokedStatus: 'Revoked',
    revokedInDiary: 'This consent was revoked',
    deletedInDiary: 'As you asked in My Health Bank',
    done: 'The app confirmed the deletion',
  },
} as const;

/** Reloads `path` until `selector`'s text matches, as a citizen checking back would. */
async function waitForText(page: Page, path: string, selector: string, text: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    await page.goto(path);
    const found = (await page.textContent(selector)) ?? '';
    if (found.includes(text)) return;
    if (Date.now() > until) throw new Error(`${selector} on ${path} still reads "${found}", not "${text}"`);
    await page.waitForTimeout(500);
  }
}

describe('a citizen’s whole journey: connect, see, revoke, ask for deletion', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  }, 120_000);
  afterAll(() => sandbox?.close());

  for (const lang of ['zh-TW', 'en'] as const) {
    it(`in ${lang}`, async () => {
      const { url, db, browser, citizenId } = sandbox;
      const words = WORDS[lang];
      const shot = (page: Page, name: string) => saveScreenshot(page, `journey-${lang}-${name}`);
      const context = await browser.newContext({ locale: words.browserLocale, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();

      // 1. She connects the diary: sign in, consent to three months of ongoing access.
      await page.goto(`${url}${DIARY}?lang=${lang}`);
      const connect = page.locator('button[data-action="connect"]');
      await Promise.all([page.waitForURL(/\/signin\//), connect.click()]);
      // The sign-in page names the app that sent her.
      await expect(page.textContent('[data-testid="requester"]')).resolves.toContain(words.appName);
      await page.check(`input[name="nationalId"][value="${PERSONA_IDS.A小姐}"]`);
      await Promise.all([page.waitForURL(/\/consent\//), page.click('form[action$="/persona"] button[type="submit"]')]);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      await page.check('#acknowledge');
      await page.check('#period-5y');
      await page.check('#duration-3');
      await page.click('button[value="agree"]');
      await page.waitForSelector('main[data-screen="diary"]', { timeout: 30_000 });
      await shot(page, '1-diary-connected');

      // 2. The portal shows the new provision: the diary, its categories and their counts.
      const [entry] = await listExports(db, citizenId);
      if (!entry) throw new Error('no provision was recorded');
      expect(entry.clientId).toBe('diabetes-diary');
      await page.goto(`${url}/me/history?lang=${lang}`);
      const row = page.locator(`tr[data-export="${entry.id}"]`);
      await expect(row.textContent()).resolves.toContain(words.appName);
      const counts = (await row.locator('[data-testid="export-counts"]').textContent()) ?? '';
      for (const id of entry.categories) {
        expect(counts).toContain(getCategory(id).name[lang]);
        expect(entry.counts[id]).toBeGreaterThan(0);
        expect(counts).toContain(String(entry.counts[id]));
      }
      await shot(page, '2-portal-history');

      // 3. She revokes in the portal; the diary's next fetch is refused as revoked.
      await page.click(`a[href="/me/consents/${entry.consentId}"]`);
      await page.click(`a[href="/me/consents/${entry.consentId}/revoke"]`);
      await Promise.all([page.waitForURL(/done=revoked/), page.click('form.confirm button[type="submit"]')]);
      await expect(page.textContent('[data-testid="consent-status"]')).resolves.toBe(words.revokedStatus);
      expect((await findConsent(db, entry.consentId))?.status).toBe('revoked');
      await shot(page, '3-portal-revoked');
      await page.goto(`${url}${DIARY}?lang=${lang}`);
      await page.click('button[data-action="reimport"]');
      await page.waitForSelector('main[data-screen="failed"]');
      await expect(page.textContent('[role="alert"]')).resolves.toContain(words.revokedInDiary);
      await shot(page, '4-diary-refused');

      // 4. She asks the diary to delete what it received.
      await page.goto(`${url}/me/consents/${entry.consentId}/deletion?lang=${lang}`);
      await Promise.all([page.waitForURL(/done=deletion/), page.click('form.confirm button[type="submit"]')]);
      const request = (await listDeletionRequests(db, citizenId)).find((d) => d.consentId === entry.consentId);
      if (!request) throw new Error('no deletion request was recorded');
      await shot(page, '5-portal-deletion-asked');

      // 5. The worker delivers the signed webhook to the diary's backend (it polls every 2 s).
      await expect
        .poll(async () => (await listDeletionRequests(db, citizenId)).find((d) => d.id === request.id)?.status, {
          timeout: 20_000,
        })
        .toBe('sent');

      // 6. The diary, opened again, deletes what it stored, and its backend sends the receipt.
      await page.goto(`${url}${DIARY}?lang=${lang}`);
      await page.waitForSelector('main[data-screen="connect"]');
      await expect(page.textContent('[role="status"]')).resolves.toContain(words.deletedInDiary);
      await shot(page, '6-diary-deleted');
      await page.reload();
      await page.waitForSelector('main[data-screen="connect"]');
      expect(await page.isVisible('main[data-screen="diary"]')).toBe(false);

      // 7. The portal shows the request done, with the receipt's digest.
      await waitForText(
        page,
        `${url}/me/deletion-requests/${request.id}?lang=${lang}`,
        '[data-testid="deletion-status"]',
        words.done,
      );
      const done = (await listDeletionRequests(db, citizenId)).find((d) => d.id === request.id);
      expect(done).toMatchObject({ status: 'acknowledged', receiptDigest: expect.stringMatching(/^[\w-]{43}$/) });
      await expect(page.textContent('main')).resolves.toContain(done?.receiptDigest);
      await shot(page, '7-portal-deletion-done');
      await context.close();
    }, 120_000);
  }
});
