/**
 * The consent journey in Chromium, end to end against the real authorization server: an app
 * pushes its request (PAR + PKCE + DPoP), the citizen signs in with a sandbox persona, reads the
 * notices, chooses, agrees or declines, and the app gets its code or `access_denied`. In zh-TW and
 * English, with JavaScript on and off; the consent page is axe-clean and refuses to be framed.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  type TestPlatform,
} from '../packages/server/src/auth/testing.js';
import { client, discoverClient, ping, pushAuthorization } from '../packages/server/src/auth/testing-client.js';
import { listPersonas } from '../packages/server/src/db/index.js';
import { testDatabases } from '../packages/server/src/db/testing.js';
import { catchRedirect } from './support/app-redirect.js';
import { launchBrowser, saveScreenshot, seriousAccessibilityViolations } from './support/browser.js';

type Lang = 'zh-TW' | 'en';

describe('the consent journey in Chromium', () => {
  let browser: Browser;
  let platform: TestPlatform;
  let config: client.Configuration;

  beforeAll(async () => {
    const [sqlite] = testDatabases();
    if (!sqlite) throw new Error('no SQLite test target');
    [browser, platform] = await Promise.all([launchBrowser(), startTestPlatform(sqlite)]);
    await registerTestApp(platform, { clientId: 'e2e-public', clientType: 'public' });
    config = await discoverClient(platform, 'e2e-public');
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  /** A browser context whose visits to the app's redirect URI are caught instead of fetched. */
  async function appContext(lang: Lang, javaScriptEnabled: boolean) {
    const context = await browser.newContext({ locale: lang === 'en' ? 'en-US' : 'zh-TW', javaScriptEnabled });
    const { callback } = await catchRedirect(context, TEST_REDIRECT_URI);
    return { context, callback };
  }

  async function start() {
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const started = await pushAuthorization(config, dpop, { scope: 'records.lab records.outpatient records.allergy' });
    return { dpop, ...started };
  }

  /** axe-core runs as a script in the page, so only where JavaScript is on. */
  async function expectAccessible(page: Page, javaScriptEnabled: boolean) {
    if (javaScriptEnabled) expect(await seriousAccessibilityViolations(page)).toEqual([]);
  }

  /** From the authorization URL through the persona picker to the consent page. */
  async function signInAsPersona(page: Page, url: URL, lang: Lang, shot: string, javaScriptEnabled = true) {
    await page.goto(url.href);
    expect(new URL(page.url()).pathname).toMatch(/^\/signin\//);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    await expectAccessible(page, javaScriptEnabled);
    await saveScreenshot(page, `${shot}-1-signin`);
    const persona = (await listPersonas(platform.db)).find((p) => p.persona === 'A小姐');
    await page.check(`input[name="nationalId"][value="${persona?.nationalId}"]`);
    await Promise.all([page.waitForURL(/\/consent\//), page.click('form[action$="/persona"] button[type="submit"]')]);
  }

  it.each([
    ['zh-TW', true],
    ['en', true],
    ['zh-TW', false],
    ['en', false],
  ] as const)('agrees in %s (JavaScript %s) and the app gets a working token', async (lang, javaScriptEnabled) => {
    const shot = `consent-${lang}-js-${javaScriptEnabled ? 'on' : 'off'}`;
    const { context, callback } = await appContext(lang, javaScriptEnabled);
    const page = await context.newPage();
    const { url, verifier, state, dpop } = await start();
    await signInAsPersona(page, url, lang, shot, javaScriptEnabled);

    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    await expect(page.textContent('h1')).resolves.toContain(
      lang === 'en' ? 'is asking for your' : '想取得您的健康存摺資料',
    );
    await expectAccessible(page, javaScriptEnabled);
    await saveScreenshot(page, `${shot}-2-consent`);

    // Agreeing without reading the notices: the page explains, in words, at the field.
    await Promise.all([page.waitForLoadState(), page.click('button[value="agree"]')]);
    expect(await page.locator('.error-summary').count()).toBe(1);
    // Focus lands on the summary, not on <body> (WCAG 2.4.3), with or without script.
    await expect(page.evaluate(() => document.activeElement?.className)).resolves.toBe('error-summary');
    await expectAccessible(page, javaScriptEnabled);
    await saveScreenshot(page, `${shot}-3-errors`);

    await page.check('#acknowledge');
    await page.uncheck('input[name="category"][value="allergy"]');
    await page.check('#period-3y');
    await page.check('#duration-3');
    await saveScreenshot(page, `${shot}-4-chosen`);
    await page.click('button[value="agree"]');
    const back = await callback;
    expect(back.searchParams.get('iss')).toBe(platform.url);

    const tokens = await client.authorizationCodeGrant(
      config,
      back,
      { pkceCodeVerifier: verifier, expectedState: state },
      undefined,
      {
        DPoP: dpop,
      },
    );
    expect(tokens.scope?.split(' ').sort()).toEqual(['records.lab', 'records.outpatient']);
    expect(tokens.refresh_token).toBeTypeOf('string');
    expect((await ping(platform, config, tokens.access_token, dpop)).status).toBe(200);
    await context.close();
  });

  it('keeps the custom dates out of the tab order until "custom" is chosen, and the choices across a language switch', async () => {
    const { context } = await appContext('zh-TW', false);
    const page = await context.newPage();
    const { url } = await start();
    await signInAsPersona(page, url, 'zh-TW', 'consent-keyboard', false);
    /** Every control Tab reaches, in order, from the top of the page. */
    const tabStops = async () => {
      await page.focus('a.skip');
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const id = await page.evaluate(() => document.activeElement?.id ?? '');
        if (id === 'period-from' || id === 'period-to') ids.push(id);
      }
      // A date input's day, month and year are separate stops of one element (and Tab wraps around).
      return [...new Set(ids)];
    };
    expect(await tabStops()).toEqual([]);
    await page.check('#period-custom');
    expect(await tabStops()).toEqual(['period-from', 'period-to']);

    // Choices made, then the language switched mid-form: the English page keeps every one.
    await page.check('#acknowledge');
    await page.uncheck('input[name="category"][value="allergy"]');
    await page.fill('#period-from', '2024-01-01');
    await page.fill('#period-to', '2024-12-31');
    await page.check('#duration-6');
    await Promise.all([page.waitForLoadState(), page.click('header.site button.lang')]);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('.error-summary').count()).toBe(0);
    expect(await page.isChecked('#acknowledge')).toBe(true);
    expect(await page.isChecked('input[name="category"][value="allergy"]')).toBe(false);
    expect(await page.isChecked('input[name="category"][value="lab"]')).toBe(true);
    expect(await page.isChecked('#period-custom')).toBe(true);
    expect(await page.inputValue('#period-from')).toBe('2024-01-01');
    expect(await page.inputValue('#period-to')).toBe('2024-12-31');
    expect(await page.isChecked('#duration-6')).toBe(true);
    // Each category says what it holds.
    await expect(page.textContent('label[for="category-1"]')).resolves.toMatch(/prescribed medicines|HbA1c|allergies/);
    // Enter in a field answers the form, as on any form, rather than switching the language (the
    // switch sits ahead of the form in the header, which would make it the form's default button).
    await page.uncheck('#acknowledge');
    await page.focus('#period-to');
    await Promise.all([page.waitForLoadState(), page.keyboard.press('Enter')]);
    await page.waitForSelector('.error-summary');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.isChecked('#duration-6')).toBe(true);
    await saveScreenshot(page, 'consent-language-kept');
    await context.close();
  });

  it('declining returns access_denied to the app', async () => {
    const { context, callback } = await appContext('zh-TW', false);
    const page = await context.newPage();
    const { url, state } = await start();
    await signInAsPersona(page, url, 'zh-TW', 'consent-decline', false);
    await page.click('button[value="decline"]');
    const back = await callback;
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('code')).toBeNull();
    await context.close();
  });

  it('will not render the consent page inside a frame', async () => {
    const { context } = await appContext('zh-TW', true);
    const page = await context.newPage();
    const { url } = await start();
    await signInAsPersona(page, url, 'zh-TW', 'consent-frame');
    const consentUrl = page.url();
    const framing = await context.newPage();
    await framing.goto(`${platform.url}/healthz`);
    await framing.setContent(
      `<!doctype html><title>evil</title><iframe src="${consentUrl}" width="800" height="600"></iframe>`,
    );
    await framing.waitForTimeout(500);
    const frame = framing.frames().find((f) => f !== framing.mainFrame());
    const forms = frame
      ? await frame
          .locator('form[action^="/consent/"]')
          .count()
          .catch(() => 0)
      : 0;
    expect(forms).toBe(0);
    await saveScreenshot(framing, 'consent-framed');
    await context.close();
  });
});
