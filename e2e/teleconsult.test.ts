/**
 * Tele-consultation (B爺爺, SPEC §4.5) in Chromium: the example runs as its own process on its own
 * origin, a confidential client behind its backend. B爺爺 connects on a phone-sized screen and
 * shares; the health educator signs in, sees the duplicate-medication flag the database's records
 * imply, and prints the summary; B爺爺 stops sharing and the backend keeps nothing. Every page is
 * axe-clean, and his pages reflow at 200% zoom.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OutpatientRecord } from '@healthbank/records';
import { PERSONA_IDS } from '@healthbank/synth';
import BetterSqlite3 from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listConsents } from '../packages/server/src/consent/repository.js';
import { findCitizenByNationalId, readRecords } from '../packages/server/src/db/index.js';
import { saveScreenshot, seriousAccessibilityViolations } from './support/browser.js';
import { EXAMPLE_STAFF_PASSWORD, type Sandbox, startSandbox, taiwanToday } from './support/sandbox.js';

const DAY = 86_400_000;
const dayOf = (date: string) => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY);

/**
 * The ATC classes (level 4) that two institutions supplied in overlapping periods within the last
 * 180 days: worked out here from the platform's own records, independently of the example's code.
 */
function duplicateClasses(visits: readonly OutpatientRecord[], today: string): string[] {
  const supplies = visits.flatMap((v) =>
    v.orders
      .filter((o) => o.kind === 'drug' && o.atc && o.days)
      .map((o) => ({
        atc: (o.atc as string).slice(0, 5),
        institution: v.institution.code,
        from: dayOf(v.date),
        to: dayOf(v.date) + (o.days as number) - 1,
      })),
  );
  const since = dayOf(today) - 180;
  const recent = supplies.filter((s) => s.to >= since && s.from <= dayOf(today));
  const classes = new Set<string>();
  for (const a of recent) {
    for (const b of recent) {
      if (a.atc === b.atc && a.institution !== b.institution && Math.min(a.to, b.to) >= Math.max(a.from, b.from))
        classes.add(a.atc);
    }
  }
  return [...classes].sort();
}

