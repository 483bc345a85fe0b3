/**
 * The consent page as a citizen meets it: who asks, the notices, the choices, the errors in
 * plain words; and as an attacker meets it: no state change on GET, CSRF on POST, no framing,
 * no consent widened by a forged form.
 */
import { CATEGORY_IDS, getCategory } from '@healthbank/records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authKysely } from '../auth/tables.js';
import {
  authorizeInBrowser,
  csrfIn,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  TestBrowser,
  type TestPlatform,
} from '../auth/testing.js';
import { client, discoverClient, pushAuthorization } from '../auth/testing-client.js';
import { testDatabases } from '../db/testing.js';

describe.each(testDatabases())('the consent page on $label', (target) => {
  let platform: TestPlatform;
  let config: client.Configuration;

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerTestApp(platform, { clientId: 'page-public', clientType: 'public' });
    config = await discoverClient(platform, 'page-public');
  });
  afterAll(() => platform?.close());

  /** Signs in and stops on the consent page. */
  async function consentPage(scope = 'records.lab records.outpatient', browser = new TestBrowser()) {
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const started = await pushAuthorization(config, dpop, { scope });
    const { page } = await authorizeInBrowser(platform, started.url.href, { consent: 'stop', browser });
    if (!page) throw new Error('no consent page');
    return { ...page, browser, csrf: csrfIn(page.html), started };
  }
  const countConsents = async () =>
    Number(
      (
        await authKysely(platform.db)
          .selectFrom('consents')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('shows who asks and every notice, in Traditional Chinese by default', async () => {
    const { html, url, status } = await consentPage();
    expect(status).toBe(200);
    expect(new URL(url).pathname).toMatch(/^\/consent\/[A-Za-z0-9_-]+$/);
    expect(html).toContain('<html lang="zh-TW">');
    expect(html).toContain('測試 App 想取得您的健康存摺資料');
    expect(html).toContain('測試健康股份有限公司');
    expect(html).toContain('24502181');
    expect(html).toContain('href="https://app.example.test/privacy"');
    expect(html).toContain('help@app.example.test');
    for (const item of [
      '誰會取得資料',
      '取得資料的目的',
      '會取得哪些資料',
      '使用期間、地區、對象及方式',
      '誰會收到資料',
      '您的權利',
      '如果不同意',
    ]) {
      expect(html).toContain(`<dt>${item}</dt>`);
    }
    expect(html).toContain('測試授權流程。');
    // The acknowledgement is an active choice; categories start ticked, least-sharing defaults otherwise.
    expect(html).toMatch(/id="acknowledge" name="acknowledge" value="yes"(?! checked)/);
    expect([...html.matchAll(/name="category" value="([a-z_]+)" checked/g)].map((m) => m[1])).toEqual([
      'lab',
      'outpatient',
    ]);
    expect(html).not.toContain('value="allergy"');
    expect(html).toMatch(/id="period-1y" name="period" value="1y" checked/);
    expect(html).toMatch(/id="duration-once" name="duration" value="once" checked/);
    // Institutions the citizen has visited, to exclude.
    expect(html).toMatch(/name="exclude" value="\d{10}"/);
  });

  it('labels every control and groups every question', async () => {
    const { html } = await consentPage();
    const ids = [...html.matchAll(/<input type="(?:checkbox|radio|date)" id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) expect(html).toContain(`<label for="${id}">`);
    expect(html.match(/<fieldset/g)?.length).toBe(4);
    expect(html.match(/<legend>/g)?.length).toBe(4);
    expect(html).not.toContain('<script');
  });

  it('speaks English when the browser asks for it', async () => {
    const { html } = await consentPage('records.lab', new TestBrowser('en'));
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Test app is asking for your My Health Bank records');
    expect(html).toContain('Your rights');
    expect(html).toContain('Laboratory results');
  });

  it('says beside each category what it holds (from the category definitions), in either language', async () => {
    for (const id of CATEGORY_IDS) {
      for (const locale of ['zh-TW', 'en'] as const)
        expect(getCategory(id).description[locale].length).toBeGreaterThan(5);
    }
    // Every category the test app may ask for.
    const asked = ['lab', 'outpatient', 'allergy', 'immunization'] as const;
    for (const locale of ['zh-TW', 'en'] as const) {
      const { html } = await consentPage(asked.map((id) => `records.${id}`).join(' '), new TestBrowser(locale));
      for (const id of asked) {
        const { name, description } = getCategory(id);
        expect(html).toMatch(
          new RegExp(
            `value="${id}"[^>]*>\\s*<label for="category-\\d+">${name[locale].replace(/[()]/g, '\\$&')}<span class="description">${description[locale]}</span>`,
          ),
        );
      }
    }
    // 西醫門診 carries diagnoses and prescriptions with it: the citizen is told so.
    expect(getCategory('outpatient').description['zh-TW']).toMatch(/診斷.*處方/);
  });

  it('cannot be framed', async () => {
    const { browser, url } = await consentPage();
    const res = await browser.request(url);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The form may lead (through the authorization server's redirect) to the app's origin only.
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self' https://app.example.test;");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
  });

  it('changes nothing on GET', async () => {
    const before = await countConsents();
    const { browser, url } = await consentPage();
    await browser.request(url);
    await browser.request(url);
    expect(await countConsents()).toBe(before);
  });

  it('refuses a POST without the CSRF token', async () => {
    const { browser, url } = await consentPage();
    const res = await browser.request(url, {
      form: { action: 'agree', acknowledge: 'yes', category: 'lab', period: '1y', duration: 'once' },
    });
    expect(res.status).toBe(403);
  });

  it.each([
    [
      'no acknowledgement',
      { category: ['lab'], period: '1y', duration: 'once' },
      ['#acknowledge', '請先閱讀資料運用注意事項'],
    ],
    [
      'no category',
      { acknowledge: 'yes', period: '1y', duration: 'once' },
      ['#category-0', '請至少選擇一項要分享的資料'],
    ],
    [
      'an inverted custom period',
      {
        acknowledge: 'yes',
        category: ['lab'],
        period: 'custom',
        from: '2024-05-01',
        to: '2023-01-01',
        duration: 'once',
      },
      ['#period-from', '開始日期要在結束日期之前'],
    ],
    [
      'a missing custom date',
      { acknowledge: 'yes', category: ['lab'], period: 'custom', duration: 'once' },
      ['#period-from', '請填寫開始日期'],
    ],
    [
      'a duration over 12 months',
      { acknowledge: 'yes', category: ['lab'], period: '1y', duration: '24' },
      ['#duration-once', '請選擇要分享多久'],
    ],
  ])('explains %s next to the field and keeps the answers', async (_name, fields, [anchor, message]) => {
    const before = await countConsents();
    const { browser, url, csrf } = await consentPage();
    const res = await browser.request(url, { form: { _csrf: csrf, action: 'agree', ...fields } });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('class="error-summary" role="alert"');
    expect(html).toContain(`href="${anchor}"`);
    expect(html).toContain(message);
    expect(html).toContain('class="field-error"');
    if ('acknowledge' in fields) expect(html).toMatch(/id="acknowledge" name="acknowledge" value="yes" checked/);
    expect(await countConsents()).toBe(before);
  });

  it('grants nothing the app did not ask for, whatever the form says', async () => {
    const { browser, url, csrf, started } = await consentPage('records.lab');
    const res = await browser.follow(url, TEST_REDIRECT_URI, {
      form: {
        _csrf: csrf,
        action: 'agree',
        acknowledge: 'yes',
        category: ['lab', 'care_wishes', 'outpatient'],
        period: 'all',
        duration: 'once',
      },
    });
    const callback = new URL(res.redirectedTo ?? '');
    expect(callback.searchParams.get('code')).toBeTruthy();
    expect(callback.searchParams.get('state')).toBe(started.state);
    const latest = await authKysely(platform.db)
      .selectFrom('consents')
      .select(['categories', 'requested_categories'])
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(latest.categories)).toEqual(['lab']);
    expect(JSON.parse(latest.requested_categories)).toEqual(['lab']);
  });

  it('records one consent however often the answer is sent', async () => {
    const before = await countConsents();
    const { browser, url, csrf } = await consentPage();
    const form = { _csrf: csrf, action: 'agree', acknowledge: 'yes', category: 'lab', period: '1y', duration: 'once' };
    const first = await browser.request(url, { form });
    const second = await browser.request(url, { form });
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(await countConsents()).toBe(before + 1);
  });

  it('sends a stale or foreign interaction to a plain "start again" page', async () => {
    const { browser, url } = await consentPage();
    const other = `${platform.url}/consent/AAAAAAAAAAAAAAAAAAAAA`;
    const res = await browser.request(other);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('這次的授權已逾時或已完成');
    expect((await new TestBrowser().request(url)).status).toBe(400);
  });
});
