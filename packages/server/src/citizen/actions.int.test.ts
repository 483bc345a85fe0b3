/**
 * What a citizen does from the portal, proved end to end: revoking (the app's access token,
 * refresh token and ticket fail at once), asking for deletion (B's request model, listed with its
 * status), and "not you?" on the consent page (the same app request, answered by someone else).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditKysely } from '../audit/tables.js';
import { categoriesIn, csrfIn, TEST_REDIRECT_URI, TestBrowser, type TestPlatform } from '../auth/testing.js';
import { client, ping, pushAuthorization } from '../auth/testing-client.js';
import { findConsent } from '../consent/repository.js';
import { findCitizenById, listPersonas } from '../db/index.js';
import { testDatabases } from '../db/testing.js';
import { listDeletionRequests } from './deletion/index.js';
import { fetchFile, portalGet, provideFile, startPortalPlatform } from './testing.js';

const APP = 'portal-actions-app';

describe.each(testDatabases())('portal actions on $label', (target) => {
  let platform: TestPlatform;
  let config: client.Configuration;

  beforeAll(async () => {
    ({ platform, config } = await startPortalPlatform(target, APP));
  });
  afterAll(() => platform?.close());

  it('revokes by a confirmed, CSRF-protected POST: the app’s tokens and tickets are refused at once', async () => {
    const provided = await provideFile(platform, config);
    const { browser, consentId } = provided;
    const detail = await portalGet(platform, browser, `/me/consents/${consentId}`);
    expect(detail.html).toContain(`href="/me/consents/${consentId}/revoke"`);
    // GET shows the question and changes nothing.
    const confirm = await portalGet(platform, browser, `/me/consents/${consentId}/revoke`);
    expect(confirm.html).toContain('確定要取消給 測試 App 的授權嗎？');
    expect((await findConsent(platform.db, consentId))?.status).toBe('active');

    const forged = await browser.request(`${platform.url}/me/consents/${consentId}/revoke`, { form: { _csrf: 'x' } });
    expect(forged.status).toBe(403);
    expect((await ping(platform, config, provided.accessToken, provided.dpop)).status).toBe(200);

    const revoked = await browser.request(`${platform.url}/me/consents/${consentId}/revoke`, {
      form: { _csrf: csrfIn(confirm.html) },
    });
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get('location')).toBe(`/me/consents/${consentId}?done=revoked`);
    const after = await portalGet(platform, browser, `/me/consents/${consentId}?done=revoked`);
    expect(after.html).toContain('role="status">已經取消給 測試 App 的授權。');
    expect(after.html).toMatch(/data-testid="consent-status">已取消</);

    await expect(ping(platform, config, provided.accessToken, provided.dpop)).rejects.toMatchObject({ status: 401 });
    const file = await fetchFile(platform, provided.ticket, provided.keys);
    expect(file.status).toBe(403);
    expect(((await file.json()) as { code: string }).code).toBe('consent_revoked');
    // The refusal is audited (the integration checklist's "revocation seen"), a bounded number of times.
    for (let i = 0; i < 4; i++) await fetchFile(platform, provided.ticket, provided.keys);
    const refusals = await auditKysely(platform.db.kysely)
      .selectFrom('audit_log')
      .select(['details'])
      .where('type', '=', 'export.refused')
      .where('subject', '=', consentId)
      .execute();
    expect(refusals.map((r) => r.details)).toEqual(Array(3).fill(JSON.stringify({ reason: 'consent_revoked' })));
    const audited = await auditKysely(platform.db.kysely)
      .selectFrom('audit_log')
      .select(['details'])
      .where('type', '=', 'consent.revoked')
      .where('subject', '=', consentId)
      .execute();
    expect(audited.map((a) => a.details)).toEqual([JSON.stringify({ by: 'citizen portal' })]);
  });

  it('asks for deletion by a confirmed POST, once, and lists the request with its status', async () => {
    const { browser, consentId } = await provideFile(platform, config, { persona: 'B爺爺' });
    const confirm = await portalGet(platform, browser, `/me/consents/${consentId}/deletion`);
    expect(confirm.html).toContain('確定要求 測試 App 刪除資料嗎？');
    const form = { _csrf: csrfIn(confirm.html) };
    const first = await browser.request(`${platform.url}/me/consents/${consentId}/deletion`, { form });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/me/consents/${consentId}?done=deletion`);
    // Asking again while the request is open does not make a second one.
    await browser.request(`${platform.url}/me/consents/${consentId}/deletion`, { form });
    const b = await findCitizenById(platform.db, (await findConsent(platform.db, consentId))?.citizenId ?? 0);
    const requests = await listDeletionRequests(platform.db, b?.id ?? 0);
    expect(requests.filter((r) => r.consentId === consentId)).toHaveLength(1);
    const request = requests[0];

    const history = await portalGet(platform, browser, '/me/history');
    expect(history.html).toContain(`data-deletion="${request?.id}"`);
    expect(history.html).toMatch(/data-testid="deletion-status">(傳送中|已送達 App，等待回覆)</);
    const detail = await portalGet(platform, browser, `/me/deletion-requests/${request?.id}`);
    expect(detail.status).toBe(200);
    expect(detail.html).toContain(request?.id);
    const consentPage = await portalGet(platform, browser, `/me/consents/${consentId}`);
    expect(consentPage.html).toContain('您已經在');
  });

  it('“not you?” on the consent page signs out and asks the same app request to sign in again', async () => {
    const personas = await listPersonas(platform.db);
    const idOf = (name: string) => personas.find((p) => p.persona === name)?.nationalId ?? '';
    // A小姐 consented earlier in this browser; her session is still open.
    const { browser } = await provideFile(platform, config, { persona: 'A小姐' });
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const started = await pushAuthorization(config, dpop);
    const consentPage = await browser.follow(started.url.href, TEST_REDIRECT_URI);
    expect(new URL(consentPage.url).pathname).toMatch(/^\/consent\//);
    const html = consentPage.html ?? '';
    expect(html).toContain(`（身分證號 ${idOf('A小姐').slice(0, 6)}****）`);
    expect(html).toContain('不是您嗎？登出並換人登入');
    expect(html).toContain('href="/me"');

    const uid = new URL(consentPage.url).pathname.split('/')[2];
    const signin = await browser.follow(`${platform.url}/consent/${uid}/not-you`, TEST_REDIRECT_URI, {
      form: { _csrf: csrfIn(html) },
    });
    expect(new URL(signin.url).pathname).toMatch(/^\/signin\//);
    const asB = await browser.follow(`${signin.url.split('?')[0]}/persona`, TEST_REDIRECT_URI, {
      form: { _csrf: csrfIn(signin.html ?? ''), nationalId: idOf('B爺爺') },
    });
    expect(new URL(asB.url).pathname).toMatch(/^\/consent\//);
    expect(asB.html).toContain(`（身分證號 ${idOf('B爺爺').slice(0, 6)}****）`);
    const done = await browser.follow(asB.url, TEST_REDIRECT_URI, {
      form: {
        _csrf: csrfIn(asB.html ?? ''),
        action: 'agree',
        acknowledge: 'yes',
        period: '1y',
        duration: 'once',
        category: categoriesIn(asB.html ?? ''),
      },
    });
    expect(done.redirectedTo).toBeDefined();
    const tokens = await client.authorizationCodeGrant(
      config,
      new URL(done.redirectedTo ?? ''),
      { pkceCodeVerifier: started.verifier, expectedState: started.state },
      undefined,
      { DPoP: dpop },
    );
    const { consent_id } = (await (await ping(platform, config, tokens.access_token, dpop)).json()) as {
      consent_id: string;
    };
    const consent = await findConsent(platform.db, consent_id);
    expect((await findCitizenById(platform.db, consent?.citizenId ?? 0))?.nationalId).toBe(idOf('B爺爺'));
  });

  it('“not you?” needs the page’s CSRF token', async () => {
    const { browser } = await provideFile(platform, config, { persona: 'A小姐' });
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const started = await pushAuthorization(config, dpop);
    const consentPage = await browser.follow(started.url.href, TEST_REDIRECT_URI);
    const uid = new URL(consentPage.url).pathname.split('/')[2];
    const forged = await browser.request(`${platform.url}/consent/${uid}/not-you`, { form: { _csrf: 'x' } });
    expect(forged.status).toBe(403);
    expect((await portalGet(platform, browser, '/me')).status).toBe(200);
  });

  it('a visitor who is not signed in cannot act', async () => {
    const { consentId } = await provideFile(platform, config);
    const stranger = new TestBrowser();
    const page = await stranger.request(`${platform.url}/me/signed-out`);
    const csrf = csrfIn(await (await stranger.request(`${platform.url}/signin/Xk3vQ9tZpL2mN8rB4wYc1`)).text());
    expect(page.status).toBe(200);
    const res = await stranger.request(`${platform.url}/me/consents/${consentId}/revoke`, { form: { _csrf: csrf } });
    expect(res.status).toBe(401);
    expect((await findConsent(platform.db, consentId))?.status).toBe('active');
  });
});
