/**
 * Workplace health (C職場, SPEC §4.5) in Chromium: the example runs as its own process on its own
 * origin. Part of C職場's cohort joins (each employee's own device: the SDK over HTTP, the same
 * consent pages), one more employee joins in Chromium on a phone-sized screen and lets the nurse
 * see them; the employer's dashboard shows suppressed and unsuppressed cells; the nurse sees that
 * one employee; the employee withdraws and the dashboard's numbers change at once. Every page is
 * axe-clean; the employee's pages reflow at 200% zoom.
 */
import { join } from 'node:path';
import { configure, MemoryStore } from '@healthbank/sdk';
import { PERSONA_IDS } from '@healthbank/synth';
import BetterSqlite3 from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgeBand, flagsOf } from '../examples/workplace-health/src/domain/measures.js';
import { authorizeInBrowser, type TestPlatform } from '../packages/server/src/auth/testing.js';
import { listConsents } from '../packages/server/src/consent/repository.js';
import { findCitizenByNationalId, readRecords } from '../packages/server/src/db/index.js';
import { saveScreenshot, seriousAccessibilityViolations } from './support/browser.js';
import { EXAMPLE_STAFF_PASSWORD, type Sandbox, startSandbox } from './support/sandbox.js';

/** Where the cohort that joins from their own devices says it works: department index and age band. */
const COHORT: [department: number, band: AgeBand][] = [
  ...Array.from({ length: 6 }, (): [number, AgeBand] => [0, '30-39']),
  ...Array.from({ length: 5 }, (): [number, AgeBand] => [1, '20-29']),
  [2, '40-49'],
  [2, '40-49'],
  [3, '50-59'],
];