describe('tele-consultation in Chromium', () => {
  let sandbox: Sandbox;
  let url: string;
  let dataDir: string;
  let phone: BrowserContext;
  let grandpa: Page;
  let desk: BrowserContext;
  let educator: Page;
  let citizenId: number;

  beforeAll(async () => {
    sandbox = await startSandbox({ examples: ['teleconsult'] });
    const example = sandbox.examples.teleconsult;
    if (!example) throw new Error('the example did not start');
    url = example.url;
    dataDir = example.dataDir;
    citizenId = (await findCitizenByNationalId(sandbox.db, PERSONA_IDS.B爺爺))?.id ?? 0;
    phone = await sandbox.browser.newContext({
      locale: 'zh-TW',
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
    });
    grandpa = await phone.newPage();
    grandpa.on('dialog', (dialog) => void dialog.accept());
    desk = await sandbox.browser.newContext({ locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    educator = await desk.newPage();
  }, 180_000);
  afterAll(async () => {
    await sandbox?.close();
  });

  const accessible = async (page: Page) => expect(await seriousAccessibilityViolations(page)).toEqual([]);
  const overflow = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const patients = () => {
    const db = new BetterSqlite3(join(dataDir, 'teleconsult.db'), { readonly: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM patients').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };

  it('B爺爺 connects on his phone and shares what he chose', async () => {
    // The sandbox's landing page leads to the example on its own origin.
    await grandpa.goto(`${sandbox.url}/`);
    expect(await grandpa.getAttribute(`a[href="${url}/"]`, 'href')).toBe(`${url}/`);
    await grandpa.goto(`${url}/`);
    await grandpa.waitForSelector('button.big');
    expect(await grandpa.getAttribute('html', 'lang')).toBe('zh-TW');
    await accessible(grandpa);
    await saveScreenshot(grandpa, 'teleconsult-1-connect');
    await grandpa.fill('#name', '伍爺爺');
    // He does not share his care wishes this time.
    await grandpa.uncheck('#c-care_wishes');
    await Promise.all([grandpa.waitForURL(/\/signin\//), grandpa.click('button.big')]);
    await grandpa.check(`input[name="nationalId"][value="${PERSONA_IDS.B爺爺}"]`);
    await Promise.all([
      grandpa.waitForURL(/\/consent\//),
      grandpa.click('form[action$="/persona"] button[type="submit"]'),
    ]);
    const offered = await grandpa.$$eval('input[name="category"]', (inputs) =>
      inputs.map((i) => (i as HTMLInputElement).value).sort(),
    );
    expect(offered).toEqual(['allergy', 'inpatient', 'lab', 'outpatient']);
    await grandpa.check('#acknowledge');
    await grandpa.check('#period-5y');
    await grandpa.check('#duration-3');
    await saveScreenshot(grandpa, 'teleconsult-2-consent');
    await grandpa.click('button[value="agree"]');
    await grandpa.waitForSelector('ul.shared li', { timeout: 30_000 });
    expect(new URL(grandpa.url()).pathname).toBe('/');

    // What the app says it received is what the consent covers in the database.
    const [consent] = await listConsents(sandbox.db, citizenId);
    expect(consent).toMatchObject({ clientId: 'teleconsult', status: 'active', period: '5y' });
    const records = await readRecords(sandbox.db, citizenId, {
      categories: ['outpatient', 'lab'],
      from: consent?.from ?? '',
    });
    const shown = await grandpa.$$eval('ul.shared li', (items) => items.map((li) => li.textContent ?? ''));
    expect(shown.find((t) => t.startsWith('西醫門診'))).toContain(`${records.outpatient?.length} 筆`);
    expect(shown.find((t) => t.startsWith('檢驗'))).toContain(`${records.lab?.length} 筆`);
    await accessible(grandpa);
    await saveScreenshot(grandpa, 'teleconsult-3-shared');
    expect(patients()).toBe(1);
  });

  it('his pages reflow at 200% zoom: no sideways scrolling', async () => {
    // WCAG 1.4.10: 320 CSS px is a 640 px phone screen at 200%; 640 px a 1280 px window at 200%.
    for (const width of [320, 640]) {
      await grandpa.setViewportSize({ width, height: 800 });
      expect(await overflow(grandpa)).toBeLessThanOrEqual(0);
    }
    await saveScreenshot(grandpa, 'teleconsult-4-zoom-200');
    await grandpa.setViewportSize({ width: 390, height: 844 });
  });

  it('the educator signs in and sees the duplicate-medication flag the records imply', async () => {
    await educator.goto(`${url}/educator`);
    await educator.waitForURL(/\/staff\/signin/);
    await accessible(educator);
    await educator.fill('#email', 'educator@teleconsult.example');
    await educator.fill('#password', EXAMPLE_STAFF_PASSWORD);
    await Promise.all([educator.waitForURL(/\/educator$/), educator.click('button[type="submit"]')]);
    await accessible(educator);
    await expect(educator.textContent('ul.cards')).resolves.toContain('伍爺爺');
    await Promise.all([educator.waitForURL(/\/educator\/patients\//), educator.click('ul.cards a')]);

    const [consent] = await listConsents(sandbox.db, citizenId);
    const records = await readRecords(sandbox.db, citizenId, { categories: ['outpatient'], from: consent?.from ?? '' });
    const expected = duplicateClasses((records.outpatient ?? []) as OutpatientRecord[], taiwanToday());
    expect(expected).toContain('C09CA');
    const flagged = await educator.$$eval('[data-flag="duplicate_class"]', (items) =>
      [...new Set(items.map((li) => li.getAttribute('data-atc-class') ?? ''))].sort(),
    );
    expect(flagged).toEqual(expected);
    // The flagged medicines are marked in the medication table too.
    expect(
      await educator.$$eval('tr.flagged td:nth-child(2)', (tds) => tds.map((td) => td.textContent?.slice(0, 5))),
    ).toContain('C09CA');
    // Care wishes were not shared, and the page says so rather than showing nothing.
    await expect(educator.textContent('section[aria-labelledby="h-care_wishes"]')).resolves.toContain('未分享');
    await accessible(educator);
    await saveScreenshot(educator, 'teleconsult-5-educator');

    await educator.goto(`${educator.url()}?lang=en`);
    await expect(educator.textContent('#h-flags')).resolves.toBe('Medication alerts');
    await accessible(educator);
  });

  it('prints a one-page summary for the doctor', async () => {
    await Promise.all([educator.waitForURL(/\/summary/), educator.click('a.button')]);
    await accessible(educator);
    await educator.emulateMedia({ media: 'print' });
    await saveScreenshot(educator, 'teleconsult-6-summary');
    const pdf = await educator.pdf({ format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages).toHaveLength(1);
    await educator.emulateMedia({ media: 'screen' });
  });

  it('B爺爺 stops sharing: the consent is revoked and the backend keeps nothing', async () => {
    await grandpa.goto(`${url}/`);
    await grandpa.click('button.danger');
    await grandpa.waitForSelector('p.notice');
    await expect(grandpa.textContent('p.notice')).resolves.toContain('已停止分享');
    const [consent] = await listConsents(sandbox.db, citizenId);
    expect(consent?.status).toBe('revoked');
    expect(patients()).toBe(0);
    expect(existsSync(join(dataDir, 'keys', 'kek'))).toBe(true);
    await accessible(grandpa);
    await saveScreenshot(grandpa, 'teleconsult-7-stopped');
    // The educator's list is empty at once.
    await educator.goto(`${url}/educator`);
    await expect(educator.textContent('main')).resolves.toContain('目前沒有民眾分享資料');
  });

  it('the connect screen and the privacy policy reflow at 200% zoom and are axe-clean', async () => {
    for (const path of ['/', '/privacy']) {
      await grandpa.goto(`${url}${path}`);
      await grandpa.waitForSelector('h1');
      await accessible(grandpa);
      for (const width of [320, 640]) {
        await grandpa.setViewportSize({ width, height: 800 });
        expect(await overflow(grandpa)).toBeLessThanOrEqual(0);
      }
      await grandpa.setViewportSize({ width: 390, height: 844 });
    }
  });
});
