/**
 * The portal's pages against a real platform (SQLite, and PostgreSQL when configured): sign-in
 * through `/me` and back, records with counts and trends, provision history after an app's real
 * journey, the filter, downloads, and sign-out.
 */
import { CATEGORIES } from '@healthbank/records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKysely } from '../audit/tables.js';
import { TestBrowser, type TestPlatform } from '../auth/testing.js';
import type { client } from '../auth/testing-client.js';
import { findCitizenByNationalId, listPersonas, readRecords } from '../db/index.js';
import { testDatabases } from '../db/testing.js';
import { RECORDS_PER_PAGE } from './limits.js';
import { portalGet, provideFile, signInToPortal, startPortalPlatform } from './testing.js';

const APP = 'portal-app';

describe.each(testDatabases())('the citizen portal on $label', (target) => {
  let platform: TestPlatform;
  let config: client.Configuration;

  beforeAll(async () => {
    ({ platform, config } = await startPortalPlatform(target, APP));
  });
  afterAll(() => platform?.close());

  async function citizen(persona: 'A小姐' | 'B爺爺') {
    const nationalId = (await listPersonas(platform.db)).find((p) => p.persona === persona)?.nationalId ?? '';
    const found = await findCitizenByNationalId(platform.db, nationalId);
    if (!found) throw new Error('no persona');
    return found;
  }

  it('sends a visitor to sign in and back to the page asked for, then shows who is signed in', async () => {
    const browser = new TestBrowser();
    const first = await browser.request(`${platform.url}/me/records/lab?page=1`);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/me/signin?return=${encodeURIComponent('/me/records/lab?page=1')}`);
    const { page } = await signInToPortal(platform, 'A小姐', { browser, path: '/me/records/lab?page=1' });
    expect(new URL(page.url).pathname + new URL(page.url).search).toBe('/me/records/lab?page=1');
    expect(page.status).toBe(200);
    const a = await citizen('A小姐');
    expect(page.html).toContain(`${a.name}（身分證號 ${a.nationalId.slice(0, 6)}****）`);
    expect(page.html).not.toContain(a.nationalId);
    expect(page.response.headers.get('cache-control')).toBe('no-store');
    // The sign-in went through the authorization server: audited for the portal's client.
    const signins = await auditKysely(platform.db.kysely)
      .selectFrom('audit_log')
      .select(['client_id'])
      .where('type', '=', 'signin')
      .where('citizen_id', '=', a.id)
      .execute();
    expect(signins.map((s) => s.client_id)).toContain('healthbank-portal');
  });

  it('says on the sign-in page that it is the portal asking, not an app', async () => {
    const signin = await portalGet(platform, new TestBrowser(), '/me');
    expect(new URL(signin.url).pathname).toMatch(/^\/signin\//);
    expect(signin.html).toContain('data-testid="requester">登入您的健康存摺，查看您的就醫資料');
  });

  it('never sends the browser off-site after sign-in (ASVS V5.1.5)', async () => {
    for (const evil of ['https://evil.example/', '//evil.example/me', '/\\evil.example', '/me/../oauth']) {
      const browser = new TestBrowser();
      const { page } = await signInToPortal(platform, 'A小姐', {
        browser,
        path: `/me/signin?return=${encodeURIComponent(evil)}`,
      });
      expect(new URL(page.url).origin).toBe(platform.url);
      expect(new URL(page.url).pathname).toBe('/me');
    }
  });

  it('refuses a callback whose state this browser did not start (login CSRF)', async () => {
    const { browser } = await signInToPortal(platform);
    const forged = await browser.request(`${platform.url}/me/callback?code=x&state=forged&iss=${platform.url}`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('登入沒有完成');
  });

  it('lists the eleven categories with the citizen’s own counts, and charts the lab trends', async () => {
    const { browser } = await signInToPortal(platform);
    const page = await portalGet(platform, browser, '/me/records');
    expect(page.status).toBe(200);
    const a = await citizen('A小姐');
    const records = await readRecords(platform.db, a.id, { categories: CATEGORIES.map((c) => c.id) });
    for (const c of CATEGORIES) {
      const count = records[c.id]?.length ?? 0;
      expect(page.html).toContain(`data-category="${c.id}">${count.toLocaleString('zh-TW')}</td>`);
      expect(page.html).toContain(`href="/me/records/${c.id}"`);
    }
    // Her fasting glucose results are charted, with the same numbers in a table beside the chart.
    const glucose = (records.lab ?? []).filter((r) => r.loinc === '1558-6');
    expect(glucose.length).toBeGreaterThan(0);
    expect(page.html).toContain('data-trend="glucose"');
    expect(page.html).toMatch(/<svg class="chart" role="img" aria-label="空腹血糖，/);
    const section = page.html.slice(page.html.indexOf('data-trend="glucose"'));
    for (const r of glucose) expect(section).toContain(`>${r.value}</td>`);
    // No HbA1c in her fixture records: no empty chart for it.
    expect(page.html).not.toContain('data-trend="hba1c"');
  });

  it('pages through a category, newest first, with 民國 dates beside ISO', async () => {
    const { browser } = await signInToPortal(platform);
    const a = await citizen('A小姐');
    const labs = (await readRecords(platform.db, a.id, { categories: ['lab'] })).lab ?? [];
    const first = await portalGet(platform, browser, '/me/records/lab');
    const rows = first.html.match(/<tr><td data-label/g) ?? [];
    expect(rows).toHaveLength(Math.min(RECORDS_PER_PAGE, labs.length));
    const newest = [...labs].sort((x, y) => y.date.localeCompare(x.date))[0];
    const roc = `民國 ${Number(newest?.date.slice(0, 4)) - 1911}/${newest?.date.slice(5, 7)}/${newest?.date.slice(8)}`;
    expect(first.html).toContain(`${newest?.date}（${roc}）`);
    if (labs.length > RECORDS_PER_PAGE) {
      expect(first.html).toContain('href="/me/records/lab?page=2" rel="next"');
      const second = await portalGet(platform, browser, '/me/records/lab?page=2');
      expect(second.status).toBe(200);
      expect(second.html).toContain('rel="prev"');
    }
    expect((await portalGet(platform, browser, '/me/records/lab?page=abc')).status).toBe(400);
    expect((await portalGet(platform, browser, '/me/records/lab?page=999')).status).toBe(404);
    expect((await portalGet(platform, browser, '/me/records/nope')).status).toBe(404);
  });

  it('shows the provision entry an app’s real journey made, and filters by app and date', async () => {
    const provided = await provideFile(platform, config, { persona: 'A小姐' });
    const page = await portalGet(platform, provided.browser, '/me/history');
    expect(page.status).toBe(200);
    expect(page.html).toContain('測試 App');
    expect(page.html).toMatch(/data-testid="export-counts">檢驗結果 \d+、西醫門診資料 \d+</);
    expect(page.html).toContain(`data-consent="${provided.consentId}"`);
    expect(page.html).toMatch(/data-testid="consent-status">有效</);

    const otherApp = await portalGet(platform, provided.browser, '/me/history?app=diabetes-diary');
    expect(otherApp.html).not.toContain(`data-consent="${provided.consentId}"`);
    const past = await portalGet(platform, provided.browser, '/me/history?from=2001-01-01&to=2001-12-31');
    expect(past.html).not.toContain('data-export=');
    const invalid = await portalGet(platform, provided.browser, '/me/history?from=2025-13-40&to=x');
    expect(invalid.status).toBe(400);
    expect(invalid.html).toContain('開始日期請填成 2025-01-31 的樣子');
    const english = await portalGet(platform, provided.browser, '/me/history?lang=en');
    expect(english.html).toContain('<html lang="en">');
    expect(english.html).toContain('Test app');
  });

  it('downloads the history as JSON and CSV (formula cells neutralised) and the records in each format', async () => {
    const provided = await provideFile(platform, config, { persona: 'B爺爺' });
    const json = await provided.browser.request(`${platform.url}/me/history.json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="healthbank-history-.+\.json"$/);
    const doc = (await json.json()) as {
      exports: { consent_id: string }[];
      consents: { id: string; status: string }[];
    };
    expect(doc.exports.map((e) => e.consent_id)).toContain(provided.consentId);
    expect(doc.consents.find((c) => c.id === provided.consentId)?.status).toBe('active');

    // An organisation names its app; a name that starts like a formula is written as text.
    await platform.db.kysely
      .withTables<{ apps: { client_id: string; name_zh: string } }>()
      .updateTable('apps')
      .set({ name_zh: '=HYPERLINK("https://evil.example","x")' })
      .where('client_id', '=', APP)
      .execute();
    const csv = await provided.browser.request(`${platform.url}/me/history.csv`);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await csv.arrayBuffer());
    // A byte order mark, so that Excel reads the Chinese names as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.startsWith('created_at,app,client_id')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""https://evil.example"",""x"")"`);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
    await platform.db.kysely
      .withTables<{ apps: { client_id: string; name_zh: string } }>()
      .updateTable('apps')
      .set({ name_zh: '測試 App' })
      .where('client_id', '=', APP)
      .execute();

    const b = await citizen('B爺爺');
    const all = await readRecords(platform.db, b.id, { categories: CATEGORIES.map((c) => c.id) });
    const total = Object.values(all).reduce((n, list) => n + (list?.length ?? 0), 0);
    const records = await provided.browser.request(`${platform.url}/me/records/download?format=records`);
    expect(records.headers.get('content-disposition')).toMatch(/^attachment; filename="healthbank-records-records-/);
    const body = (await records.json()) as { format: string; records: Record<string, unknown[]> };
    expect(body.format).toBe('records');
    expect(Object.values(body.records).reduce((n, list) => n + list.length, 0)).toBe(total);
    const fhir = await provided.browser.request(`${platform.url}/me/records/download?format=fhir`);
    expect(fhir.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(((await fhir.json()) as { resourceType: string }).resourceType).toBe('Bundle');
    const mhb = await provided.browser.request(`${platform.url}/me/records/download?format=mhb`);
    expect(Object.keys(((await mhb.json()) as { myhealthbank: { bdata: object } }).myhealthbank.bdata)).toContain('r7');
    expect((await provided.browser.request(`${platform.url}/me/records/download?format=zip`)).status).toBe(400);

    // Each download is audited with the digest of what left, never its content.
    const entries = await auditKysely(platform.db.kysely)
      .selectFrom('audit_log')
      .select(['details', 'digest'])
      .where('type', '=', 'portal.download')
      .where('citizen_id', '=', b.id)
      .execute();
    expect(entries.length).toBeGreaterThanOrEqual(5);
    for (const e of entries) {
      expect(e.digest).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(e.details ?? '').not.toContain(b.nationalId);
    }
  });

  it('signs out with a CSRF-protected POST that ends the authorization server’s session', async () => {
    const { browser, page } = await signInToPortal(platform);
    const csrf = /action="\/me\/signout">\s*<input type="hidden" name="_csrf" value="([^"]+)"/.exec(page.html)?.[1];
    expect(csrf).toBeTruthy();
    const forged = await browser.request(`${platform.url}/me/signout`, { form: { _csrf: 'nope' } });
    expect(forged.status).toBe(403);
    expect((await portalGet(platform, browser, '/me')).status).toBe(200);
    const out = await browser.request(`${platform.url}/me/signout`, { form: { _csrf: csrf ?? '' } });
    expect(out.status).toBe(303);
    expect(out.headers.get('location')).toBe('/me/signed-out');
    const after = await browser.request(`${platform.url}/me`);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/me\/signin/);
  });
});
