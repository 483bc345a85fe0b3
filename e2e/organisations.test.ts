/**
 * Organisations and reviewers in Chromium against production's realm: an organisation registers
 * (a wrong 統一編號 first), signs in with the code, applies (an http redirect URI first) and gets
 * its test API key, uploads a report that is not a PDF and then one that is, and is reviewed; a
 * reviewer rejects one application with a reason the organisation reads, approves another, and the
 * app appears on the partner page. Every page is axe-clean in zh-TW and English at 390 and 1280
 * CSS px, without sideways scrolling. Screenshots land in e2e/artifacts/.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../packages/server/src/auth/testing.js';
import { testDatabases } from '../packages/server/src/db/testing.js';
import { developerKysely } from '../packages/server/src/developer/tables.js';
import { passChecklist } from '../packages/server/src/developer/testing.js';
import { addReviewer } from '../packages/server/src/review/reviewers.js';
import { launchBrowser, saveScreenshot, seriousAccessibilityViolations } from './support/browser.js';

const WIDTHS = [390, 1280] as const;
const PDF_PATH = join(tmpdir(), 'healthbank-security-report.pdf');
const NOT_PDF_PATH = join(tmpdir(), 'healthbank-security-report.docx.pdf');

describe('organisations and reviewers in Chromium', () => {
  let platform: TestPlatform;
  let browser: Browser;
  let developer: BrowserContext;
  let reviewer: BrowserContext;
  let dev: Page;
  let rev: Page;
  /** Pages to sweep for accessibility, by the context that may open them. */
  const visited: { context: 'developer' | 'reviewer' | 'public'; path: string }[] = [];

  beforeAll(async () => {
    const [sqlite] = testDatabases();
    if (!sqlite) throw new Error('no SQLite target');
    writeFileSync(PDF_PATH, '%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    writeFileSync(NOT_PDF_PATH, 'PK\u0003\u0004 a word document renamed');
    [platform, browser] = await Promise.all([
      startTestPlatform(sqlite, { sandbox: false, hostname: 'localhost' }),
      launchBrowser(),
    ]);
    await addReviewer(platform.db, { email: 'lin@review.example', name: '林審查', role: 'admin' });
    developer = await browser.newContext({ locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    reviewer = await browser.newContext({ locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    dev = await developer.newPage();
    rev = await reviewer.newPage();
    // The reviewer's device: a platform authenticator with user verification (the console takes passkeys only).
    const cdp = await reviewer.newCDPSession(rev);
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
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await platform?.close();
  });

  async function open(page: Page, path: string, context: 'developer' | 'reviewer' | 'public') {
    await page.goto(`${platform.url}${path}`);
    if (!visited.some((v) => v.path === path)) visited.push({ context, path });
  }

  async function signIn(page: Page, base: '/developers' | '/review', email: string) {
    await page.goto(`${platform.url}${base}/signin`);
    await page.getByLabel(/電子郵件/).fill(email);
    await page.getByRole('button', { name: '寄送驗證碼' }).click();
    const code = (await page.locator('.sandbox-code').textContent())?.match(/\d{6}/)?.[0] ?? '';
    await page.getByLabel('6 位數驗證碼').fill(code);
    await page.getByRole('button', { name: '登入' }).click();
  }

  it('registers an organisation, with the wrong 統一編號 explained first', async () => {
    await open(dev, '/developers', 'public');
    await dev.getByRole('link', { name: '註冊機構' }).first().click();
    await dev.getByLabel('機構類型').selectOption('company');
    await dev.getByLabel('機構名稱').fill('健康日記股份有限公司');
    await dev.getByLabel('統一編號或醫事機構代碼').fill('22099132');
    await dev.getByLabel('聯絡人姓名').fill('林小華');
    await dev.getByLabel('聯絡人電子郵件').fill('contact@diary.example');
    await dev.getByLabel('聯絡電話').fill('02-2345-6789');
    await dev.getByLabel('姓名', { exact: true }).fill('王小明');
    await dev.getByLabel('電子郵件（用來登入）').fill('dev@diary.example');
    await dev.getByRole('button', { name: '註冊' }).click();
    await expect.poll(() => dev.locator('.error-summary').textContent()).toContain('統一編號要是 8 碼數字');
    // The summary takes the focus and links to the field.
    expect(await dev.evaluate(() => document.activeElement?.className)).toBe('error-summary');
    await saveScreenshot(dev, 'organisations-1-register-error');
    await dev.getByLabel('統一編號或醫事機構代碼').fill('22099131');
    await dev.getByRole('button', { name: '註冊' }).click();
    const code = (await dev.locator('.sandbox-code').textContent())?.match(/\d{6}/)?.[0] ?? '';
    await dev.getByLabel('6 位數驗證碼').fill(code);
    await dev.getByRole('button', { name: '登入' }).click();
    await expect.poll(() => dev.locator('h1').textContent()).toBe('健康日記股份有限公司');
    visited.push({ context: 'developer', path: '/developers' }, { context: 'public', path: '/developers/register' });
  });

  async function apply(name: string, redirect: string) {
    await open(dev, '/developers/apps/new', 'developer');
    await dev.getByLabel('App 名稱（中文）').fill(name);
    await dev.getByLabel('App 名稱（英文）').fill(`${name} (en)`);
    await dev.getByLabel('App 做什麼、為什麼需要健保資料（中文）').fill('幫糖尿病友記錄血糖與糖化血色素。');
    await dev
      .getByLabel('App 做什麼、為什麼需要健保資料（英文）')
      .fill('Helps people with diabetes track glucose and HbA1c.');
    await dev.getByLabel('平台').selectOption('web');
    await dev.getByLabel('用戶端類型').selectOption('public');
    await dev.getByLabel('轉址網址（redirect URI）').fill(redirect);
    await dev.getByRole('checkbox', { name: /^檢驗結果/ }).check();
    await dev.getByLabel('「檢驗結果」的用途').fill('顯示糖化血色素趨勢');
    await dev.getByLabel('隱私權政策網址').fill('https://diary.example/privacy');
    await dev.getByLabel('客服聯絡方式（電子郵件、電話或網址）').fill('help@diary.example');
    await dev.getByLabel('下載或使用 App 的網址').fill('https://diary.example/');
    await dev.getByLabel('刪除通知網址（webhook）').fill('https://diary.example/webhooks/deletion');
    await dev
      .getByLabel('簽署刪除回條的公鑰（JWK Set）')
      .fill(
        JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' }] }),
      );
    await dev.getByRole('button', { name: '送出，取得測試 API 金鑰' }).click();
  }

  async function submitReport(file: string) {
    await dev.getByLabel('資安檢測報告（PDF，10 MB 以內）').setInputFiles(file);
    await dev.getByLabel('檢測實驗室').fill('台灣資安檢測實驗室');
    await dev.getByLabel('檢測日期').fill(new Date().toISOString().slice(0, 10));
    await dev.getByLabel('檢測等級').selectOption('L2');
    await dev.getByLabel('正式環境轉址網址').fill('https://diary.example/callback');
    await dev.getByLabel('正式環境刪除通知網址（https）').fill('https://diary.example/webhooks/deletion');
    await dev.getByLabel(/隱私權政策已說明/).check();
    await dev.getByLabel(/客服聯絡方式正確/).check();
    await dev.getByRole('button', { name: '送出審查' }).click();
  }

  let approvedId = '';
  let rejectedId = '';

  it('applies: a plain-http redirect URI is explained, then the test API key is shown', async () => {
    await apply('血糖日記', 'http://diary.example/callback');
    await expect.poll(() => dev.locator('.error-summary').textContent()).toContain('必須使用 https');
    await saveScreenshot(dev, 'organisations-2-apply-error');
    await dev.getByLabel('轉址網址（redirect URI）').fill('https://diary.example/callback');
    await dev.getByRole('button', { name: '送出，取得測試 API 金鑰' }).click();
    const key = await dev.getByTestId('sandbox-client-id').textContent();
    expect(key).toMatch(/^sbx_[0-9a-f]{24}$/);
    approvedId = new URL(dev.url()).pathname.split('/').pop() ?? '';
    visited.push({ context: 'developer', path: `/developers/apps/${approvedId}` });
    await saveScreenshot(dev, 'organisations-3-test-api-key');
  });

  it('submits phase 2 once the checklist is done, refusing a file that is not a PDF', async () => {
    const row = await developerKysely(platform.db)
      .selectFrom('applications')
      .select('sandbox_client_id')
      .where('id', '=', approvedId)
      .executeTakeFirstOrThrow();
    await passChecklist(platform, row.sandbox_client_id, Date.now());
    await dev.reload();
    await submitReport(NOT_PDF_PATH);
    await expect.poll(() => dev.locator('.error-summary').textContent()).toContain('檢測報告必須是 PDF 檔。');
    await submitReport(PDF_PATH);
    await expect.poll(() => dev.locator('[role="status"]').textContent()).toContain('已送出審查。');
  });

  it('shows a rejected application its reason', async () => {
    await apply('血壓日記', 'https://bp.example/callback');
    rejectedId = new URL(dev.url()).pathname.split('/').pop() ?? '';
    const row = await developerKysely(platform.db)
      .selectFrom('applications')
      .select('sandbox_client_id')
      .where('id', '=', rejectedId)
      .executeTakeFirstOrThrow();
    await passChecklist(platform, row.sandbox_client_id, Date.now());
    await dev.reload();
    await submitReport(PDF_PATH);

    // The first sign-in: the e-mail code, then the passkey the console requires.
    await signIn(rev, '/review', 'lin@review.example');
    await rev.getByRole('button', { name: '建立通行金鑰' }).click();
    await rev.waitForURL(`${platform.url}/review`);
    visited.push({ context: 'reviewer', path: '/review/passkey' });
    // From then on, the passkey alone.
    await rev.context().clearCookies();
    await rev.goto(`${platform.url}/review/signin`);
    await rev.getByRole('button', { name: '用通行金鑰登入' }).click();
    await rev.waitForURL(`${platform.url}/review`);
    await saveScreenshot(rev, 'organisations-5-review-queue');
    await open(rev, `/review/applications/${rejectedId}`, 'reviewer');
    await rev.getByLabel('不核准的原因（申請機構會看到）').fill('隱私權政策沒有說明資料保存期限與刪除方式。');
    await rev.getByRole('button', { name: '不核准' }).click();
    await expect.poll(() => rev.locator('[role="status"]').textContent()).toContain('已不核准');

    await open(dev, `/developers/apps/${rejectedId}`, 'developer');
    expect(await dev.locator('#decision').textContent()).toContain('隱私權政策沒有說明資料保存期限與刪除方式。');
    await saveScreenshot(dev, 'organisations-4-rejected');
  });

  it('approves the other: production credentials for the organisation, and a place on the partner page', async () => {
    await open(rev, '/review', 'reviewer');
    await rev.getByRole('link', { name: '血糖日記' }).click();
    await saveScreenshot(rev, 'organisations-5-review-application');
    await rev.getByRole('button', { name: '核准，發給正式環境憑證' }).click();
    await expect.poll(() => rev.locator('[role="status"]').textContent()).toContain('已核准');
    await open(dev, `/developers/apps/${approvedId}`, 'developer');
    expect(await dev.getByTestId('production-client-id').textContent()).toMatch(/^app_[0-9a-f]{24}$/);
    await saveScreenshot(dev, 'organisations-6-production-credentials');
    await open(dev, '/partners', 'public');
    expect(await dev.locator('[data-testid="partners"] h2').allTextContents()).toEqual(['血糖日記']);
    await saveScreenshot(dev, 'organisations-7-partners');
    for (const path of ['/review/apps', '/review/deletions', '/review/reviewers', '/review/audit']) {
      visited.push({ context: 'reviewer', path });
    }
    for (const path of [
      '/',
      '/citizens',
      '/organisations',
      '/docs',
      '/docs/sdk',
      '/developers/team',
      '/review/signin',
    ]) {
      visited.push({ context: path.startsWith('/developers') ? 'developer' : 'public', path });
    }
  });

  it('is axe-clean and reflows on every page, in both languages, at 390 and 1280 px', async () => {
    const failures: string[] = [];
    for (const width of WIDTHS) {
      for (const lang of ['zh-TW', 'en'] as const) {
        for (const { context, path } of visited) {
          const page = context === 'reviewer' ? rev : dev;
          await page.setViewportSize({ width, height: 900 });
          await page.goto(`${platform.url}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
          for (const v of await seriousAccessibilityViolations(page))
            failures.push(`${path} ${lang} ${width}px: ${v.id} (${v.help})`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 1) failures.push(`${path} ${lang} ${width}px: scrolls sideways by ${overflow}px`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 240_000);
});
