/**
 * Sign-in through an upstream identity provider in Chromium: the button on the sign-in page (axe-
 * clean in both languages), the provider's own login page on another site (`localhost` against the
 * platform's `127.0.0.1`, so the way back is a cross-site redirect that only SameSite=Lax cookies
 * survive), back to the consent page and on to the app's code; with JavaScript on and off.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamRedirectUri } from '../packages/server/src/auth/signin/upstream/client.js';
import { startTestUpstream, type TestUpstream } from '../packages/server/src/auth/signin/upstream/testing.js';
import {
  freePort,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  type TestPlatform,
} from '../packages/server/src/auth/testing.js';
import { client, discoverClient, pushAuthorization } from '../packages/server/src/auth/testing-client.js';
import { listPersonas } from '../packages/server/src/db/index.js';
import { testDatabases } from '../packages/server/src/db/testing.js';
import { catchRedirect } from './support/app-redirect.js';
import { launchBrowser, saveScreenshot, seriousAccessibilityViolations } from './support/browser.js';

describe('sign-in through an upstream identity provider in Chromium', () => {
  let browser: Browser;
  let upstream: TestUpstream;
  let platform: TestPlatform;
  let app: client.Configuration;

  beforeAll(async () => {
    const [sqlite] = testDatabases();
    if (!sqlite) throw new Error('no SQLite test target');
    const port = await freePort();
    upstream = await startTestUpstream({
      redirectUris: [upstreamRedirectUri(`http://127.0.0.1:${port}`)],
      hostname: 'localhost',
    });
    [browser, platform] = await Promise.all([
      launchBrowser(),
      startTestPlatform(sqlite, { port, upstreamOidc: upstream.settings }),
    ]);
    await registerTestApp(platform, { clientId: 'e2e-upstream', clientType: 'public' });
    app = await discoverClient(platform, 'e2e-upstream');
    const persona = (await listPersonas(platform.db)).find((p) => p.persona === 'A小姐');
    upstream.nextLogin({ nationalId: persona?.nationalId });
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
    await upstream?.close();
  });

  /** A fresh context whose visits to the app's redirect URI are caught (the app is not running). */
  async function appContext(locale: string, javaScriptEnabled: boolean) {
    const context = await browser.newContext({ locale, javaScriptEnabled });
    return { context, ...(await catchRedirect(context, TEST_REDIRECT_URI)) };
  }

  it.each([
    ['zh-TW', 'zh-TW', '以測試數位身分登入'],
    ['en', 'en-US', 'Sign in with Test digital identity'],
  ])('shows an accessible button in %s', async (lang, locale, label) => {
    const { context } = await appContext(locale, true);
    const page = await context.newPage();
    const dpop = client.getDPoPHandle(app, await client.randomDPoPKeyPair('ES256'));
    const { url } = await pushAuthorization(app, dpop);
    await page.goto(url.href);
    expect(new URL(page.url()).pathname).toMatch(/^\/signin\//);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    await page.getByRole('button', { name: label }).waitFor({ state: 'visible' });
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, `upstream-signin-${lang}`);
    await context.close();
  });

  it.each([true, false])(
    'signs in at the provider and comes back to the consent page (JavaScript %s)',
    async (javaScriptEnabled) => {
      const shot = `upstream-signin-js-${javaScriptEnabled ? 'on' : 'off'}`;
      const { context, callback } = await appContext('zh-TW', javaScriptEnabled);
      const page = await context.newPage();
      const dpop = client.getDPoPHandle(app, await client.randomDPoPKeyPair('ES256'));
      const started = await pushAuthorization(app, dpop);
      await page.goto(started.url.href);

      await Promise.all([
        page.waitForURL(`${upstream.issuer}/interaction/**`),
        page.getByRole('button', { name: '以測試數位身分登入' }).click(),
      ]);
      await saveScreenshot(page, `${shot}-1-provider`);
      await Promise.all([
        page.waitForURL(`${platform.url}/consent/**`),
        page.getByRole('button', { name: 'Confirm my identity' }).click(),
      ]);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-TW');
      await expect(page.textContent('h1')).resolves.toContain('想取得您的健康存摺資料');
      await saveScreenshot(page, `${shot}-2-consent`);

      await page.check('#acknowledge');
      await page.click('button[value="agree"]');
      const back = await callback;
      const tokens = await client.authorizationCodeGrant(
        app,
        back,
        { pkceCodeVerifier: started.verifier, expectedState: started.state },
        undefined,
        { DPoP: dpop },
      );
      expect(tokens.access_token).toBeTypeOf('string');
      await context.close();
    },
  );
});
