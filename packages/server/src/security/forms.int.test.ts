/**
 * Framing and CSRF on every form (RFC 9700 §4.16, OWASP ASVS V3.5, V14.4.7), found by crawling:
 * a citizen signed in to the portal and at the sign-in and consent pages of an authorization
 * (sandbox realm), an organisation's developer and a reviewer signed in to their portals
 * (production realm). Every page reached forbids framing (CSP `frame-ancestors 'none'` and
 * `X-Frame-Options: DENY`), every POST form on it carries its CSRF token, and the same form posted
 * with the victim's cookies but without the token (as a cross-site page would) is refused with
 * `csrf_token_invalid` and changes no row.
 *
 * It can fail: with `requireCsrf` made to pass everything, the first form posted without its token
 * is accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffAccount } from '../auth/staff/accounts.js';
import {
  authorizeInBrowser,
  registerTestApp,
  startTestPlatform,
  type TestBrowser,
  type TestPlatform,
} from '../auth/testing.js';
import { client, discoverClient, pushAuthorization } from '../auth/testing-client.js';
import { signInToPortal } from '../citizen/testing.js';
import { tableRowCounts, testDatabases } from '../db/testing.js';
import { enrolReviewer, registerThroughPortal } from '../developer/testing.js';

/** Never followed while crawling: they end the session or leave the site. */
const SKIP_LINK = /\/signout|\/logout|^\/oauth\/|^\/api\/|\.json$|\.pdf$|\/download|\/proof/;

interface Form {
  page: string;
  action: string;
  fields: Record<string, string>;
}

/** The POST forms of a page, with their fields' names and values (the CSRF token among them). */
function formsIn(page: string, html: string): Form[] {
  const forms: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1] ?? '';
    if (!/method="post"/i.test(attrs)) continue;
    const action = new URL(/action="([^"]*)"/.exec(attrs)?.[1]?.replace(/&amp;/g, '&') ?? page, page).href;
    const fields: Record<string, string> = {};
    for (const input of (m[2] ?? '').matchAll(/<(?:input|button|textarea|select)\b([^>]*)>/g)) {
      const name = /name="([^"]+)"/.exec(input[1] ?? '')?.[1];
      if (name && !(name in fields)) fields[name] = /value="([^"]*)"/.exec(input[1] ?? '')?.[1] ?? '';
    }
    forms.push({ page, action, fields });
  }
  return forms;
}

/** Same-origin links of a page. */
function linksIn(page: string, html: string): string[] {
  const origin = new URL(page).origin;
  return [...html.matchAll(/href="([^"#]+)"/g)]
    .map((m) => new URL((m[1] ?? '').replace(/&amp;/g, '&'), page))
    .filter((u) => u.origin === origin && !SKIP_LINK.test(u.pathname))
    .map((u) => u.href);
}

/** Crawls from the start pages (breadth first, at most `limit` pages) and checks each page's framing. */
async function crawl(browser: TestBrowser, starts: string[], limit = 40): Promise<{ pages: string[]; forms: Form[] }> {
  const seen = new Set<string>();
  const queue = [...starts];
  const forms: Form[] = [];
  while (queue.length > 0 && seen.size < limit) {
    const url = queue.shift() as string;
    if (seen.has(url)) continue;
    seen.add(url);
    const response = await browser.request(url);
    if (response.status >= 300) continue;
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/html')) continue;
    expect(response.headers.get('content-security-policy') ?? '', url).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-frame-options'), url).toBe('DENY');
    const html = await response.text();
    forms.push(...formsIn(url, html));
    queue.push(...linksIn(url, html));
  }
  return { pages: [...seen], forms };
}

/** Each form once: by its action and field names (every page repeats the sign-out form). */
function distinct(forms: Form[]): Form[] {
  const byKey = new Map<string, Form>();
  for (const form of forms)
    byKey.set(`${new URL(form.action).pathname} ${Object.keys(form.fields).sort().join(',')}`, form);
  return [...byKey.values()];
}

/** Posts every form without its CSRF token, with the browser's cookies: each must be refused. */
async function forgeAll(platform: TestPlatform, browser: TestBrowser, forms: Form[]): Promise<string[]> {
  const accepted: string[] = [];
  const before = await tableRowCounts(platform.db);
  for (const form of distinct(forms)) {
    expect(form.fields._csrf, `${form.action} (on ${form.page}) has no CSRF field`).toBeTruthy();
    const { _csrf: _token, ...rest } = form.fields;
    const response = await browser.request(form.action, { method: 'POST', form: rest });
    const html = await response.text();
    if (response.status !== 403 || !html.includes('data-code="csrf_token_invalid"')) {
      accepted.push(`${form.action} (on ${form.page}): ${response.status}`);
    }
  }
  expect(await tableRowCounts(platform.db)).toEqual(before);
  return accepted;
}

describe.each(testDatabases())('framing and CSRF on every form on $label', (target) => {
  let sandbox: TestPlatform;
  let production: TestPlatform;

  beforeAll(async () => {
    sandbox = await startTestPlatform(target);
    production = await startTestPlatform(target, { sandbox: false });
    await registerTestApp(sandbox, { clientId: 'forms-app', clientType: 'public' });
    await createStaffAccount(
      production.db,
      { kind: 'reviewer', email: 'forms@review.example', name: '審查', role: 'admin' },
      Date.now(),
    );
  }, 120_000);
  afterAll(async () => {
    await sandbox?.close();
    await production?.close();
  });

  it('the citizen portal, and the sign-in and consent pages of an authorization', async () => {
    const { browser } = await signInToPortal(sandbox);
    const portal = await crawl(browser, [`${sandbox.url}/me`]);
    // An authorization stopped at the consent page (the sign-in page comes first).
    const config = await discoverClient(sandbox, 'forms-app');
    const started = await pushAuthorization(
      config,
      client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256')),
    );
    const { page, browser: other } = await authorizeInBrowser(sandbox, started.url.href, { consent: 'stop' });
    if (!page) throw new Error('no consent page');
    const consent = formsIn(page.url, page.html);
    const signin = await crawl(other, [page.url]);
    const forms = [...portal.forms, ...consent];
    expect(forms.length).toBeGreaterThan(3);
    expect(await forgeAll(sandbox, browser, portal.forms)).toEqual([]);
    expect(await forgeAll(sandbox, other, [...consent, ...signin.forms])).toEqual([]);
  });

  it('the developer portal, signed in as an organisation’s admin', async () => {
    const { browser } = await registerThroughPortal(production);
    const { forms } = await crawl(browser, [`${production.url}/developers`]);
    expect(forms.length).toBeGreaterThan(2);
    expect(await forgeAll(production, browser, forms)).toEqual([]);
  });

  it('the reviewer console, signed in with a passkey', async () => {
    const { browser } = await enrolReviewer(production, 'forms@review.example');
    const { forms } = await crawl(browser, [`${production.url}/review`]);
    expect(forms.length).toBeGreaterThan(0);
    expect(await forgeAll(production, browser, forms)).toEqual([]);
  });
});
