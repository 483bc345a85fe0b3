/**
 * Stateless servers, proven: two real `healthbank start` processes over ONE database, behind one
 * origin per realm (a test load balancer that lets the test pick the process for each request, as
 * a real one picks freely). A consent starts on one process and ends on the other, a one-time code
 * issued by one is shown by the other, tickets and files cross between them, a revocation on one is
 * honoured by the other on the very next request, and the staff per-address lockout counts the
 * attempts made on both. SQLite (one file shared by two processes) always; PostgreSQL when
 * HEALTHBANK_TEST_POSTGRES_URL names a server (CI). See docs/scaling.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { configure, isSdkError, MemoryStore } from '@healthbank/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOrganisation } from '../packages/server/src/auth/clients/organisations.js';
import { registerSandboxApps } from '../packages/server/src/auth/clients/sandbox.js';
import {
  AGREE,
  authorizeInBrowser,
  csrfIn,
  freePort,
  registerTestApp,
  TEST_REDIRECT_URI,
  TestBrowser,
} from '../packages/server/src/auth/testing.js';
import { client, pushAuthorization } from '../packages/server/src/auth/testing-client.js';
import { exportKeyThumbprint, fetchFile } from '../packages/server/src/citizen/testing.js';
import { fixturePopulation } from '../packages/server/src/db/fixtures.js';
import { findCitizenByNationalId, listPersonas, seedPopulation } from '../packages/server/src/db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../packages/server/src/db/testing.js';
import { addReviewer } from '../packages/server/src/review/reviewers.js';
import { type Balancer, startBalancer } from './support/balancer.js';
import { HEALTHBANK_BIN, waitForLine } from './support/process.js';

const APP = 'two-servers-app';
const REVIEWER = 'lin@nhi.example.tw';
/** The staff per-address bound and its window (auth/staff/codes.ts: 30 attempts per 15 minutes). */
const STAFF_ATTEMPTS = 30;
const STAFF_WINDOW_MS = 15 * 60_000;

