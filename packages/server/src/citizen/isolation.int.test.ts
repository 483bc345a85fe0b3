/**
 * A citizen can never see or act on another citizen's consents, files or deletion requests: every
 * portal route that takes an id answers B's request for A's id with exactly the bytes it answers
 * for an id that does not exist (status, body and headers; ASVS V8.2.2, no enumeration), and
 * nothing of A's changes. The routes without ids show B only B's own entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfIn, type TestBrowser, type TestPlatform } from '../auth/testing.js';
import { type client, ping } from '../auth/testing-client.js';
import { findConsent } from '../consent/repository.js';
import { testDatabases } from '../db/testing.js';
import { listExports } from '../export/index.js';
import { listDeletionRequests } from './deletion/index.js';
import { portalGet, provideFile, startPortalPlatform } from './testing.js';

const APP = 'portal-isolation-app';

/** Every route of the portal that names an object by id, as method and path template. */
const ID_ROUTES = [
  ['GET', '/me/consents/{consent}'],
  ['GET', '/me/consents/{consent}/revoke'],
  ['POST', '/me/consents/{consent}/revoke'],
  ['GET', '/me/consents/{consent}/deletion'],
  ['POST', '/me/consents/{consent}/deletion'],
  ['GET', '/me/exports/{export}'],
  ['GET', '/me/deletion-requests/{deletion}'],
  ['GET', '/me/exports/{export}/proof.json'],
  ['GET', '/me/deletion-requests/{deletion}/proof.json'],
] as const;

/** Headers that differ between any two responses. */
const VOLATILE = new Set(['date', 'set-cookie', 'keep-alive', 'connection']);

describe.each(testDatabases())('one citizen’s portal against another’s ids on $label', (target) => {
  let platform: TestPlatform;
  let config: client.Configuration;

  beforeAll(async () => {
    ({ platform, config } = await startPortalPlatform(target, APP));
  });
  afterAll(() => platform?.close());

  async function answer(browser: TestBrowser, method: 'GET' | 'POST', path: string, csrf: string, accept: string) {
    const url = `${platform.url}${path}`;
    const res =
      method === 'GET'
        ? await fetch(url, { headers: { accept, cookie: cookieOf(browser, path) }, redirect: 'manual' })
        : await fetch(url, {
            method: 'POST',
            headers: {
              accept,
              cookie: cookieOf(browser, path),
              'content-type': 'application/x-www-form-urlencoded',
            },
            body: new URLSearchParams({ _csrf: csrf }).toString(),
            redirect: 'manual',
          });
    const headers = [...res.headers].filter(([name]) => !VOLATILE.has(name));
    return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()).toString('base64') };
  }

  /** The browser's cookies, as `TestBrowser` would send them (it keeps them private). */
  function cookieOf(browser: TestBrowser, path: string): string {
    const jar = (browser as unknown as { cookieHeader(url: URL): string }).cookieHeader(new URL(path, platform.url));
    return jar;
  }

  it('answers every id route for A’s ids exactly as for missing ids, and changes nothing of A’s', async () => {
    // A小姐: a consent with a file, and a deletion request, all through the real paths.
    const a = await provideFile(platform, config, { persona: 'A小姐' });
    const aConfirm = await portalGet(platform, a.browser, `/me/consents/${a.consentId}/deletion`);
    await a.browser.request(`${platform.url}/me/consents/${a.consentId}/deletion`, {
      form: { _csrf: csrfIn(aConfirm.html) },
    });
    const aConsent = await findConsent(platform.db, a.consentId);
    const aCitizen = aConsent?.citizenId ?? 0;
    const [aExport] = await listExports(platform.db, aCitizen);
    const [aDeletion] = await listDeletionRequests(platform.db, aCitizen);
    expect(aExport && aDeletion).toBeTruthy();
    const aIds = { consent: a.consentId, export: aExport?.id ?? '', deletion: aDeletion?.id ?? '' };
    // Ids of the same shape that nobody has.
    const missing = {
      consent: `cns_${'A'.repeat(22)}`,
      export: `exp_${'B'.repeat(22)}`,
      deletion: `del_${'C'.repeat(22)}`,
    };

    // B爺爺, signed in in his own browser, with his own history.
    const b = await provideFile(platform, config, { persona: 'B爺爺' });
    const bPage = await portalGet(platform, b.browser, '/me');
    const csrf = csrfIn(bPage.html);

    for (const accept of ['text/html', 'application/json']) {
      for (const [method, template] of ID_ROUTES) {
        const fill = (ids: Record<string, string>) =>
          template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? '');
        const theirs = await answer(b.browser, method, fill(aIds), csrf, accept);
        const none = await answer(b.browser, method, fill(missing), csrf, accept);
        expect(theirs.status, `${method} ${template} (${accept})`).toBe(404);
        expect(theirs, `${method} ${template} (${accept})`).toEqual(none);
      }
    }

    // Nothing of A's changed: still active, her token works, one deletion request.
    expect((await findConsent(platform.db, a.consentId))?.status).toBe('active');
    expect((await ping(platform, config, a.accessToken, a.dpop)).status).toBe(200);
    expect(await listDeletionRequests(platform.db, aCitizen)).toHaveLength(1);

    // The pages without ids show B only his own entries.
    for (const path of ['/me', '/me/history', '/me/records', '/me/inbox', '/me/history.json', '/me/history.csv']) {
      const res = await b.browser.request(`${platform.url}${path}`);
      const text = await res.text();
      expect(res.status, path).toBe(200);
      for (const id of Object.values(aIds)) expect(text, path).not.toContain(id);
      expect(text, path).toContain(path === '/me' || path === '/me/records' ? '' : b.consentId);
    }
  });
});
