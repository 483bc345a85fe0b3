/**
 * Revocation: whoever ends a consent (the citizen through the API, or the app through RFC 7009),
 * its tokens fail on their very next use.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfIn, registerTestApp, startTestPlatform, TestBrowser, type TestPlatform } from '../auth/testing.js';
import { client, completeFlow, discoverClient, ping } from '../auth/testing-client.js';
import { systemClock } from '../clock.js';
import { testDatabases } from '../db/testing.js';
import { findConsent } from './repository.js';
import { revokeConsent } from './revoke.js';

const ONGOING = { acknowledge: 'yes', period: '1y', duration: '3' };

describe.each(testDatabases())('revoking a consent on $label', (target) => {
  let platform: TestPlatform;
  let config: client.Configuration;

  beforeAll(async () => {
    platform = await startTestPlatform(target);
    await registerTestApp(platform, { clientId: 'revoke-public', clientType: 'public' });
    config = await discoverClient(platform, 'revoke-public');
  });
  afterAll(() => platform?.close());

  async function consented(persona: 'A小姐' | 'B爺爺' = 'A小姐') {
    const flow = await completeFlow(platform, config, { consent: ONGOING, persona });
    const res = await ping(platform, config, flow.tokens.access_token, flow.dpop);
    const { consent_id } = (await res.json()) as { consent_id: string };
    return { ...flow, consentId: consent_id };
  }

  const revoke = (browser: TestBrowser, id: string, csrf = browser.lastCsrf ?? '') =>
    browser.request(`${platform.url}/api/consents/${id}/revoke`, { method: 'POST', form: csrf ? { _csrf: csrf } : {} });

  it('the citizen revokes: access and refresh tokens fail at once', async () => {
    const { tokens, dpop, browser, consentId } = await consented();
    const res = await revoke(browser, consentId);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: consentId, status: 'revoked' });

    await expect(ping(platform, config, tokens.access_token, dpop)).rejects.toMatchObject({ status: 401 });
    await expect(
      client.refreshTokenGrant(config, tokens.refresh_token as string, undefined, { DPoP: dpop }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const consent = await findConsent(platform.db, consentId);
    expect(consent?.status).toBe('revoked');
    expect(consent?.revokedAt).toBeGreaterThan(0);
  });

  it('requires the citizen to be signed in', async () => {
    const { consentId } = await consented();
    // A browser with a valid CSRF cookie and token (from a sign-in page) but nobody signed in.
    const signedOut = new TestBrowser();
    const page = await signedOut.request(`${platform.url}/signin/Xk3vQ9tZpL2mN8rB4wYc1`);
    const res = await revoke(signedOut, consentId, csrfIn(await page.text()));
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('請先登入');
    expect((await findConsent(platform.db, consentId))?.status).toBe('active');
  });

  it('refuses another citizen, as if the consent did not exist', async () => {
    const mine = await consented('A小姐');
    const theirs = await consented('B爺爺');
    const res = await revoke(theirs.browser, mine.consentId);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('找不到這筆同意紀錄');
    expect((await ping(platform, config, mine.tokens.access_token, mine.dpop)).status).toBe(200);
  });

  it('refuses a request without the CSRF token', async () => {
    const { consentId, browser, tokens, dpop } = await consented();
    const res = await revoke(browser, consentId, '');
    expect(res.status).toBe(403);
    expect((await ping(platform, config, tokens.access_token, dpop)).status).toBe(200);
  });

  it('the app revokes its refresh token (RFC 7009): the grant and the consent end', async () => {
    const { tokens, dpop, consentId } = await consented();
    await client.tokenRevocation(config, tokens.refresh_token as string);
    await expect(ping(platform, config, tokens.access_token, dpop)).rejects.toMatchObject({ status: 401 });
    await expect.poll(async () => (await findConsent(platform.db, consentId))?.status).toBe('revoked');
  });

  it('revokeConsent is idempotent and reports unknown consents', async () => {
    const { consentId, tokens, dpop } = await consented();
    expect(await revokeConsent(platform.db, consentId, systemClock)).toBe(true);
    const first = (await findConsent(platform.db, consentId))?.revokedAt;
    expect(await revokeConsent(platform.db, consentId, systemClock)).toBe(true);
    expect((await findConsent(platform.db, consentId))?.revokedAt).toBe(first);
    expect(await revokeConsent(platform.db, 'cns_nope', systemClock)).toBe(false);
    await expect(ping(platform, config, tokens.access_token, dpop)).rejects.toMatchObject({ status: 401 });
  });
});