describe.each(testDatabases())('two server processes over one $label database', (target) => {
  let t: TestDatabase;
  let production: Balancer;
  let sandbox: Balancer;
  const children: ChildProcess[] = [];

  /** `healthbank start` as one of the two processes, on its own ports, behind the balancers. */
  const start = async (ports: { production: number; sandbox: number }) => {
    const { NODE_ENV: _inherited, ...parent } = process.env;
    const child = spawn(process.execPath, [HEALTHBANK_BIN, 'start'], {
      env: {
        ...parent,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        DATABASE_URL: t.url,
        PORT: String(ports.production),
        SANDBOX_PORT: String(ports.sandbox),
        // Both processes are the one platform: the issuers are the balancers' origins.
        PUBLIC_URL: production.url,
        SANDBOX_PUBLIC_URL: sandbox.url,
        HEALTHBANK_SANDBOX_CITIZENS: '0',
        HEALTHBANK_WORKERS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    await waitForLine(child, /Press Ctrl\+C to stop\./, 45_000);
  };

  beforeAll(async () => {
    t = await createTestDatabase(target);
    await seedPopulation(t.db, fixturePopulation({ citizens: 2, recordsPerCitizen: 24 }));
    const a = { production: await freePort(), sandbox: await freePort() };
    const b = { production: await freePort(), sandbox: await freePort() };
    production = await startBalancer({ a: a.production, b: b.production });
    sandbox = await startBalancer({ a: a.sandbox, b: b.sandbox });
    // What each start registers when it finds it missing, done once before both start at once.
    await registerSandboxApps(t.db, { publicUrl: sandbox.url });
    const org = await registerOrganisation(t.db, {
      type: 'company',
      name: '雙程序測試股份有限公司',
      identifier: '24502181',
    });
    await registerTestApp({ db: t.db, organisationId: org.id }, { clientId: APP, clientType: 'public' });
    await addReviewer(t.db, { email: REVIEWER, name: '林審查', role: 'reviewer' });
    await Promise.all([start(a), start(b)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }),
    );
    await production?.close();
    await sandbox?.close();
    await t?.dispose();
  });

  /** Which process answered each request to `path` (a prefix) since `from`. */
  const answered = (balancer: Balancer, from: number, method: string, path: string) =>
    balancer.served
      .slice(from)
      .filter((s) => s.method === method && s.path.startsWith(path))
      .map((s) => s.backend);

  it('a consent starts on one and ends on the other; its ticket and file cross; revoked on one, refused by the other', async () => {
    const from = sandbox.served.length;
    const hb = configure({
      issuer: sandbox.url,
      clientId: APP,
      redirectUri: TEST_REDIRECT_URI,
      store: new MemoryStore(),
    });

    // On A: discovery, the pushed authorization request, the authorization request, the sign-in
    // page, and the NHI card details, for which A issues a one-time code.
    sandbox.route = () => 'a';
    const { authorizationUrl } = await hb.start({ categories: ['lab', 'outpatient'], navigate: false });
    const browser = new TestBrowser();
    const signin = await browser.follow(authorizationUrl, TEST_REDIRECT_URI);
    const uid = /\/signin\/([^/?]+)$/.exec(new URL(signin.url).pathname)?.[1] ?? '';
    expect(uid).not.toBe('');
    const persona = (await listPersonas(t.db)).find((p) => p.persona === 'A小姐');
    const citizen = await findCitizenByNationalId(t.db, persona?.nationalId ?? '');
    const [year, month, day] = (citizen?.birthDate ?? '').split('-');
    const sent = await browser.request(`${sandbox.url}/signin/${uid}/nhi`, {
      form: {
        _csrf: csrfIn(signin.html ?? ''),
        nationalId: citizen?.nationalId ?? '',
        cardNumber: citizen?.nhiCardNumber ?? '',
        birthYear: year ?? '',
        birthMonth: month ?? '',
        birthDay: day ?? '',
      },
    });
    expect(sent.status).toBe(303);

    // On B: the code page shows the code A issued (kept in the database, not in A's memory); the
    // code, the passkey offer, the consent and the code exchange; then the ticket on A and the file on B.
    sandbox.route = () => 'b';
    const codePage = await browser.request(new URL(sent.headers.get('location') ?? '', sandbox.url).href);
    const codeHtml = await codePage.text();
    const code = /data-testid="sandbox-code">(\d{6})</.exec(codeHtml)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const challenge = /name="c" value="([^"]+)"/.exec(codeHtml)?.[1] ?? '';
    const signedIn = await browser.request(`${sandbox.url}/signin/${uid}/code`, {
      form: { _csrf: csrfIn(codeHtml), c: challenge, code: code ?? '' },
    });
    expect(signedIn.headers.get('location')).toBe(`/signin/${uid}/passkey-offer`);
    const offer = await (await browser.request(`${sandbox.url}/signin/${uid}/passkey-offer`)).text();
    const resumed = await browser.request(`${sandbox.url}/signin/${uid}/continue`, { form: { _csrf: csrfIn(offer) } });
    const { callback } = await authorizeInBrowser(
      {},
      new URL(resumed.headers.get('location') ?? '', sandbox.url).href,
      { browser, consent: AGREE },
    );
    if (!callback) throw new Error('the consent did not come back to the app');
    sandbox.route = (_method, path) => (path === '/api/export/tickets' ? 'a' : 'b');
    const ticket = await hb.handleRedirect(callback);
    const data = await hb.fetchData(ticket);
    expect(data.claims.consent_id).toBe(ticket.consentId);
    expect(Object.keys(data.records).sort()).toEqual(['lab', 'outpatient']);

    expect(answered(sandbox, from, 'POST', '/oauth/par')).toEqual(['a']);
    expect(answered(sandbox, from, 'GET', '/oauth/authorize')[0]).toBe('a');
    expect(answered(sandbox, from, 'POST', `/signin/${uid}/nhi`)).toEqual(['a']);
    expect(answered(sandbox, from, 'GET', `/signin/${uid}/code`)).toEqual(['b']);
    expect(answered(sandbox, from, 'POST', '/consent/')).toEqual(['b']);
    expect(answered(sandbox, from, 'POST', '/oauth/token')).toEqual(['b']);
    expect(answered(sandbox, from, 'POST', '/api/export/tickets')).toEqual(['a']);
    expect(answered(sandbox, from, 'GET', '/api/export/files/')).toEqual(['b']);

    // The app revokes on A; the very next file request, on B, is refused.
    sandbox.route = () => 'a';
    await hb.revoke();
    sandbox.route = () => 'b';
    const refused = await hb.fetchData(ticket).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isSdkError(refused, 'revoked')).toBe(true);
    expect(answered(sandbox, from, 'POST', '/api/export/revoke')).toEqual(['a']);
    expect(answered(sandbox, from, 'GET', '/api/export/files/')).toEqual(['b', 'b']);
  });

  it('and the other way round: ticket on B, file on A; the citizen revokes on B, and A refuses the token at once', async () => {
    const from = sandbox.served.length;
    sandbox.route = () => 'b';
    const config = await client.discovery(new URL(sandbox.url), APP, undefined, client.None(), {
      execute: [client.allowInsecureRequests],
    });
    const keys = await client.randomDPoPKeyPair('ES256');
    const dpop = client.getDPoPHandle(config, keys);
    const exportKey = await exportKeyThumbprint();
    const started = await pushAuthorization(config, dpop, { export_key_jkt: exportKey.thumbprint });
    const browser = new TestBrowser();
    const opened = await browser.request(started.url.href);
    expect(opened.status).toBe(303);

    sandbox.route = () => 'a';
    const { callback } = await authorizeInBrowser(
      { db: t.db },
      new URL(opened.headers.get('location') ?? '', sandbox.url).href,
      { browser, persona: 'B爺爺', consent: { acknowledge: 'yes', period: 'all', duration: '3' } },
    );
    if (!callback) throw new Error('the consent did not come back to the app');
    const tokens = await client.authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: started.verifier, expectedState: started.state },
      undefined,
      { DPoP: dpop },
    );

    sandbox.route = () => 'b';
    const issued = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL('/api/export/tickets', sandbox.url),
      'POST',
      JSON.stringify({ export_key: exportKey.publicJwk }),
      new Headers({ 'content-type': 'application/json' }),
      { DPoP: dpop },
    );
    expect(issued.status).toBe(201);
    const { ticket, consent_id: consentId } = (await issued.json()) as { ticket: string; consent_id: string };
    sandbox.route = () => 'a';
    expect((await fetchFile(sandbox, ticket, keys)).status).toBe(200);

    // The citizen revokes on B, in the session signed in on A.
    sandbox.route = () => 'b';
    const revoked = await browser.request(`${sandbox.url}/api/consents/${consentId}/revoke`, {
      method: 'POST',
      form: { _csrf: browser.lastCsrf ?? '' },
    });
    expect(revoked.status).toBe(200);

    // A refuses the next use of each credential: the access token, the refresh token, the ticket.
    sandbox.route = () => 'a';
    await expect(
      client.fetchProtectedResource(
        config,
        tokens.access_token,
        new URL('/api/export/ping', sandbox.url),
        'GET',
        undefined,
        undefined,
        { DPoP: dpop },
      ),
    ).rejects.toMatchObject({ status: 401 });
    await expect(
      client.refreshTokenGrant(config, tokens.refresh_token as string, undefined, { DPoP: dpop }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const file = await fetchFile(sandbox, ticket, keys);
    expect(((await file.json()) as { code: string }).code).toBe('consent_revoked');

    expect(answered(sandbox, from, 'POST', '/oauth/par')).toEqual(['b']);
    expect(answered(sandbox, from, 'POST', '/oauth/token')).toEqual(['a', 'a']);
    expect(answered(sandbox, from, 'POST', '/api/export/tickets')).toEqual(['b']);
    expect(answered(sandbox, from, 'GET', '/api/export/files/')).toEqual(['a', 'a']);
    expect(answered(sandbox, from, 'POST', `/api/consents/${consentId}/revoke`)).toEqual(['b']);
  });

  it('shares the staff per-address lockout and the shown sign-in code between the processes', async () => {
    // The bound counts in fixed windows: start well inside one, so the count is not reset midway.
    const left = STAFF_WINDOW_MS - (Date.now() % STAFF_WINDOW_MS);
    if (left < 10_000) await new Promise((r) => setTimeout(r, left + 100));
    const from = production.served.length;
    const staff = new TestBrowser();
    production.route = () => 'a';
    const page = await staff.request(`${production.url}/review/signin`);
    const csrf = csrfIn(await page.text());
    const sent = await staff.request(`${production.url}/review/signin`, { form: { _csrf: csrf, email: REVIEWER } });
    expect(sent.status).toBe(303);

    // B shows the code A sent (outside production codes are shown) and accepts it.
    production.route = () => 'b';
    const codeHtml = await (
      await staff.request(new URL(sent.headers.get('location') ?? '', production.url).href)
    ).text();
    const code = /class="sandbox-code">[^<]*?(\d{6})/.exec(codeHtml)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const challenge = /name="challenge" value="([^"]+)"/.exec(codeHtml)?.[1] ?? '';
    const signedIn = await staff.request(`${production.url}/review/signin/code`, {
      form: { _csrf: csrfIn(codeHtml), challenge, code: code ?? '' },
    });
    // Reviewers need a passkey: a code only opens its enrolment.
    expect(signedIn.headers.get('location')).toBe('/review/passkey');

    // The remaining attempts of the window, alternately on A and B, are all answered...
    let turn = 0;
    production.route = () => (turn++ % 2 === 0 ? 'a' : 'b');
    const attempt = () =>
      staff.request(`${production.url}/review/signin`, {
        form: { _csrf: csrf, email: `nobody-${randomBytes(4).toString('hex')}@example.tw` },
      });
    for (let i = 2; i < STAFF_ATTEMPTS; i++) expect((await attempt()).status).toBe(303);
    // ...and the next is refused by both: neither process counted only its own half.
    const refusals = [await attempt(), await attempt()];
    expect(refusals.map((r) => r.status)).toEqual([429, 429]);
    expect(Number(refusals[0]?.headers.get('retry-after'))).toBeGreaterThan(0);
    const posts = answered(production, from, 'POST', '/review/signin');
    expect(posts).toHaveLength(STAFF_ATTEMPTS + 2);
    expect(new Set(posts.slice(-2))).toEqual(new Set(['a', 'b']));
    expect(posts.filter((p) => p === 'a').length).toBeGreaterThanOrEqual(STAFF_ATTEMPTS / 2);
  });
});