describe('workplace health in Chromium', () => {
  let sandbox: Sandbox;
  let url: string;
  let dataDir: string;
  let phone: BrowserContext;
  let employee: Page;
  let desk: BrowserContext;
  let staff: Page;
  /** The employee who joins in Chromium: the sandbox's persona picker shows C職場's first three. */
  const nationalId = PERSONA_IDS.C職場[0] as string;
  /** Who has high blood pressure in 生產部 30-39, by the platform's records. */
  let highBpInCell01 = 0;

  /** An employee's flags worked out from the platform's own records (what they will share). */
  async function flagsFromDatabase(id: string, band: AgeBand) {
    const citizen = await findCitizenByNationalId(sandbox.db, id);
    const records = await readRecords(sandbox.db, citizen?.id ?? 0, {
      categories: ['adult_preventive', 'lab', 'cancer_screening'],
    });
    return flagsOf(records, band, Date.now());
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ examples: ['workplace-health'] });
    const example = sandbox.examples['workplace-health'];
    if (!example) throw new Error('the example did not start');
    url = example.url;
    dataDir = example.dataDir;
    const platform = { db: sandbox.db, url: sandbox.url } as TestPlatform;
    // The employees whose records say most (check-ups, HbA1c, screening), so the figures are not all zero.
    const candidates = await Promise.all(
      PERSONA_IDS.C職場.slice(3).map(async (id) => {
        const flags = await flagsFromDatabase(id, '30-39');
        return { id, score: Object.values(flags).filter(Boolean).length };
      }),
    );
    const chosen = candidates
      .sort((a, b) => b.score - a.score)
      .slice(0, COHORT.length)
      .map((c) => c.id);
    for (const [i, [department, band]] of COHORT.entries()) {
      const id = chosen[i] as string;
      if (department === 0 && band === '30-39' && (await flagsFromDatabase(id, band)).high_bp) highBpInCell01++;
      const hb = configure({
        issuer: sandbox.url,
        clientId: 'workplace-health',
        redirectUri: `${url}/callback`,
        tokenMediator: `${url}/api/oauth`,
        store: new MemoryStore(),
      });
      const { authorizationUrl } = await hb.start({
        categories: ['adult_preventive', 'lab', 'cancer_screening'],
        navigate: false,
      });
      const { callback } = await authorizeInBrowser(platform, authorizationUrl, {
        nationalId: id,
        consent: { acknowledge: 'yes', period: 'all', duration: '12' },
        redirectUri: `${url}/callback`,
      });
      if (!callback) throw new Error(`employee ${i} could not consent`);
      const data = await hb.fetchData(await hb.handleRedirect(callback), { keepSigned: true });
      const joined = await fetch(
        `${url}/api/uploads?${new URLSearchParams({ department: String(department), band, nurse: '0' })}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/octet-stream' },
          body: data.signed as Uint8Array<ArrayBuffer>,
        },
      );
      if (joined.status !== 201) throw new Error(`employee ${i} could not join: ${joined.status}`);
    }
    phone = await sandbox.browser.newContext({
      locale: 'zh-TW',
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
    });
    employee = await phone.newPage();
    employee.on('dialog', (dialog) => void dialog.accept());
    desk = await sandbox.browser.newContext({ locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    staff = await desk.newPage();
  }, 240_000);
  afterAll(async () => {
    await sandbox?.close();
  });

  const accessible = async (page: Page) => expect(await seriousAccessibilityViolations(page)).toEqual([]);
  const participants = () => {
    const db = new BetterSqlite3(join(dataDir, 'workplace-health.db'), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM participants').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  /** A dashboard cell's headcount, or `withheld`. */
  const cell = async (key: string) => {
    const td = staff.locator(`td[data-cell="${key}"]`);
    if ((await td.locator('[data-suppressed="true"]').count()) > 0) return 'withheld';
    return Number(await td.locator('[data-n]').getAttribute('data-n'));
  };
  const signIn = async (email: string, landing: RegExp) => {
    await staff.goto(`${url}/staff/signin`);
    await staff.fill('#email', email);
    await staff.fill('#password', EXAMPLE_STAFF_PASSWORD);
    await Promise.all([staff.waitForURL(landing), staff.click('button[type="submit"]')]);
  };

  it('an employee joins on their phone and lets the nurse see their results', async () => {
    await employee.goto(`${url}/privacy`);
    await accessible(employee);
    await employee.goto(`${url}/`);
    await employee.waitForSelector('button.big');
    await accessible(employee);
    await saveScreenshot(employee, 'workplace-1-join');
    for (const path of ['/', '/privacy']) {
      await employee.goto(`${url}${path}`);
      await employee.waitForSelector('h1');
      for (const width of [320, 640]) {
        await employee.setViewportSize({ width, height: 800 });
        expect(
          await employee.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
        ).toBeLessThanOrEqual(0);
      }
    }
    await employee.setViewportSize({ width: 390, height: 844 });
    await employee.goto(`${url}/`);
    await employee.waitForSelector('button.big');
    // In English too, and back.
    // The switch re-renders once the app has its configuration again: wait for the new heading.
    await employee.click('header button.link');
    await employee.locator('h1', { hasText: 'Workplace Health' }).waitFor();
    expect(await employee.getAttribute('html', 'lang')).toBe('en');
    await accessible(employee);
    await employee.click('header button.link');
    await employee.locator('h1', { hasText: '職場健康促進' }).waitFor();
    await employee.selectOption('#department', '0');
    await employee.selectOption('#band', '1');
    await employee.check('#nurse');
    await employee.fill('#name', '小芳');
    await Promise.all([employee.waitForURL(/\/signin\//), employee.click('button.big')]);
    await employee.check(`input[name="nationalId"][value="${nationalId}"]`);
    await Promise.all([
      employee.waitForURL(/\/consent\//),
      employee.click('form[action$="/persona"] button[type="submit"]'),
    ]);
    await employee.check('#acknowledge');
    await employee.check('#period-5y');
    await employee.check('#duration-12');
    await employee.click('button[value="agree"]');
    await employee.waitForSelector('ul.shared li', { timeout: 30_000 });
    await expect(employee.isChecked('#nurse')).resolves.toBe(true);
    await accessible(employee);
    await saveScreenshot(employee, 'workplace-2-joined');
    expect(participants()).toBe(COHORT.length + 1);
    for (const width of [320, 640]) {
      await employee.setViewportSize({ width, height: 800 });
      expect(
        await employee.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
      ).toBeLessThanOrEqual(0);
    }
    await employee.setViewportSize({ width: 390, height: 844 });
  });

  it('the employer’s dashboard shows groups of five or more and withholds the rest', async () => {
    await signIn('hr@workplace-health.example', /\/dashboard$/);
    // 生產部 30-39: six of the cohort and the employee who joined in Chromium; the count with high
    // blood pressure is what their records in the platform's database say.
    expect(await cell('0.1')).toBe(7);
    const expected = highBpInCell01 + Number((await flagsFromDatabase(nationalId, '30-39')).high_bp);
    expect(Number(await staff.locator('td[data-cell="0.1"] [data-count]').getAttribute('data-count'))).toBe(expected);
    expect(await cell('1.0')).toBe(5);
    // Two in 業務部 and one in 管理部: withheld, and so is what would reveal them by subtraction.
    expect(await cell('2.2')).toBe('withheld');
    expect(await cell('3.3')).toBe('withheld');
    expect(await cell('t.t')).toBe('withheld');
    expect(await staff.locator('[data-suppressed="true"]').count()).toBeGreaterThan(0);
    // The chart draws the shown groups and labels the withheld ones.
    expect(await staff.locator('figure.chart rect.bar').count()).toBeGreaterThan(0);
    expect(await staff.locator('figure.chart text.withheld').count()).toBeGreaterThan(0);
    await accessible(staff);
    await saveScreenshot(staff, 'workplace-3-dashboard');
    // Another measure and a filter, without JavaScript: a GET form.
    await staff.selectOption('#f-measure', 'high_bmi');
    await staff.selectOption('#f-department', '0');
    await Promise.all([staff.waitForURL(/measure=high_bmi/), staff.click('form.filters button')]);
    expect(await cell('0.1')).toBe(7);
    await accessible(staff);
    await staff.goto(`${url}/dashboard?lang=en`);
    await expect(staff.textContent('h1')).resolves.toBe('Company health figures');
    await accessible(staff);
  });

  it('the nurse sees the one employee who agreed, and nobody else', async () => {
    await staff.click('form[action="/staff/signout"] button');
    await signIn('nurse@workplace-health.example', /\/nurse$/);
    expect(await staff.locator('tr[data-employee]').count()).toBe(1);
    await expect(staff.textContent('tr[data-employee] th')).resolves.toBe('小芳');
    await accessible(staff);
    await saveScreenshot(staff, 'workplace-4-nurse');
    await staff.click('form[action="/staff/signout"] button');
  });

  it('the employee withdraws: gone from the store and the dashboard at once', async () => {
    await employee.goto(`${url}/`);
    await employee.click('button.danger');
    await employee.waitForSelector('p.notice');
    await expect(employee.textContent('p.notice')).resolves.toContain('已退出計畫');
    await accessible(employee);
    await saveScreenshot(employee, 'workplace-5-withdrawn');
    expect(participants()).toBe(COHORT.length);
    const citizen = await findCitizenByNationalId(sandbox.db, nationalId);
    const [consent] = await listConsents(sandbox.db, citizen?.id ?? 0);
    expect(consent?.status).toBe('revoked');

    await signIn('hr@workplace-health.example', /\/dashboard$/);
    expect(await cell('0.1')).toBe(6);
    await saveScreenshot(staff, 'workplace-6-dashboard-after');
  });
});
