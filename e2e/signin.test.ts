/**
 * The sign-in pages in Chromium: accessibility in both languages, the NHI card journey with
 * JavaScript off, and passkeys with JavaScript on through Chromium's virtual authenticator (the
 * real browser script against the real server verification). The routes run on a small test app
 * with a recording `onSignedIn`; the whole consent journey is tested with the authorization server.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSigninTestApp, type SigninTestApp, TEST_UID } from '../packages/server/src/auth/signin/testing.js';
import { freePort } from '../packages/server/src/auth/testing.js';
import { ManualClock } from '../packages/server/src/clock.js';
import { loadConfig } from '../packages/server/src/config/config.js';
import { fixturePopulation } from '../packages/server/src/db/fixtures.js';
import { seedPopulation } from '../packages/server/src/db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../packages/server/src/db/testing.js';
import { launchBrowser, saveScreenshot, seriousAccessibilityViolations } from './support/browser.js';

describe('sign-in pages in Chromium', () => {
  let browser: Browser;
  let t: TestDatabase;
  let s: SigninTestApp;
  let origin: string;
  const citizen = { nationalId: '', cardNumber: '', birthDate: '' };

  beforeAll(async () => {
    const [sqlite] = testDatabases();
    if (!sqlite) throw new Error('no SQLite test target');
    t = await createTestDatabase(sqlite);
    const population = [...fixturePopulation({ citizens: 6, recordsPerCitizen: 1 })];
    await seedPopulation(t.db, population);
    const first = population[5]?.citizen;
    if (!first) throw new Error('no fixture citizen');
    Object.assign(citizen, {
      nationalId: first.nationalId,
      cardNumber: first.nhiCardNumber,
      birthDate: first.birthDate,
    });
    const port = await freePort();
    // "localhost", not an IP address: WebAuthn RP IDs are domain names, and localhost is a secure context.
    origin = `http://localhost:${port}`;
    s = await buildSigninTestApp({
      db: t.db,
      clock: new ManualClock(Date.now()),
      config: loadConfig({ NODE_ENV: 'test' }, { publicUrl: origin }),
    });
    await s.app.listen({ host: 'localhost', port });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.app.close();
    await t?.dispose();
  });

  async function fillCard(page: Page) {
    const [year, month, day] = citizen.birthDate.split('-') as [string, string, string];
    await page.getByLabel(/身分證字號|National ID number/).fill(citizen.nationalId);
    await page.getByLabel(/健保卡號|NHI card number/).fill(citizen.cardNumber);
    await page.getByLabel(/^(年|Year)$/).fill(String(Number(year) - 1911)); // as a Minguo year
    await page.getByLabel(/^(月|Month)$/).fill(month);
    await page.getByLabel(/^(日|Day)$/).fill(day);
  }

  /** Details → code (read from the sandbox notice) → the passkey offer page. */
  async function signInWithCard(page: Page, shot?: string) {
    await page.goto(`${origin}/signin/${TEST_UID}`);
    await fillCard(page);
    if (shot) await saveScreenshot(page, `${shot}-1-details`);
    await page.getByRole('button', { name: /傳送驗證碼|Send me a code/ }).click();
    await page.waitForURL(/\/code\?c=/);
    const code = (await page.getByTestId('sandbox-code').textContent())?.trim() ?? '';
    expect(code).toMatch(/^\d{6}$/);
    await page.getByLabel(/驗證碼|Code/).fill(code);
    if (shot) await saveScreenshot(page, `${shot}-2-code`);
    await page.getByRole('button', { name: /^(登入|Sign in)$/ }).click();
    await page.waitForURL(/\/passkey-offer$/);
    if (shot) await saveScreenshot(page, `${shot}-3-offer`);
  }

  it.each(['zh-TW', 'en'])('has no serious accessibility violations in %s', async (lang) => {
    const page = await browser.newPage();
    await page.goto(`${origin}/signin/${TEST_UID}?lang=${lang}`);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, `signin-${lang}`);

    // The error state too: messages beside the fields.
    await page.getByRole('button', { name: /傳送驗證碼|Send me a code/ }).click();
    await page.waitForSelector('.error-summary');
    expect(await page.locator('.field-error:visible').count()).toBe(3);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, `signin-errors-${lang}`);

    await fillCard(page);
    await page.getByRole('button', { name: /傳送驗證碼|Send me a code/ }).click();
    await page.waitForURL(/\/code\?c=/);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, `signin-code-${lang}`);
    await page.close();
  });

  it('reflows at 200% zoom without horizontal scrolling', async () => {
    // A 640 CSS px wide viewport is what a 1280 px window shows at 200% zoom (WCAG 1.4.10).
    const page = await browser.newPage({
      viewport: { width: 640, height: 800 },
      deviceScaleFactor: 2,
      locale: 'zh-TW',
    });
    await page.goto(`${origin}/signin/${TEST_UID}`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'signin-zoom-200');
    await page.close();
  });

  it('works without JavaScript: card details, code, continue', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-TW' });
    const page = await context.newPage();
    const before = s.signedIn.length;
    await signInWithCard(page, 'signin-nojs');
    // Without JavaScript there is no passkey offer, only the way on.
    expect(await page.locator('section.passkey').isVisible()).toBe(false);
    await page.getByRole('button', { name: /繼續|Continue/ }).click();
    await page.waitForSelector('#done');
    expect(s.signedIn).toHaveLength(before + 1);
    expect(s.signedIn.at(-1)?.amr).toEqual(['kba', 'otp']);
    await context.close();
  });

  it('hides the passkey button without JavaScript and shows it with', async () => {
    const off = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-TW' });
    const pageOff = await off.newPage();
    await pageOff.goto(`${origin}/signin/${TEST_UID}`);
    expect(await pageOff.getByRole('button', { name: /指紋|fingerprint/ }).isVisible()).toBe(false);
    await off.close();

    const page = await browser.newPage({ locale: 'zh-TW' });
    await page.goto(`${origin}/signin/${TEST_UID}`);
    await page.getByRole('button', { name: /用指紋或臉部辨識登入/ }).waitFor({ state: 'visible' });
    await page.close();
  });

  describe('passkeys with a virtual authenticator', () => {
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      // Chromium's own language is English; citizens' browsers ask for Traditional Chinese.
      context = await browser.newContext({ locale: 'zh-TW' });
      page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
          automaticPresenceSimulation: true,
        },
      });
    });
    afterAll(() => context?.close());

    it('registers a passkey after the card sign-in, then signs in with it', async () => {
      await signInWithCard(page);
      await page.getByRole('button', { name: '設定通行金鑰' }).waitFor({ state: 'visible' });
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await saveScreenshot(page, 'signin-passkey-offer');
      const before = s.signedIn.length;
      await page.getByRole('button', { name: '設定通行金鑰' }).click();
      await page.waitForSelector('#done');
      expect(s.signedIn).toHaveLength(before + 1);
      const citizenId = s.signedIn.at(-1)?.citizenId;

      await page.goto(`${origin}/signin/${TEST_UID}`);
      await page.getByRole('button', { name: '用指紋或臉部辨識登入' }).click();
      await page.waitForSelector('#done');
      expect(s.signedIn.at(-1)).toEqual({ uid: TEST_UID, citizenId, amr: ['pop', 'mfa'] });
    });
  });
});
