/**
 * Sign-in through an upstream OpenID Connect provider, against a real second oidc-provider on
 * loopback: a whole authorization for a persona, then one test per attack on the way back. Every
 * refusal is a page in the citizen's language that signs nobody in and leaves the interaction as
 * it was.
 */
import { makeNationalId, maskNationalId } from '@healthbank/records';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../clock.js';
import { type Config, loadConfig } from '../../../config/config.js';
import { fixturePopulation } from '../../../db/fixtures.js';
import { findCitizenByNationalId, listPersonas, seedPopulation } from '../../../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../../../db/testing.js';
import { throwawayCertificate } from '../../../security/testing-tls.js';
import { authKysely } from '../../tables.js';
import {
  authorizeInBrowser,
  freePort,
  registerTestApp,
  startTestPlatform,
  TEST_REDIRECT_URI,
  TestBrowser,
  type TestPlatform,
} from '../../testing.js';
import { client, discoverClient, pushAuthorization } from '../../testing-client.js';
import { deriveSigninKeys } from '../keys.js';
import { purgeSigninState } from '../purge.js';
import { buildSigninTestApp, type SigninTestApp, TEST_UID } from '../testing.js';
import { UPSTREAM_FALLBACK_AMR } from './claims.js';
import { UPSTREAM_CALLBACK_PATH, upstreamRedirectUri } from './client.js';
import { UPSTREAM_STATE_TTL_MS } from './limits.js';
import { upstreamStateDigest } from './states.js';
import { upstreamKysely } from './tables.js';
import { signInThroughUpstream, startTestUpstream, type TestUpstream } from './testing.js';

