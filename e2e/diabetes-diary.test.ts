/**
 * The diabetes diary (SPEC §4.5) in Chromium against the real platform, seeded with the synthetic
 * personas: A小姐 opens the diary, connects, signs in, consents to lab and outpatient records for
 * five years, and the diary charts exactly her HbA1c and fasting glucose results in the database
 * for that period and lists the drugs of her last 90 days' prescriptions. Then: the printed
 * summary fits one page, the data survives a reload, the pages are axe-clean in both languages and
 * reflow at 200% zoom, disconnecting revokes the consent, and declining says so.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { LabRecord } from '@healthbank/records';
import { generatePopulation, PERSONA_IDS } from '@healthbank/synth';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../packages/server/src/app.js';
import { registerSandboxApps } from '../packages/server/src/auth/clients/sandbox.js';
import { loadConfig } from '../packages/server/src/config/config.js';
import { listConsents } from '../packages/server/src/consent/repository.js';
import { findCitizenByNationalId, readRecords, seedPopulation } from '../packages/server/src/db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../packages/server/src/db/testing.js';
import { launchBrowser, saveScreenshot, seriousAccessibilityViolations } from './support/browser.js';

const DIARY = '/examples/diabetes-diary/';

/** Today in Taiwan, and the same calendar day five years earlier: the "5 years" a citizen consents to. */
function fiveYears(): { from: string; to: string } {
  const to = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const [y, m, d] = to.split('-').map(Number) as [number, number, number];
  const from = new Date(Date.UTC(y - 5, m - 1, d));
  if (from.getUTCMonth() !== m - 1) from.setUTCDate(0);
  return { from: from.toISOString().slice(0, 10), to };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** What a chart (the diary's, not the printed summary's copy) and its table show: `[date, value]` pairs. */
async function plotted(page: Page, analyte: string) {
  const points = await page.$$eval(`[data-testid="${analyte}-chart"] svg.chart circle.point`, (circles) =>
    circles.map((c) => [c.getAttribute('data-date'), Number(c.getAttribute('data-value'))] as const),
  );
  const rows = await page.$$eval(`table.results[data-analyte="${analyte}"] tbody tr`, (trs) =>
    trs.map((tr) => [tr.getAttribute('data-date'), Number(tr.getAttribute('data-value'))] as const),
  );
  return { points, rows };
}

describe('the diabetes diary in Chromium', () => {
  let browser: Browser;
  let t: TestDatabase;
  let app: FastifyInstance;
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let citizenId: number;

  beforeAll(async () => {
    execFileSync(process.execPath, [resolve(import.meta.dirname, '../examples/diabetes-diary/build.mjs')]);
    const [sqlite] = testDatabases();
    if (!sqlite) throw new Error('no SQLite test target');
    const launching = launchBrowser();
    t = await createTestDatabase(sqlite);
    const today = fiveYears().to;
    // The personas (A小姐 first) with histories up to today, and a few ordinary citizens.
    await seedPopulation(t.db, generatePopulation({ citizens: 3, seed: 'healthbank', asOf: today }));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const config = loadConfig({ NODE_ENV: 'test' }, { databaseUrl: t.url, publicUrl: url, port, host: '127.0.0.1' });
    expect(config.sandbox).toBe(true);
    app = await buildApp({ config, db: t.db });
    await app.listen({ host: '127.0.0.1', port });
    await registerSandboxApps(t.db, { publicUrl: url });
    const citizen = await findCitizenByNationalId(t.db, PERSONA_IDS.A小姐);
    if (!citizen) throw new Error('A小姐 is not in the database');
    citizenId = citizen.id;
    browser = await launching;
    context = await browser.newContext({ locale: 'zh-TW', viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await t?.dispose();
  });

  async function expectAccessible() {
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  }

  it('connects, imports A小姐’s lab and outpatient records for five years, and charts her HbA1c', async () => {
    await page.goto(`${url}${DIARY}`);
    const connect = page.locator('button[data-action="connect"]');
    await connect.waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('zh-TW');
    await expect(page.textContent('h1')).resolves.toContain('糖尿病日記');
    await expectAccessible();
    // The first Tab stop is the skip link; it leads to the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('href'))).toBe('#main');
    await saveScreenshot(page, 'diary-1-connect');

    // By keyboard: the button is reachable and works with Enter.
    await connect.focus();
    await Promise.all([page.waitForURL(/\/signin\//), page.keyboard.press('Enter')]);
    await saveScreenshot(page, 'diary-2-signin');
    await page.check(`input[name="nationalId"][value="${PERSONA_IDS.A小姐}"]`);
    await Promise.all([page.waitForURL(/\/consent\//), page.click('form[action$="/persona"] button[type="submit"]')]);

    // The consent page offers exactly what the diary asked for.
    const offered = await page.$$eval('input[name="category"]', (inputs) =>
      inputs.map((i) => (i as HTMLInputElement).value).sort(),
    );
    expect(offered).toEqual(['lab', 'outpatient']);
    await page.check('#acknowledge');
    await page.check('#period-5y');
    await page.check('#duration-once');
    await saveScreenshot(page, 'diary-3-consent');

    // Hold the export file back until the import screen has been checked.
    let release: () => void = () => {};
    const held = new Promise<void>((done) => {
      release = done;
    });
    await page.route(/\/files\//, async (route) => {
      await held;
      await route.continue();
    });
    await page.click('button[value="agree"]');
    await page.waitForSelector('main[data-screen="import"] progress.download');
    await expect(page.textContent('li[aria-current="step"]')).resolves.toContain('下載加密檔案');
    await expectAccessible();
    await saveScreenshot(page, 'diary-4-importing');
    release();

    await page.waitForSelector('main[data-screen="diary"]', { timeout: 30_000 });
    await page.unroute(/\/files\//);
    // The code is single-use: the callback address is gone from the history.
    expect(new URL(page.url()).pathname).toBe(DIARY);
    await page.waitForSelector('svg.chart[data-analyte="hba1c"] circle.point');

    const period = fiveYears();
    expect(await page.getAttribute('p.meta', 'data-period-from')).toBe(period.from);
    const records = await readRecords(t.db, citizenId, { categories: ['lab', 'outpatient'], from: period.from });
    const labs = (records.lab ?? []) as LabRecord[];
    const series = (code: string) =>
      labs
        .filter((l) => l.order.code === code)
        .sort((a, b) => a.date.localeCompare(b.date) || (a.id < b.id ? -1 : 1))
        .map((l) => [l.date, l.quantity?.value] as const);
    const hba1c = series('09006C');
    expect(hba1c.length).toBeGreaterThanOrEqual(15);
    const shown = await plotted(page, 'hba1c');
    expect(shown.points).toEqual(hba1c);
    expect(shown.rows).toEqual([...hba1c].reverse());
    const glucose = await plotted(page, 'fasting_glucose');
    expect(glucose.points).toEqual(series('09005C'));
    expect(glucose.rows).toEqual([...series('09005C')].reverse());

    // The medication list: every drug of her outpatient visits in the last 90 days, once each.
    const since = addDays(period.to, -89);
    const recentDrugs = new Set(
      (records.outpatient ?? [])
        .filter((v) => v.date >= since && v.date <= period.to)
        .flatMap((v) => v.orders.filter((o) => o.kind === 'drug').map((o) => o.code)),
    );
    const listed = await page.$$eval('table.medications tbody tr', (trs) =>
      trs.map((tr) => tr.getAttribute('data-code')),
    );
    expect(new Set(listed)).toEqual(recentDrugs);
    expect(listed).toHaveLength(recentDrugs.size);

    const latest = hba1c.at(-1);
    await expect(page.textContent('[data-testid="latest-hba1c"] .card-value')).resolves.toBe(`${latest?.[1]}%`);
    await expectAccessible();
    await saveScreenshot(page, 'diary-5-diary');

    // The consent on record is the one she gave: lab + outpatient, five years, once.
    const [consent] = await listConsents(t.db, citizenId);
    expect(consent).toMatchObject({ clientId: 'diabetes-diary', status: 'active', period: '5y', duration: 'once' });
    expect(consent?.from).toBe(period.from);
    expect(consent?.to).toBeUndefined();
    expect([...(consent?.categories ?? [])].sort()).toEqual(['lab', 'outpatient']);
  });

  it('prints a one-page summary for her doctor', async () => {
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('header.bar')).toBe(false);
    expect(await page.isVisible('.cards')).toBe(false);
    expect(await page.isVisible('.manage')).toBe(false);
    expect(await page.isVisible('#doctor-summary .sheet')).toBe(true);
    await expect(page.textContent('#doctor-summary .sheet')).resolves.toContain('HbA1c');
    await saveScreenshot(page, 'diary-6-print');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages).toHaveLength(1);
    await page.emulateMedia({ media: 'screen' });
  });

  it('keeps the diary on the device across a reload, in English too', async () => {
    await page.reload();
    await page.waitForSelector('main[data-screen="diary"] svg.chart[data-analyte="hba1c"]');
    await page.click('button.lang');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.textContent('h1')).resolves.toBe('My diabetes diary');
    await expect(page.textContent('table.results[data-analyte="hba1c"] caption')).resolves.toContain('HbA1c');
    await expectAccessible();
    await saveScreenshot(page, 'diary-7-english');
    await page.click('button.lang');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-TW');
  });

  it('reflows at 200% zoom without horizontal scrolling', async () => {
    // A 640 CSS px wide viewport is what a 1280 px window shows at 200% zoom (WCAG 1.4.10).
    await page.setViewportSize({ width: 640, height: 900 });
    await page.waitForFunction(() => {
      const svg = document.querySelector('svg.chart');
      return svg !== null && Number(svg.getAttribute('width')) <= 640;
    });
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    // The medication list turns into one card per drug rather than a table to scroll sideways.
    const medsOverflow = await page.$eval('.meds .table-scroll', (el) => el.scrollWidth - el.clientWidth);
    expect(medsOverflow).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'diary-8-zoom-200');
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('reads HbA1c against her own target, which she can change', async () => {
    const statuses = () =>
      page.$$eval('table.results[data-analyte="hba1c"] tbody tr', (rows) =>
        rows.map((r) => [Number(r.getAttribute('data-value')), r.querySelector('td.status')?.className ?? '']),
      );
    expect(await page.inputValue('#hba1c-target')).toBe('7');
    expect(await page.locator('svg.chart[data-analyte="hba1c"] line.target').count()).toBe(1);
    for (const [value, className] of await statuses()) {
      expect(className, String(value)).toBe(`status ${(value as number) < 7 ? 'at_target' : 'above_target'}`);
    }
    await page.fill('#hba1c-target', '6.5');
    await page.click('button[data-action="set-target"]');
    await page.waitForFunction(() => document.querySelector<HTMLInputElement>('#hba1c-target')?.value === '6.5');
    for (const [value, className] of await statuses()) {
      expect(className, String(value)).toBe(`status ${(value as number) < 6.5 ? 'at_target' : 'above_target'}`);
    }
    // A slip is refused in words, and nothing changes.
    await page.fill('#hba1c-target', '70');
    await page.click('button[data-action="set-target"]');
    expect(await page.isVisible('#hba1c-target-error')).toBe(true);
    await page.reload();
    await page.waitForSelector('#hba1c-target');
    expect(await page.inputValue('#hba1c-target')).toBe('6.5');
    await expectAccessible();
  });

  it('fits a 390 px phone: the chart’s unit is whole and the table is not squeezed', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => Number(document.querySelector('svg.chart')?.getAttribute('width')) <= 390);
    const unit = await page.$eval('svg.chart[data-analyte="fasting_glucose"] text.unit, svg.chart text.unit', (el) => {
      const box = el.getBoundingClientRect();
      const svg = (el.closest('svg') as SVGSVGElement).getBoundingClientRect();
      return { left: box.left - svg.left, right: svg.right - box.right };
    });
    expect(unit.left).toBeGreaterThanOrEqual(0);
    expect(unit.right).toBeGreaterThanOrEqual(0);
    // The reading column keeps its words on one line (the table scrolls sideways instead).
    const heights = await page.$$eval('table.results td.status', (cells) =>
      cells.map((c) => c.getBoundingClientRect().height / Number.parseFloat(getComputedStyle(c).lineHeight || '24')),
    );
    for (const lines of heights) expect(lines).toBeLessThan(2.5);
    await saveScreenshot(page, 'diary-9-phone');
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('disconnecting revokes the consent on the platform and deletes the data on the device', async () => {
    await page.click('button[data-action="disconnect"]');
    await page.waitForSelector('button[data-action="confirm-disconnect"]');
    // Focus moves to the question, not to <body> (WCAG 2.4.3); cancelling returns it to the button.
    await expect(page.evaluate(() => document.activeElement?.className)).resolves.toBe('confirm');
    await page.click('.confirm button.secondary');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('data-action'))).resolves.toBe('disconnect');
    await page.keyboard.press('Enter');
    await page.waitForSelector('button[data-action="confirm-disconnect"]');
    await expectAccessible();
    await page.click('button[data-action="confirm-disconnect"]');
    await page.waitForSelector('main[data-screen="connect"] .notice');
    await saveScreenshot(page, 'diary-9-disconnected');
    const [consent] = await listConsents(t.db, citizenId);
    expect(consent?.status).toBe('revoked');
    await page.reload();
    await page.waitForSelector('main[data-screen="connect"] button[data-action="connect"]');
  });

  it('says clearly when she declines', async () => {
    await Promise.all([page.waitForURL(/\/(signin|consent)\//), page.click('button[data-action="connect"]')]);
    if (new URL(page.url()).pathname.startsWith('/signin/')) {
      await page.check(`input[name="nationalId"][value="${PERSONA_IDS.A小姐}"]`);
      await Promise.all([page.waitForURL(/\/consent\//), page.click('form[action$="/persona"] button[type="submit"]')]);
    }
    await page.click('button[value="decline"]');
    await page.waitForSelector('main[data-screen="failed"] [data-error="error.declined"]');
    await expect(page.textContent('[role="alert"]')).resolves.toContain('不同意');
    await expectAccessible();
    await saveScreenshot(page, 'diary-10-declined');
  });
});
