/**
 * Production that really runs: the built `healthbank start` with NODE_ENV=production on
 * PostgreSQL, behind a TLS-terminating proxy with a certificate made at test time, secrets from
 * `healthbank keys generate`, one-time codes through a real SMTP server (STARTTLS), sign-in in
 * Chromium by e-mail code and through an upstream OpenID provider, a consent, an export the SDK
 * opens, and the citizen portal (history, deletion request, revocation). Nothing of the sandbox is
 * reachable. Runs where PostgreSQL is (CI always).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CitizenRecords } from '@healthbank/records';
import { generateExportKey, openExportFile } from '@healthbank/sdk';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerApp } from '../packages/server/src/auth/clients/apps.js';
import { registerOrganisation } from '../packages/server/src/auth/clients/organisations.js';
import { startSmtpServer, type TestSmtpServer } from '../packages/server/src/auth/signin/codes/testing-channels.js';
import { upstreamRedirectUri } from '../packages/server/src/auth/signin/upstream/index.js';
import {
  startTestUpstream,
  TEST_UPSTREAM_NAME,
  type TestUpstream,
} from '../packages/server/src/auth/signin/upstream/testing.js';
import { freePort, TEST_REDIRECT_URI } from '../packages/server/src/auth/testing.js';
import { dpopProof } from '../packages/server/src/auth/testing-client.js';
import { fixturePopulation } from '../packages/server/src/db/fixtures.js';
import { seedPopulation, setCitizenContacts } from '../packages/server/src/db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../packages/server/src/db/testing.js';
import {
  fetchTrusting,
  startTlsProxy,
  type ThrowawayCertificate,
  TLS_PROXY_ADDRESS,
  type TlsProxy,
  throwawayCertificate,
} from '../packages/server/src/security/testing-tls.js';
import { developmentWebhookSigningKeys } from '../packages/server/src/webhooks/index.js';
import { catchRedirect } from './support/app-redirect.js';
import { launchBrowser, saveScreenshot, seriousAccessibilityViolations } from './support/browser.js';
import { HEALTHBANK_BIN, waitForLine } from './support/process.js';

const postgres = testDatabases().find((target) => target.dialect === 'postgres');
const APP = 'production-app';
const CITIZEN_EMAIL = 'citizen@example.tw';
/** Low enough to see the per-address limit through the proxy, high enough for the journeys. */
const OAUTH_RATE_LIMIT = 12;

/** Reads `NAME='value'` lines, as `healthbank keys generate` prints them. */
function envFile(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .map((line) => /^([A-Z_]+)='(.*)'$/.exec(line))
      .flatMap((m) => (m?.[1] && m[2] !== undefined ? [[m[1], m[2]]] : [])),
  );
}