describe.each(testDatabases())('sign-in through an upstream provider on $label', (target) => {
  const clock = new ManualClock(Date.now());
  let upstream: TestUpstream;
  let platform: TestPlatform;
  let app: client.Configuration;
  let persona: { nationalId: string; citizenId: number };
  let callbackUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    callbackUrl = upstreamRedirectUri(`http://127.0.0.1:${port}`);
    upstream = await startTestUpstream({ redirectUris: [callbackUrl] });
    platform = await startTestPlatform(target, { port, clock, upstreamOidc: upstream.settings });
    await registerTestApp(platform, { clientId: 'upstream-app', clientType: 'public' });
    app = await discoverClient(platform, 'upstream-app');
    const nationalId = (await listPersonas(platform.db)).find((p) => p.persona === 'A小姐')?.nationalId ?? '';
    const row = await platform.db.kysely
      .selectFrom('citizens')
      .select('id')
      .where('national_id', '=', nationalId)
      .executeTakeFirstOrThrow();
    persona = { nationalId, citizenId: row.id };
  });
  afterAll(async () => {
    await platform?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    clock.set(Date.now());
    upstream.misbehave(undefined);
    upstream.nextLogin({ nationalId: persona.nationalId });
  });

  /** An app's authorization up to the platform's sign-in page, in a fresh browser. */
  async function toSigninPage(opts: { scope?: string; browser?: TestBrowser } = {}) {
    const dpop = client.getDPoPHandle(app, await client.randomDPoPKeyPair('ES256'));
    const started = await pushAuthorization(app, dpop, opts.scope ? { scope: opts.scope } : {});
    const browser = opts.browser ?? new TestBrowser();
    const signin = await browser.follow(started.url.href, TEST_REDIRECT_URI);
    expect(new URL(signin.url).pathname).toMatch(/^\/signin\/[A-Za-z0-9_-]+$/);
    return { browser, signin, started, dpop };
  }

  /** Through the provider's login, stopping where the provider sends the browser back. */
  async function toCallback(opts: { browser?: TestBrowser; cancel?: boolean } = {}) {
    const flow = await toSigninPage(opts);
    const back = await signInThroughUpstream(flow.browser, flow.signin, callbackUrl, { cancel: opts.cancel });
    if (!back.redirectedTo) throw new Error(`stopped at ${back.url} (${back.response?.status})`);
    return { ...flow, callback: back.redirectedTo, uid: new URL(flow.signin.url).pathname.split('/')[2] ?? '' };
  }

  /** Opens the callback in `browser` and returns the page it answers with. */
  async function answer(browser: TestBrowser, url: string) {
    const response = await browser.request(url);
    return { status: response.status, location: response.headers.get('location'), html: await response.text() };
  }

  async function consents(): Promise<number> {
    const row = await authKysely(platform.db)
      .selectFrom('consents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('signs a persona in, reaches the consent page, and the app gets its code', async () => {
    const flow = await toSigninPage();
    expect(flow.signin.html).toContain('以測試數位身分登入');
    expect(flow.signin.html).toMatch(/<form method="post" action="\/signin\/[A-Za-z0-9_-]+\/upstream">/);
    // The form's redirect goes to the provider: form-action allows its origin, and no other.
    const csp = flow.signin.response?.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`form-action 'self' ${upstream.issuer}`);

    const atConsent = await signInThroughUpstream(flow.browser, flow.signin, TEST_REDIRECT_URI);
    expect(new URL(atConsent.url).pathname).toMatch(/^\/consent\//);
    expect(atConsent.response?.status).toBe(200);

    // The request the provider saw: pushed (PAR), PKCE S256, state and nonce, our redirect URI.
    const pushed = upstream.requests.filter((r) => r.route === 'pushed_authorization_request').at(-1);
    expect(pushed?.params).toMatchObject({
      client_id: upstream.settings.clientId,
      response_type: 'code',
      redirect_uri: callbackUrl,
      scope: 'openid',
      code_challenge_method: 'S256',
      ui_locales: 'zh-TW',
    });
    expect(pushed?.params.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pushed?.params.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const before = await consents();
    const { callback } = await authorizeInBrowser(platform, atConsent.url, { browser: flow.browser });
    if (!callback) throw new Error('no code');
    const tokens = await client.authorizationCodeGrant(
      app,
      callback,
      { pkceCodeVerifier: flow.started.verifier, expectedState: flow.started.state },
      undefined,
      { DPoP: flow.dpop },
    );
    expect(tokens.access_token).toBeTypeOf('string');
    // The citizen the provider named, signed in as a federated login.
    expect(await sessionAmrs(persona.citizenId)).toContainEqual(UPSTREAM_FALLBACK_AMR);
    const consent = await authKysely(platform.db)
      .selectFrom('consents')
      .select('citizen_id')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(consent.citizen_id).toBe(persona.citizenId);
    expect(await consents()).toBe(before + 1);
  });

  it("passes the provider's amr on", async () => {
    upstream.nextLogin({ nationalId: persona.nationalId, amr: ['hwk', 'pin'] });
    const flow = await toSigninPage();
    const atConsent = await signInThroughUpstream(flow.browser, flow.signin, TEST_REDIRECT_URI);
    expect(new URL(atConsent.url).pathname).toMatch(/^\/consent\//);
    expect(await sessionAmrs(persona.citizenId)).toContainEqual(['hwk', 'pin']);
  });

  it('binds the state to the browser with an HttpOnly, SameSite=Lax cookie', async () => {
    const flow = await toSigninPage();
    const { _csrf } = { _csrf: /name="_csrf" value="([^"]+)"/.exec(flow.signin.html ?? '')?.[1] ?? '' };
    const response = await flow.browser.request(`${flow.signin.url}/upstream`, { form: { _csrf } });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(new RegExp(`^${upstream.issuer}/auth\\?`));
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('hb_upstream='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
  });

  it('refuses a start without the CSRF token', async () => {
    const flow = await toSigninPage();
    const response = await flow.browser.request(`${flow.signin.url}/upstream`, { form: { _csrf: 'forged' } });
    expect(response.status).toBe(403);
  });

  describe('attacks on the way back', () => {
    it('refuses a state it never issued, and the real answer still works', async () => {
      const flow = await toCallback();
      const forged = new URL(flow.callback);
      forged.searchParams.set('state', client.randomState());
      const page = await answer(flow.browser, forged.href);
      expect(page.status).toBe(400);
      expect(page.html).toContain('這個登入連結不完整或不正確');
      expect(page.html).toContain('href="/"');

      expect(await spent(flow.callback)).toBe(false);
      const real = await answer(flow.browser, flow.callback);
      expect(real.status).toBe(303);
      expect(await spent(flow.callback)).toBe(true);
    });

    it("refuses another sign-in's state with this answer's code (code injection)", async () => {
      const browser = new TestBrowser();
      const first = await toCallback({ browser });
      const second = await toCallback({ browser });
      const mixed = new URL(first.callback);
      mixed.searchParams.set('state', new URL(second.callback).searchParams.get('state') ?? '');
      const page = await answer(browser, mixed.href);
      // The state is genuine, but the code was issued for another PKCE challenge and nonce.
      expect(page.status).toBe(400);
      expect(page.html).toContain('沒有成功確認您的身分');
      expect(page.html).toContain(`href="/signin/${second.uid}"`);
    });

    it('refuses an answer opened in a browser without the cookie (login CSRF)', async () => {
      const attacker = await toCallback();
      const victim = new TestBrowser();
      const page = await answer(victim, attacker.callback);
      expect(page.status).toBe(400);
      expect(page.html).toContain('這次登入不是從這個瀏覽器開始的');
      // Not spent: it proves nothing about the attacker's own browser either way.
      expect(await spent(attacker.callback)).toBe(false);
    });

    it('refuses an answer opened in another browser that has its own cookie', async () => {
      const attacker = await toCallback();
      const victim = await toCallback();
      const page = await answer(victim.browser, attacker.callback);
      expect(page.status).toBe(400);
      expect(page.html).toContain('這次登入不是從這個瀏覽器開始的');
    });

    it('refuses a replayed answer', async () => {
      const flow = await toCallback();
      const first = await answer(flow.browser, flow.callback);
      expect(first.status).toBe(303);
      const again = await answer(flow.browser, flow.callback);
      expect(again.status).toBe(400);
      expect(again.html).toContain('這次登入已經過期或已經用過了');
      expect(again.html).toContain(`href="/signin/${flow.uid}"`);
    });

    it('refuses an answer after the state expired', async () => {
      const flow = await toCallback();
      clock.advance(UPSTREAM_STATE_TTL_MS);
      const page = await answer(flow.browser, flow.callback);
      expect(page.status).toBe(400);
      expect(page.html).toContain('這次登入已經過期或已經用過了');
      expect(await spent(flow.callback)).toBe(false);
      // Sign-in's periodic purge deletes it; then it is a state nobody knows.
      await purgeSigninState(platform.db, clock.now());
      await expect(spent(flow.callback)).rejects.toThrow();
      expect((await answer(flow.browser, flow.callback)).html).toContain('這個登入連結不完整或不正確');
    });

    it('refuses an answer whose iss is not the provider (RFC 9207)', async () => {
      const flow = await toCallback();
      const mixUp = new URL(flow.callback);
      mixUp.searchParams.set('iss', 'https://impostor.example.test');
      const page = await answer(flow.browser, mixUp.href);
      expect(page.status).toBe(400);
      expect(page.html).toContain('沒有成功確認您的身分');
    });

    it.each([
      ['nonce', 'an ID token with another nonce'],
      ['issuer', 'an ID token from another issuer'],
      ['signature', 'an ID token signed with a key the provider never published'],
    ] as const)('refuses %s: %s', async (mode, _what) => {
      upstream.misbehave(mode);
      const before = await consents();
      const flow = await toCallback();
      const page = await answer(flow.browser, flow.callback);
      expect(page.status).toBe(400);
      expect(page.html).toContain('沒有成功確認您的身分');
      expect(page.html).toContain(`href="/signin/${flow.uid}"`);
      expect(await consents()).toBe(before);
      // The interaction is untouched: the citizen can still sign in another way.
      const signin = await flow.browser.follow(`${platform.url}/signin/${flow.uid}`, TEST_REDIRECT_URI);
      expect(signin.response?.status).toBe(200);
    });

    it.each([
      ['missing', undefined, 400, '沒有提供可以使用的身分證字號'],
      ['malformed', 'A123456780', 400, '沒有提供可以使用的身分證字號'],
      ['not a string', 123456789, 400, '沒有提供可以使用的身分證字號'],
      ['unknown', makeNationalId('Z', 'male', 9_999_999), 403, '健康存摺裡沒有這個身分證字號的資料'],
    ])('refuses a %s national ID', async (_label, nationalId, status, text) => {
      upstream.nextLogin({ nationalId });
      const flow = await toCallback();
      const page = await answer(flow.browser, flow.callback);
      expect(page.status).toBe(status);
      expect(page.html).toContain(text);
      expect(page.html).toContain(`href="/signin/${flow.uid}"`);
    });

    it('says so, in English too, when the citizen cancels at the provider (access_denied)', async () => {
      const browser = new TestBrowser('en');
      const flow = await toCallback({ browser, cancel: true });
      expect(new URL(flow.callback).searchParams.get('error')).toBe('access_denied');
      const page = await answer(browser, flow.callback);
      expect(page.status).toBe(400);
      expect(page.html).toContain('<html lang="en">');
      expect(page.html).toContain('You cancelled at Test digital identity');
      expect(page.html).toContain(`href="/signin/${flow.uid}"`);
    });

    it('answers a callback without any parameters with a page', async () => {
      const page = await answer(new TestBrowser(), `${platform.url}${UPSTREAM_CALLBACK_PATH}`);
      expect(page.status).toBe(400);
      expect(page.html).toContain('這個登入連結不完整或不正確');
    });
  });

  /** The `amr` of every authorization server session of the citizen (what its ID tokens carry). */
  async function sessionAmrs(citizenId: number): Promise<unknown[]> {
    const rows = await authKysely(platform.db)
      .selectFrom('oauth_artifacts')
      .select('payload')
      .where('model', '=', 'Session')
      .execute();
    return rows
      .map((r) => JSON.parse(r.payload) as { accountId?: string; amr?: unknown })
      .filter((p) => p.accountId === String(citizenId))
      .map((p) => p.amr);
  }

  /** Whether the answer's state has been spent. */
  async function spent(callback: string): Promise<boolean> {
    const state = new URL(callback).searchParams.get('state') ?? '';
    const row = await upstreamKysely(platform.db)
      .selectFrom('signin_upstream_states')
      .select('consumed_at')
      .where('state_hash', '=', upstreamStateDigest(deriveSigninKeys(platform.config.secret).upstream, state))
      .executeTakeFirstOrThrow();
    return row.consumed_at !== null;
  }
});

