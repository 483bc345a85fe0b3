/**
 * The citizen portal (/me) in Chromium against the real platform, seeded with the synthetic
 * personas: A小姐 opens the portal, signs in, sees her eleven categories with their counts and her
 * HbA1c trend; connects the diabetes diary and finds the provision in her history with the right
 * categories and counts; revokes and asks for deletion by keyboard alone; and, with JavaScript off and in English,
 * revokes another consent and asks for deletion. Every portal page is axe-clean at 390 and 1280
 * CSS px and reflows without sideways scrolling.
 */
import { CATEGORIES, getCategory } from '@healthbank/records';
import { PERSONA_IDS } from '@healthbank/synth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDeletionRequests } from '../packages/server/src/citizen/deletion/index.js';
import { findConsent, listConsents } from '../packages/server/src/consent/repository.js';
import { type Database, readRecords } from '../packages/server/src/db/index.js';
import { listExports } from '../packages/server/src/export/index.js';
import { saveScreenshot, seriousAccessibilityViolations } from './support/browser.js';
import { type Sandbox, startSandbox } from './support/sandbox.js';

const DIARY = '/examples/diabetes-diary/';
const WIDTHS = [390, 1280] as const;

/** Presses Tab until the focused element matches, as a keyboard user would; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`${selector} was not reached by Tab`);
}

describe('the citizen portal in Chromium', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let db: Database;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let citizenId: number;
  /** Every portal page visited, for the accessibility sweep. */
  const visited = new Set<string>();

  beforeAll(async () => {
    sandbox = await startSandbox();
    ({ browser, db, url, citizenId } = sandbox);
    context = await browser.newContext({ locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 120_000);
  afterAll(() => sandbox?.close());

  async function visit(path: string, on: Page = page) {
    await on.goto(`${url}${path}`);
    visited.add(path);
  }

  /** Connects the diary as the signed-in A小姐 (her session skips sign-in) with an ongoing consent. */
  async function connectDiary(on: Page) {
    await on.goto(`${url}${DIARY}`);
    const connect = on.locator('button[data-action="connect"]');
    await connect.waitFor();
    await Promise.all([on.waitForURL(/\/(consent|signin)\//), connect.click()]);
    if (new URL(on.url()).pathname.startsWith('/signin/')) {
      await on.check(`input[name="nationalId"][value="${PERSONA_IDS.A小姐}"]`);
      await Promise.all([on.waitForURL(/\/consent\//), on.click('form[action$="/persona"] button[type="submit"]')]);
    }
    // Who is signed in, and the way out, on the consent page itself.
    await expect(on.textContent('[data-testid="signed-in"]')).resolves.toContain(
      `${PERSONA_IDS.A小姐.slice(0, 6)}****`,
    );
    expect(await on.isVisible('form[action$="/not-you"] button')).toBe(true);
    await on.check('#acknowledge');
    await on.check('#period-5y');
    await on.check('#duration-3');
    await on.click('button[value="agree"]');
    await on.waitForSelector('main[data-screen="diary"]', { timeout: 30_000 });
  }

  it('signs in from /me and comes back, showing who is signed in', async () => {
    await page.goto(`${url}/me/records`);
    expect(new URL(page.url()).pathname).toMatch(/^\/signin\//);
    await page.check(`input[name="nationalId"][value="${PERSONA_IDS.A小姐}"]`);
    await Promise.all([
      page.waitForURL(/\/me\/records$/),
      page.click('form[action$="/persona"] button[type="submit"]'),
    ]);
    visited.add('/me/records');
    const signedIn = await page.textContent('[data-testid="signed-in"]');
    expect(signedIn).toContain(`${PERSONA_IDS.A小姐.slice(0, 6)}****`);
    expect(signedIn).not.toContain(PERSONA_IDS.A小姐);
    await saveScreenshot(page, 'portal-1-records');
  });

  it('lists her eleven categories with their counts, and charts her HbA1c with the numbers beside it', async () => {
    const records = await readRecords(db, citizenId, { categories: CATEGORIES.map((c) => c.id) });
    for (const c of CATEGORIES) {
      const shown = await page.textContent(`td[data-category="${c.id}"]`);
      expect(Number(shown?.replace(/,/g, '')), c.id).toBe(records[c.id]?.length ?? 0);
    }
    const hba1c = (records.lab ?? []).filter((r) => r.loinc === '4548-4');
    expect(hba1c.length).toBeGreaterThan(10);
    const points = await page.$$eval('[data-trend="hba1c"] svg.chart circle.point', (c) => c.length);
    expect(points).toBe(hba1c.length);
    const label = await page.getAttribute('[data-trend="hba1c"] svg.chart', 'aria-label');
    expect(label).toContain('糖化血色素');
    await visit('/me/records/lab');
    expect(await page.$$eval('table.records tbody tr', (rows) => rows.length)).toBe(50);
    await saveScreenshot(page, 'portal-2-lab');
  });

  it('shows the provision to the diary with the right categories and counts', async () => {
    await connectDiary(page);
    const [entry] = await listExports(db, citizenId);
    expect(entry?.clientId).toBe('diabetes-diary');
    await visit('/me/history');
    const row = page.locator(`tr[data-export="${entry?.id}"]`);
    await expect(row.textContent()).resolves.toContain('糖尿病日記（示範）');
    const counts = await row.locator('[data-testid="export-counts"]').textContent();
    for (const id of entry?.categories ?? []) {
      expect(counts).toContain(`${getCategory(id).name['zh-TW']} ${entry?.counts[id]}`);
    }
    await expect(row.textContent()).resolves.toContain(entry?.contentDigest);
    await saveScreenshot(page, 'portal-3-history');
    await visit(`/me/exports/${entry?.id}`);
    await visit(`/me/consents/${entry?.consentId}`);
    await visit(`/me/consents/${entry?.consentId}/deletion`);
  });

  it('revokes, then asks for deletion, by keyboard alone', async () => {
    const [consent] = await listConsents(db, citizenId);
    expect(consent?.status).toBe('active');
    await visit('/me/history');
    await tabTo(page, `a[href="/me/consents/${consent?.id}"]`);
    await Promise.all([page.waitForURL(/\/me\/consents\/[^/]+$/), page.keyboard.press('Enter')]);
    await tabTo(page, `a[href="/me/consents/${consent?.id}/revoke"]`);
    await Promise.all([page.waitForURL(/\/revoke$/), page.keyboard.press('Enter')]);
    visited.add(`/me/consents/${consent?.id}/revoke`);
    await saveScreenshot(page, 'portal-4-confirm-revoke');
    await tabTo(page, 'form.confirm button[type="submit"]');
    await Promise.all([page.waitForURL(/done=revoked/), page.keyboard.press('Enter')]);
    await expect(page.textContent('[data-testid="consent-status"]')).resolves.toBe('已取消');
    await expect(page.textContent('[role="status"]')).resolves.toContain('已經取消');
    expect((await findConsent(db, consent?.id ?? ''))?.status).toBe('revoked');
    await saveScreenshot(page, 'portal-5-revoked');
    // Then asks the diary to delete what it received, still by keyboard alone.
    await tabTo(page, `a[href="/me/consents/${consent?.id}/deletion"]`);
    await Promise.all([page.waitForURL(/\/deletion$/), page.keyboard.press('Enter')]);
    await tabTo(page, 'form.confirm button[type="submit"]');
    await Promise.all([page.waitForURL(/done=deletion/), page.keyboard.press('Enter')]);
    expect(await listDeletionRequests(db, citizenId)).toMatchObject([{ consentId: consent?.id }]);
  });

  it('revokes and asks for deletion with JavaScript off, in English', async () => {
    // A second, ongoing consent to the diary, from a fresh browser (the diary needs JavaScript).
    const second = await browser.newContext({ locale: 'zh-TW' });
    await connectDiary(await second.newPage());
    await second.close();
    const [consent] = await listConsents(db, citizenId);
    expect(consent?.status).toBe('active');
    const noJs = await browser.newContext({ locale: 'en-US', javaScriptEnabled: false });
    const p = await noJs.newPage();
    await p.goto(`${url}/me/history?lang=en`);
    await p.check(`input[name="nationalId"][value="${PERSONA_IDS.A小姐}"]`);
    await Promise.all([p.waitForURL(/\/me\/history/), p.click('form[action$="/persona"] button[type="submit"]')]);
    expect(await p.getAttribute('html', 'lang')).toBe('en');
    await p.click(`a[href="/me/consents/${consent?.id}"]`);
    await p.click(`a[href="/me/consents/${consent?.id}/deletion"]`);
    await Promise.all([p.waitForURL(/done=deletion/), p.click('form.confirm button[type="submit"]')]);
    await expect(p.textContent('[role="status"]')).resolves.toContain('Your deletion request was sent');
    await p.click(`a[href="/me/consents/${consent?.id}/revoke"]`);
    await Promise.all([p.waitForURL(/done=revoked/), p.click('form.confirm button[type="submit"]')]);
    await expect(p.textContent('[data-testid="consent-status"]')).resolves.toBe('Revoked');
    expect((await findConsent(db, consent?.id ?? ''))?.status).toBe('revoked');
    await p.goto(`${url}/me/history`);
    const request = p.locator('[data-testid="deletion-status"]').first();
    await expect(request.textContent()).resolves.toMatch(/Being sent|Delivered/);
    const href = await p.getAttribute('tr[data-deletion] a', 'href');
    if (href) visited.add(href);
    await saveScreenshot(p, 'portal-6-no-js-en');
    await noJs.close();
  });

  it('every portal page is axe-clean at 390 and 1280 px, in both languages, without sideways scrolling', async () => {
    const pages = [...visited, '/me', '/me/records/adult_preventive', '/me/inbox'];
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      for (const lang of ['zh-TW', 'en'] as const) {
        for (const path of pages) {
          await page.goto(`${url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
          expect(new URL(page.url()).pathname, path).toBe(path.split('?')[0]);
          expect(await seriousAccessibilityViolations(page), `${path} ${lang} ${width}px`).toEqual([]);
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          expect(overflow, `${path} ${lang} ${width}px`).toBeLessThanOrEqual(0);
        }
      }
      await saveScreenshot(page, `portal-7-records-${width}`);
    }
  }, 180_000);

  it('signs out with the header button; the portal asks to sign in again', async () => {
    await page.goto(`${url}/me?lang=zh-TW`);
    await Promise.all([page.waitForURL(/\/me\/signed-out$/), page.click('section.account button')]);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, 'portal-8-signed-out');
    await page.goto(`${url}/me`);
    expect(new URL(page.url()).pathname).toMatch(/^\/signin\//);
  });
});