describe.skipIf(!postgres)('production behind TLS on PostgreSQL', () => {
  let dir: string;
  let certificate: ThrowawayCertificate;
  let t: TestDatabase;
  let smtp: TestSmtpServer;
  let upstream: TestUpstream;
  let proxy: TlsProxy;
  let server: ChildProcess;
  let serverOutput = '';
  let browser: Browser;
  let fetchTls: typeof fetch;
  let citizen: CitizenRecords['citizen'];
  /** Another citizen, who signs in through the upstream identity provider. */
  let federated: CitizenRecords['citizen'];

  beforeAll(async () => {
    if (!postgres) return;
    dir = mkdtempSync(join(tmpdir(), 'healthbank-production-'));
    certificate = await throwawayCertificate();
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, certificate.cert);
    fetchTls = fetchTrusting(certificate.cert);

    // The database as NHI's data load leaves it: citizens, their records and contacts; one
    // reviewed app. The platform itself seeds nothing in production.
    t = await createTestDatabase(postgres, { prefix: 'healthbank_production' });
    const population = [...fixturePopulation({ citizens: 7, recordsPerCitizen: 40 })];
    await seedPopulation(t.db, population, { synthetic: false });
    const [first, second] = population.filter((p) => !p.citizen.persona);
    if (!first || !second) throw new Error('no citizens');
    citizen = first.citizen;
    federated = second.citizen;
    const stored = await t.db.kysely
      .selectFrom('citizens')
      .select('id')
      .where('national_id', '=', citizen.nationalId)
      .executeTakeFirstOrThrow();
    await setCitizenContacts(t.db, stored.id, { email: CITIZEN_EMAIL });
    const org = await registerOrganisation(t.db, {
      type: 'company',
      name: '正式環境測試股份有限公司',
      identifier: '24502181',
    });
    await registerApp(t.db, {
      clientId: APP,
      organisationId: org.id,
      name: { 'zh-TW': '正式環境測試 App', en: 'Production test app' },
      purpose: { 'zh-TW': '驗證正式環境的授權與下載。', en: 'To prove consent and export in production.' },
      privacyPolicyUrl: 'https://app.example.test/privacy',
      supportContact: 'help@app.example.test',
      redirectUris: [TEST_REDIRECT_URI],
      clientType: 'public',
      categories: ['lab', 'outpatient'],
      environment: 'production',
    });

    smtp = await startSmtpServer({ tls: certificate });
    const port = await freePort();
    proxy = await startTlsProxy(`http://127.0.0.1:${port}`, certificate);
    // The upstream identity provider, also over TLS, which knows the platform by its public URL.
    upstream = await startTestUpstream({
      redirectUris: [upstreamRedirectUri(proxy.url)],
      tls: certificate,
      hostname: 'localhost',
    });
    upstream.nextLogin({ nationalId: federated.nationalId });
    const secrets = envFile(execFileSync(process.execPath, [HEALTHBANK_BIN, 'keys', 'generate'], { encoding: 'utf8' }));
    const { NODE_ENV: _inherited, ...parent } = process.env;
    server = spawn(process.execPath, [HEALTHBANK_BIN, 'start'], {
      env: {
        ...parent,
        ...secrets,
        NODE_ENV: 'production',
        DATABASE_URL: t.url,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: proxy.url,
        TRUSTED_PROXIES: TLS_PROXY_ADDRESS,
        // STARTTLS is required in production; the relay's certificate chains to the test CA.
        SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        SMTP_FROM: '健康存摺 <no-reply@localhost>',
        NODE_EXTRA_CA_CERTS: caFile,
        HEALTHBANK_OAUTH_RATE_LIMIT: String(OAUTH_RATE_LIMIT),
        // This machine also runs the browser and other test workers: a loop delayed by them is not
        // the overload production's 100 ms sheds for (bench/load.ts measures that on its own).
        HEALTHBANK_MAX_EVENT_LOOP_DELAY_MS: '1000',
        UPSTREAM_OIDC_ISSUER: upstream.issuer,
        UPSTREAM_OIDC_CLIENT_ID: upstream.settings.clientId,
        UPSTREAM_OIDC_JWKS: JSON.stringify(upstream.settings.jwks),
        UPSTREAM_OIDC_NAME: TEST_UPSTREAM_NAME['zh-TW'],
        UPSTREAM_OIDC_NAME_EN: TEST_UPSTREAM_NAME.en,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (c: Buffer) => {
      serverOutput += c.toString();
    });
    server.stderr?.on('data', (c: Buffer) => {
      serverOutput += c.toString();
    });
    await waitForLine(server, /Platform {3}https:\/\/localhost:\d+\//, 60_000);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    await proxy?.close();
    await upstream?.close();
    await smtp?.close();
    await t?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A browser context for the app's user: the throwaway certificate accepted, the redirect caught. */
  async function appContext(): Promise<{ context: BrowserContext; callback: Promise<URL> }> {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'zh-TW' });
    return { context, ...(await catchRedirect(context, TEST_REDIRECT_URI)) };
  }

  /** What the app does: discovery, PAR with PKCE, a DPoP key and an export key. */
  async function startAuthorization() {
    const config = await client.discovery(new URL(proxy.url), APP, undefined, client.None(), {
      [client.customFetch]: (url, options) => fetchTls(url, options as RequestInit),
    });
    const keys = await client.randomDPoPKeyPair('ES256');
    const dpop = client.getDPoPHandle(config, keys);
    const exportKey = await generateExportKey();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = await client.buildAuthorizationUrlWithPAR(
      config,
      {
        redirect_uri: TEST_REDIRECT_URI,
        scope: 'records.lab records.outpatient',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        export_key_jkt: exportKey.thumbprint,
      },
      { DPoP: dpop },
    );
    return { config, keys, dpop, exportKey, verifier, state, url };
  }

  /** The consent page: read the notices, keep the categories, all of the history, once. */
  async function agree(page: Page) {
    await page.waitForURL(/\/consent\//);
    await page.check('#acknowledge');
    await page.check('#period-all');
    await page.check('#duration-once');
    await page.click('button[value="agree"]');
  }

  /** Code exchange, ticket, file, and the SDK opening it: the records the citizen has. */
  async function exportWith(flow: Awaited<ReturnType<typeof startAuthorization>>, callback: URL) {
    expect(callback.searchParams.get('iss')).toBe(proxy.url);
    const tokens = await client.authorizationCodeGrant(
      flow.config,
      callback,
      { pkceCodeVerifier: flow.verifier, expectedState: flow.state },
      undefined,
      { DPoP: flow.dpop },
    );
    const ticketResponse = await client.fetchProtectedResource(
      flow.config,
      tokens.access_token,
      new URL('/api/export/tickets', proxy.url),
      'POST',
      JSON.stringify({ export_key: flow.exportKey.publicJwk }),
      new Headers({ 'content-type': 'application/json' }),
      { DPoP: flow.dpop },
    );
    expect(ticketResponse.status).toBe(201);
    const { ticket } = (await ticketResponse.json()) as { ticket: string };
    const fileUrl = `${proxy.url}/api/export/files/${ticket}`;
    const file = await fetchTls(fileUrl, {
      headers: { dpop: await dpopProof(flow.keys, { htm: 'GET', htu: fileUrl }) },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get('strict-transport-security')).toContain('max-age=');
    const jwks = await (await fetchTls(`${proxy.url}/.well-known/export-jwks.json`)).json();
    return openExportFile(await file.text(), {
      decryptionKey: flow.exportKey.privateKey,
      jwks,
      issuer: proxy.url,
      audience: APP,
      recipientKeyThumbprint: flow.exportKey.thumbprint,
    });
  }

  it('signs in by a code sent over SMTP, consents, and the SDK opens the signed, encrypted export', async () => {
    const flow = await startAuthorization();
    const { context, callback } = await appContext();
    const page = await context.newPage();
    await page.goto(flow.url.href);
    expect(new URL(page.url()).pathname).toMatch(/^\/signin\//);
    // No persona picker in production: the sign-in page offers real methods only.
    expect(await page.locator('form[action$="/persona"]').count()).toBe(0);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    const [year, month, day] = citizen.birthDate.split('-') as [string, string, string];
    await page.getByLabel(/身分證字號/).fill(citizen.nationalId);
    await page.getByLabel(/健保卡號/).fill(citizen.nhiCardNumber);
    await page.getByLabel(/^年$/).fill(String(Number(year) - 1911));
    await page.getByLabel(/^月$/).fill(month);
    await page.getByLabel(/^日$/).fill(day);
    await page.getByRole('button', { name: /傳送驗證碼/ }).click();
    await page.waitForURL(/\/code\?c=/);
    // The code is nowhere on the page: it went by e-mail, over TLS, to the stored address.
    expect(await page.getByTestId('sandbox-code').count()).toBe(0);
    const mail = await smtp.mail.next();
    expect(mail.envelope.to).toEqual([CITIZEN_EMAIL]);
    expect(mail.secure).toBe(true);
    expect(mail.text).not.toContain(citizen.nationalId);
    const code = /\b(\d{6})\b/.exec(mail.text)?.[1] ?? '';
    await page.getByLabel(/驗證碼/).fill(code);
    await saveScreenshot(page, 'production-1-code');
    await page.getByRole('button', { name: /^登入$/ }).click();
    await page.waitForURL(/\/passkey-offer$/);
    await page.getByRole('button', { name: /繼續/ }).click();
    await agree(page);
    const back = await callback;

    const opened = await exportWith(flow, back);
    const records = (opened.content as { records: Record<string, unknown[]> }).records;
    expect(Object.keys(records).sort()).toEqual(['lab', 'outpatient']);
    expect(records.lab?.length).toBeGreaterThan(0);

    // The citizen portal, behind the same TLS: her provision is listed, she revokes it and asks
    // for deletion (delivery waits: the app registered no webhook, and production sends only to
    // public https endpoints).
    // In a tab of its own: the app's tab may still be settling on the app's address, which has no
    // server in this test, and a late error page there must not cut a navigation short.
    const portal = await context.newPage();
    await portal.goto(`${proxy.url}/me/history`);
    expect(new URL(portal.url()).pathname).toBe('/me/history');
    const row = portal.locator(`tr[data-export="${opened.claims.jti}"]`);
    await expect(row.textContent()).resolves.toContain(opened.claims.content_digest);
    expect(await seriousAccessibilityViolations(portal)).toEqual([]);
    const consentId = opened.claims.consent_id;
    await portal.goto(`${proxy.url}/me/consents/${consentId}/deletion`);
    await Promise.all([portal.waitForURL(/done=deletion/), portal.click('form.confirm button[type="submit"]')]);
    await portal.goto(`${proxy.url}/me/consents/${consentId}/revoke`);
    await Promise.all([portal.waitForURL(/done=revoked/), portal.click('form.confirm button[type="submit"]')]);
    await expect(portal.textContent('[data-testid="consent-status"]')).resolves.toBe('已取消');
    await saveScreenshot(portal, 'production-3-portal-revoked');
    // The webhook keys are the generated ones, never the published development key.
    const webhookKeys = (await (await fetchTls(`${proxy.url}/.well-known/webhooks-jwks.json`)).json()) as {
      keys: { kid: string; d?: string }[];
    };
    const developmentKid = developmentWebhookSigningKeys().keys[0]?.kid;
    expect(webhookKeys.keys.length).toBeGreaterThan(0);
    for (const key of webhookKeys.keys) {
      expect(key.kid).not.toBe(developmentKid);
      expect(key.d).toBeUndefined();
    }

    // Cookies set over the proxy's TLS are Secure and HttpOnly (ASVS V3.4.1–2).
    const cookies = await context.cookies(proxy.url);
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) expect(cookie, cookie.name).toMatchObject({ secure: true, httpOnly: true });
    await context.close();
  });

  it('signs in through the upstream identity provider over TLS, consents, and the SDK opens the export', async () => {
    const flow = await startAuthorization();
    const { context, callback } = await appContext();
    const page = await context.newPage();
    await page.goto(flow.url.href);
    await Promise.all([
      page.waitForURL(`${upstream.issuer}/interaction/**`),
      page.getByRole('button', { name: `以${TEST_UPSTREAM_NAME['zh-TW']}登入` }).click(),
    ]);
    await saveScreenshot(page, 'production-2-upstream');
    await Promise.all([
      page.waitForURL(`${proxy.url}/consent/**`),
      page.getByRole('button', { name: 'Confirm my identity' }).click(),
    ]);
    // The provider asked as the platform's registered client, with PKCE and a nonce.
    const asked = upstream.requests.at(-1)?.params ?? {};
    expect(asked).toMatchObject({ code_challenge_method: 'S256', redirect_uri: upstreamRedirectUri(proxy.url) });
    expect(asked.nonce).toBeTruthy();
    await agree(page);
    const opened = await exportWith(flow, await callback);
    expect(opened.claims.categories).toEqual(['lab', 'outpatient']);
    // The file is the federated citizen's: the export claims and the consent name the same person.
    const consent = await t.db.kysely
      .withTables<{ consents: { id: string; citizen_id: number } }>()
      .selectFrom('consents')
      .innerJoin('citizens', 'citizens.id', 'consents.citizen_id')
      .select('citizens.national_id')
      .where('consents.id', '=', opened.claims.consent_id)
      .executeTakeFirstOrThrow();
    expect(consent.national_id).toBe(federated.nationalId);
    await context.close();
  });

  it('reaches no sandbox shortcut: no persona route, no example app, nothing seeded', async () => {
    expect(serverOutput).not.toContain('seeding');
    expect(serverOutput).not.toContain('Personas');
    expect((await fetchTls(`${proxy.url}/examples/diabetes-diary/`)).status).toBe(404);
    const persona = await fetchTls(`${proxy.url}/signin/abcdefghijklmnopqrstu/persona`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `nationalId=${citizen.nationalId}`,
    });
    expect(persona.status).toBe(404);
    const apps = await t.db.kysely
      .withTables<{ apps: { client_id: string } }>()
      .selectFrom('apps')
      .select('client_id')
      .execute();
    expect(apps.map((a) => a.client_id)).toEqual([APP]);
    const discovery = (await (await fetchTls(`${proxy.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    for (const [name, value] of Object.entries(discovery)) {
      if (typeof value === 'string' && /^https?:/.test(value))
        expect(value, name).toMatch(/^https:\/\/localhost:\d+(\/|$)/);
    }
  });

  it('a rotating X-Forwarded-For sent through the proxy does not escape the per-address limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < OAUTH_RATE_LIMIT + 4; i++) {
      const res = await fetchTls(`${proxy.url}/oauth/par`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `198.51.100.${i + 1}` },
        body: 'client_id=nobody',
      });
      statuses.push(res.status);
    }
    expect(statuses.at(-1)).toBe(429);
  });
});