/**
 * The same routes on the sign-in test app, whose `onSignedIn` records what it was handed and whose
 * log is read back: what reaches the log, a provider that cannot be reached, one without PAR.
 */
describe.each(testDatabases())('the upstream routes on their own on $label', (target) => {
  const clock = new ManualClock(Date.now());
  const NOWHERE = 'http://stop.invalid/';
  let t: TestDatabase;
  let upstream: TestUpstream;
  let s: SigninTestApp;
  let origin: string;
  let logs: string[] = [];
  let persona: { nationalId: string; citizenId: number };

  const testConfig = (publicUrl: string, upstreamOidc: Config['upstreamOidc']) =>
    loadConfig({ NODE_ENV: 'test' }, { publicUrl, upstreamOidc });

  beforeAll(async () => {
    t = await createTestDatabase(target);
    await seedPopulation(t.db, fixturePopulation({ citizens: 6, recordsPerCitizen: 1 }));
    const nationalId = (await listPersonas(t.db)).find((p) => p.persona === 'B爺爺')?.nationalId ?? '';
    const citizen = await findCitizenByNationalId(t.db, nationalId);
    persona = { nationalId, citizenId: citizen?.id ?? 0 };
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    upstream = await startTestUpstream({ redirectUris: [upstreamRedirectUri(origin)] });
    s = await buildSigninTestApp({
      db: t.db,
      clock,
      config: testConfig(origin, upstream.settings),
      logStream: { write: (line) => void logs.push(line) },
    });
    await s.app.listen({ host: '127.0.0.1', port });
  });
  afterAll(async () => {
    await s?.app.close();
    await upstream?.close();
    await t?.dispose();
  });
  beforeEach(() => {
    logs = [];
    clock.set(Date.now());
    upstream.nextLogin({ nationalId: persona.nationalId });
  });

  async function signIn(browser = new TestBrowser()) {
    const signin = await browser.follow(`${origin}/signin/${TEST_UID}`, NOWHERE);
    return signInThroughUpstream(browser, signin, NOWHERE);
  }

  it("hands onSignedIn the citizen and the provider's amr", async () => {
    upstream.nextLogin({ nationalId: persona.nationalId, amr: ['hwk'] });
    const before = s.signedIn.length;
    const done = await signIn();
    expect(done.html).toContain('id="done"');
    expect(s.signedIn.slice(before)).toEqual([{ uid: TEST_UID, citizenId: persona.citizenId, amr: ['hwk'] }]);
  });

  it.each([
    ['an unknown', () => makeNationalId('Y', 'female', 9_999_998), 403],
    ['a malformed', () => `${persona.nationalId.slice(0, 9)}${(Number(persona.nationalId[9]) + 1) % 10}`, 400],
  ])('logs %s national ID masked, never in full, and signs nobody in', async (_label, nationalId, status) => {
    const id = nationalId();
    upstream.nextLogin({ nationalId: id });
    const before = s.signedIn.length;
    const page = await signIn();
    expect(page.response?.status).toBe(status);
    expect(s.signedIn.length).toBe(before);
    const refused = logs.filter((line) => line.includes('upstream sign-in refused'));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toContain(maskNationalId(id));
    expect(logs.join('\n')).not.toContain(id);
  });

  it('logs why a callback was refused, without its code or state', async () => {
    upstream.misbehave('nonce');
    const browser = new TestBrowser();
    const signin = await browser.follow(`${origin}/signin/${TEST_UID}`, NOWHERE);
    const back = await signInThroughUpstream(browser, signin, upstreamRedirectUri(origin));
    const callback = new URL(back.redirectedTo ?? '');
    await browser.request(callback.href);
    upstream.misbehave(undefined);
    // The refusal's own line (the platform's request log records the route, never the URL: app.ts).
    const text = logs.filter((line) => line.includes('"upstream":')).join('\n');
    expect(text).toContain('upstream sign-in refused');
    for (const name of ['code', 'state']) expect(text).not.toContain(callback.searchParams.get(name) ?? '-');
  });

  /** The sign-in page's CSRF cookie and token, for requests made with inject. */
  async function csrfOf(app: SigninTestApp['app'], secure = false) {
    const name = secure ? '__Host-hb_csrf' : 'hb_csrf';
    const page = await app.inject({ method: 'GET', url: `/signin/${TEST_UID}`, headers: { accept: 'text/html' } });
    const cookie = page.cookies.find((c) => c.name === name);
    return { cookie: `${name}=${cookie?.value}`, token: /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '' };
  }

  it('says the provider cannot be reached, with a way back, and logs why', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const lines: string[] = [];
    const down = await buildSigninTestApp({
      db: t.db,
      clock,
      config: testConfig('http://127.0.0.1:1', { ...upstream.settings, issuer: closed }),
      logStream: { write: (line) => void lines.push(line) },
    });
    try {
      const { cookie, token } = await csrfOf(down.app);
      const response = await down.app.inject({
        method: 'POST',
        url: `/signin/${TEST_UID}/upstream`,
        headers: { cookie, accept: 'text/html', 'accept-language': 'en' },
        payload: { _csrf: token },
      });
      expect(response.statusCode).toBe(502);
      expect(response.body).toContain('We cannot reach Test digital identity right now');
      expect(response.body).toContain('sign in another way');
      expect(response.body).toContain(`href="/signin/${TEST_UID}"`);
      expect(response.headers['set-cookie']?.toString() ?? '').not.toContain('hb_upstream');
      expect(lines.join('\n')).toContain('upstream identity provider unreachable');
    } finally {
      await down.app.close();
    }
  });

  it('reaches a provider over TLS with the fetch it is given (what production does with NODE_EXTRA_CA_CERTS)', async () => {
    const secure = await startTestUpstream({
      redirectUris: ['https://127.0.0.1:3/signin/upstream/callback'],
      tls: await throwawayCertificate(),
    });
    const app = await buildSigninTestApp({
      db: t.db,
      clock,
      config: testConfig('https://127.0.0.1:3', secure.settings),
      ...(secure.fetch ? { upstreamFetch: secure.fetch } : {}),
    });
    try {
      expect(secure.issuer).toMatch(/^https:/);
      const { cookie, token } = await csrfOf(app.app, true);
      const response = await app.app.inject({
        method: 'POST',
        url: `/signin/${TEST_UID}/upstream`,
        headers: { cookie, accept: 'text/html' },
        payload: { _csrf: token },
      });
      expect(response.statusCode).toBe(303);
      // Discovery and the pushed request (private_key_jwt) went over TLS; only a request_uri is left.
      const location = new URL(String(response.headers.location));
      expect(location.origin).toBe(secure.issuer);
      expect([...location.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
      const set = response.headers['set-cookie']?.toString() ?? '';
      expect(set).toMatch(/__Host-hb_upstream=[^;]+;.*Secure/i);
    } finally {
      await app.app.close();
      await secure.close();
    }
  });

  it('sends the whole request through the browser when the provider offers no PAR', async () => {
    const plain = await startTestUpstream({
      redirectUris: ['http://127.0.0.1:2/signin/upstream/callback'],
      par: false,
    });
    const app = await buildSigninTestApp({ db: t.db, clock, config: testConfig('http://127.0.0.1:2', plain.settings) });
    try {
      const { cookie, token } = await csrfOf(app.app);
      const response = await app.app.inject({
        method: 'POST',
        url: `/signin/${TEST_UID}/upstream`,
        headers: { cookie, accept: 'text/html' },
        payload: { _csrf: token },
      });
      expect(response.statusCode).toBe(303);
      const location = new URL(String(response.headers.location));
      expect(`${location.origin}${location.pathname}`).toBe(`${plain.issuer}/auth`);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({
        client_id: plain.settings.clientId,
        response_type: 'code',
        redirect_uri: 'http://127.0.0.1:2/signin/upstream/callback',
        scope: 'openid',
        code_challenge_method: 'S256',
      });
      expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(location.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await app.app.close();
      await plain.close();
    }
  });
});
