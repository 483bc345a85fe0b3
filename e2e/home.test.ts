import type { RunningServer } from '@healthbank/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, saveScreenshot, seriousAccessibilityViolations } from './support/browser.js';
import { startPlatform } from './support/platform.js';

describe('landing page in Chromium', () => {
  let browser: Browser;
  let platform: RunningServer;

  beforeAll(async () => {
    [browser, platform] = await Promise.all([launchBrowser(), startPlatform()]);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  it.each(['zh-TW', 'en'])('has no serious accessibility violations in %s', async (lang) => {
    const page = await browser.newPage();
    await page.goto(`${platform.url}/?lang=${lang}`);
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await saveScreenshot(page, `home-${lang}`);
    await page.close();
  });

  it('reflows at 200% zoom without horizontal scrolling', async () => {
    // A 640 CSS px wide viewport is what a 1280 px window shows at 200% zoom (WCAG 1.4.10).
    const page = await browser.newPage({ viewport: { width: 640, height: 800 }, deviceScaleFactor: 2 });
    await page.goto(`${platform.url}/`);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'home-zoom-200');
    await page.close();
  });

  it('offers a skip link as the first keyboard stop', async () => {
    const page = await browser.newPage();
    await page.goto(`${platform.url}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#main');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.close();
  });
});
