import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { loadConfig } from '../../config/config.js';
import { fixturePopulation } from '../../db/fixtures.js';
import { findCitizenByNationalId, type StoredCitizen, seedPopulation } from '../../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../../db/testing.js';
import type { CodeMessage, MessageChannel } from './codes/channel.js';
import {
  CODE_SEND_WINDOW_MS,
  IP_CODE_REQUEST_LIMIT,
  LOCK_DURATION_MS,
  MAX_CODE_FAILURES,
  MAX_CODE_SENDS_PER_HOUR,
} from './limits.js';
import { csrfOf, formCookies, postForm } from './test-forms.js';
import { buildSigninTestApp, type SigninTestApp, TEST_UID } from './testing.js';

class RecordingChannel implements MessageChannel {
  messages: CodeMessage[] = [];
  async deliver(message: CodeMessage): Promise<void> {
    this.messages.push(message);
  }
  codeFor(challengeId: string): string {
    const m = this.messages.find((x) => x.challengeId === challengeId);
    if (!m) throw new Error('no code was sent for this challenge');
    return m.code;
  }
}

const detailsOf = (c: StoredCitizen) => {
  const [year, month, day] = c.birthDate.split('-') as [string, string, string];
  return { nationalId: c.nationalId, cardNumber: c.nhiCardNumber, birthYear: year, birthMonth: month, birthDay: day };
};
const challengeOf = (res: LightMyRequestResponse) => {
  const match = /\/code\?c=([A-Za-z0-9_-]{43})$/.exec(String(res.headers.location));
  if (!match?.[1]) throw new Error(`not a redirect to the code page: ${res.statusCode} ${res.headers.location}`);
  return match[1];
};
let ipSerial = 0;
/** Each test its own client address: the per-IP limits must not couple tests. */
const freshIp = () => `198.51.100.${++ipSerial}`;

describe.each(testDatabases())('NHI card sign-in routes on $label', (target) => {
  let t: TestDatabase;
  let citizens: StoredCitizen[];
  let next = 0;
  const clock = new ManualClock();
  const channel = new RecordingChannel();
  /** Outside a sandbox: codes only reach the channel. */
  let live: SigninTestApp;
  /** A sandbox: codes are also shown on the page. */
  let sandbox: SigninTestApp;
  let syntheticCitizen: StoredCitizen;

  const freshCitizen = () => {
    const c = citizens[next++];
    if (!c) throw new Error('not enough fixture citizens');
    return c;
  };

  /** Sign-in page → details → code page; returns the code page and what the browser holds. */
  async function requestCode(app: SigninTestApp, details: Record<string, string>, ip: string) {
    const page = await app.app.inject(`/signin/${TEST_UID}`);
    const sent = await postForm(app.app, page, `/signin/${TEST_UID}/nhi`, details, { remoteAddress: ip });
    const challengeId = challengeOf(sent);
    const codePage = await app.app.inject({ url: String(sent.headers.location), cookies: formCookies(page) });
    return { page, sent, codePage, challengeId, cookies: formCookies(page, codePage) };
  }

  beforeAll(async () => {
    t = await createTestDatabase(target);
    const population = [...fixturePopulation({ citizens: 20, recordsPerCitizen: 1 })];
    // Real citizens, as NHI's data load leaves them: these tests sign in to production.
    await seedPopulation(t.db, population, { synthetic: false });
    citizens = await Promise.all(
      population.map(async (p) => (await findCitizenByNationalId(t.db, p.citizen.nationalId)) as StoredCitizen),
    );
    // …and one synthetic citizen, whom only the sandbox serves.
    const [generated] = [...fixturePopulation({ citizens: 1, firstSerial: 900, recordsPerCitizen: 1 })];
    if (!generated) throw new Error('no synthetic citizen');
    await seedPopulation(t.db, [generated]);
    syntheticCitizen = (await findCitizenByNationalId(t.db, generated.citizen.nationalId)) as StoredCitizen;
    live = await buildSigninTestApp({
      db: t.db,
      clock,
      channel,
      config: loadConfig({ NODE_ENV: 'test', HEALTHBANK_SANDBOX: 'false' }),
    });
    sandbox = await buildSigninTestApp({ db: t.db, clock, channel, config: loadConfig({ NODE_ENV: 'test' }) });
  });
  afterAll(async () => {
    await live?.app.close();
    await sandbox?.app.close();
    await t?.dispose();
  });

  it('renders an accessible sign-in form in Traditional Chinese by default', async () => {
    const res = await live.app.inject(`/signin/${TEST_UID}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<html lang="zh-TW">');
    expect(res.body).toContain('用健保卡登入');
    for (const id of ['nationalId', 'cardNumber', 'birthYear', 'birthMonth', 'birthDay']) {
      expect(res.body).toContain(`<label for="${id}">`);
      expect(res.body).toContain(`id="${id}" name="${id}"`);
    }
    expect(res.body).toContain('autocomplete="bday-year"');
    expect(res.body).toContain(`action="/signin/${TEST_UID}/nhi"`);
    expect(res.body).toContain(`name="_csrf" value="${csrfOf(res)}"`);
    // The passkey section is hidden until the script (from our origin, not inline) reveals it.
    expect(res.body).toMatch(/<section class="passkey" data-passkey="get" hidden/);
    expect(res.body).toContain('<script src="/assets/signin-passkey.js" defer></script>');
    expect(res.body).not.toMatch(/<script>|<script [^>]*>[^<]/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('speaks English on request and remembers it for the forms that follow', async () => {
    const res = await live.app.inject(`/signin/${TEST_UID}?lang=en`);
    expect(res.body).toContain('<html lang="en">');
    expect(res.body).toContain('Sign in with your NHI card');
    expect(res.cookies.find((c) => c.name === 'lang')?.value).toBe('en');
    const invalid = await postForm(
      live.app,
      res,
      `/signin/${TEST_UID}/nhi`,
      { nationalId: 'x' },
      { remoteAddress: freshIp() },
    );
    expect(invalid.body).toContain('This national ID number does not look right');
  });

  it('offers the card first to a browser that never used a passkey, and the passkey first to one that did', async () => {
    const first = await live.app.inject(`/signin/${TEST_UID}`);
    expect(first.body.indexOf('id="nhi-heading"')).toBeLessThan(first.body.indexOf('data-passkey="get"'));
    const returning = await live.app.inject({ url: `/signin/${TEST_UID}`, cookies: { hb_passkey: '1' } });
    expect(returning.body.indexOf('data-passkey="get"')).toBeLessThan(returning.body.indexOf('id="nhi-heading"'));
  });

  it('says where codes go by kind of address, the same for every claim', async () => {
    const withEmail = await buildSigninTestApp({
      db: t.db,
      clock,
      channel,
      config: loadConfig({ NODE_ENV: 'test', HEALTHBANK_SANDBOX: 'false', SMTP_URL: 'smtp://127.0.0.1:2525' }),
    });
    try {
      const citizen = freshCitizen();
      const right = await requestCode(withEmail, detailsOf(citizen), freshIp());
      const unknown = await requestCode(withEmail, { ...detailsOf(citizen), nationalId: 'B123456780' }, freshIp());
      for (const { codePage } of [right, unknown]) {
        expect(codePage.body).toContain('data-testid="code-destination">驗證碼寄到您在健康存摺登記的電子郵件信箱');
        // Never the address itself, masked or not.
        expect(codePage.body).not.toMatch(/@|\*\*\*/);
      }
    } finally {
      await withEmail.app.close();
    }
  });

  it('serves the passkey script from our origin', async () => {
    const res = await live.app.inject('/assets/signin-passkey.js');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body).toContain('navigator.credentials');
  });

  it('marks each invalid field next to it, keeps what was typed, and sends nothing', async () => {
    const sent = channel.messages.length;
    const page = await live.app.inject(`/signin/${TEST_UID}`);
    const res = await postForm(
      live.app,
      page,
      `/signin/${TEST_UID}/nhi`,
      { nationalId: 'A123456788', cardNumber: '1234', birthYear: '60', birthMonth: '2', birthDay: '30' },
      { remoteAddress: freshIp() },
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('<p class="field-error" id="nationalId-error">身分證字號的格式不對');
    expect(res.body).toContain('aria-describedby="nationalId-hint nationalId-error" aria-invalid="true"');
    expect(res.body).toContain('<p class="field-error" id="cardNumber-error">健保卡號要填 12 位數字');
    expect(res.body).toContain('<p class="field-error" id="birthDate-error">');
    expect(res.body).toContain('value="A123456788"');
    expect(channel.messages).toHaveLength(sent);
  });

  it('signs in with card details and a code, offers a passkey, then completes once', async () => {
    const citizen = freshCitizen();
    const ip = freshIp();
    const { codePage, challengeId, cookies } = await requestCode(live, detailsOf(citizen), ip);
    expect(codePage.statusCode).toBe(200);
    expect(codePage.body).toContain('autocomplete="one-time-code"');
    expect(codePage.body).toContain('inputmode="numeric"');
    expect(codePage.body).not.toContain('sandbox-code');
    const code = channel.codeFor(challengeId);

    const entered = await postForm(
      live.app,
      codePage,
      `/signin/${TEST_UID}/code`,
      { c: challengeId, code },
      { cookies, remoteAddress: ip },
    );
    expect(entered.statusCode).toBe(303);
    expect(entered.headers.location).toBe(`/signin/${TEST_UID}/passkey-offer`);
    const pendingCookie = entered.cookies.find((c) => c.name === 'hb_signin');
    expect(pendingCookie?.httpOnly).toBe(true);
    expect(pendingCookie?.sameSite).toBe('Lax');
    expect(live.signedIn.filter((s) => s.citizenId === citizen.id)).toEqual([]);

    const offer = await live.app.inject({ url: entered.headers.location, cookies: formCookies(codePage, entered) });
    expect(offer.statusCode).toBe(200);
    expect(offer.body).toContain('下次用指紋或臉部辨識登入');
    expect(offer.body).toMatch(/<section class="passkey" data-passkey="create" hidden/);
    expect(String(offer.headers['content-security-policy'])).toContain("script-src 'self'");

    const done = await postForm(live.app, offer, `/signin/${TEST_UID}/continue`, {}, { cookies: formCookies(entered) });
    expect(done.statusCode).toBe(200);
    expect(live.signedIn.at(-1)).toEqual({ uid: TEST_UID, citizenId: citizen.id, amr: ['kba', 'otp'] });
    // Completing twice is not possible: the pending sign-in is gone.
    const again = await postForm(
      live.app,
      offer,
      `/signin/${TEST_UID}/continue`,
      {},
      { cookies: formCookies(entered) },
    );
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('登入已經逾時');
    // And the code cannot be used a second time.
    const reuse = await postForm(
      live.app,
      codePage,
      `/signin/${TEST_UID}/code`,
      { c: challengeId, code },
      { cookies, remoteAddress: ip },
    );
    expect(reuse.statusCode).toBe(400);
    expect(reuse.body).toContain('這組驗證碼已經過期或用過了');
  });

  it('answers the same for details that match nobody (no enumeration)', async () => {
    const citizen = freshCitizen();
    const sent = channel.messages.length;
    const right = await requestCode(live, detailsOf(citizen), freshIp());
    const wrongCard = await requestCode(live, { ...detailsOf(citizen), cardNumber: '999999999999' }, freshIp());
    const unknown = await requestCode(live, { ...detailsOf(citizen), nationalId: 'B123456780' }, freshIp());
    expect(channel.messages).toHaveLength(sent + 1);

    const normalize = (r: { sent: LightMyRequestResponse; codePage: LightMyRequestResponse; challengeId: string }) => ({
      status: r.sent.statusCode,
      location: String(r.sent.headers.location).replace(r.challengeId, 'C'),
      setCookies: r.sent.cookies.map((c) => c.name),
      headers: Object.keys(r.sent.headers)
        .filter((h) => h !== 'date')
        .sort(),
      page: r.codePage.body.replaceAll(r.challengeId, 'C').replace(/name="_csrf" value="[^"]+"/, ''),
      pageStatus: r.codePage.statusCode,
    });
    expect(normalize(wrongCard)).toEqual(normalize(right));
    expect(normalize(unknown)).toEqual(normalize(right));

    // A wrong code is "wrong" for all three alike.
    const wrongAnswers = await Promise.all(
      [right, wrongCard, unknown].map(async (r) => {
        const res = await postForm(
          live.app,
          r.codePage,
          `/signin/${TEST_UID}/code`,
          { c: r.challengeId, code: '000000' },
          { cookies: r.cookies, remoteAddress: freshIp() },
        );
        return {
          status: res.statusCode,
          body: res.body.replaceAll(r.challengeId, 'C').replace(/name="_csrf" value="[^"]+"/, ''),
        };
      }),
    );
    expect(wrongAnswers[1]).toEqual(wrongAnswers[0]);
    expect(wrongAnswers[2]).toEqual(wrongAnswers[0]);
    expect(wrongAnswers[0]?.status).toBe(400);
  });

  it('shows the code on the page in the sandbox only, and only to a synthetic citizen', async () => {
    const { codePage, challengeId } = await requestCode(sandbox, detailsOf(syntheticCitizen), freshIp());
    expect(codePage.body).toContain(`data-testid="sandbox-code">${channel.codeFor(challengeId)}<`);
    const real = await requestCode(sandbox, detailsOf(freshCitizen()), freshIp());
    expect(real.codePage.body).not.toContain('sandbox-code');
  });

  it('locks sign-in for 15 minutes after 5 wrong codes, with a plain-language page and Retry-After', async () => {
    const citizen = freshCitizen();
    const ip = freshIp();
    const first = await requestCode(live, detailsOf(citizen), ip);
    const code = channel.codeFor(first.challengeId);
    const wrong = code === '111111' ? '222222' : '111111';
    let res: LightMyRequestResponse | undefined;
    for (let i = 0; i < MAX_CODE_FAILURES; i++) {
      res = await postForm(
        live.app,
        first.codePage,
        `/signin/${TEST_UID}/code`,
        { c: first.challengeId, code: wrong },
        { cookies: first.cookies, remoteAddress: ip },
      );
    }
    expect(res?.statusCode).toBe(429);
    expect(res?.headers['retry-after']).toBe(String(LOCK_DURATION_MS / 1000));
    expect(res?.body).toContain('請在 15 分鐘後再試');

    // A new code cannot be requested while locked; as an API client the answer is problem+json.
    const page = await live.app.inject(`/signin/${TEST_UID}`);
    const locked = await postForm(live.app, page, `/signin/${TEST_UID}/nhi`, detailsOf(citizen), {
      remoteAddress: ip,
      headers: { accept: 'application/json' },
    });
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['content-type']).toContain('application/problem+json');
    expect(locked.json().code).toBe('rate_limited');

    clock.advance(LOCK_DURATION_MS);
    const after = await requestCode(live, detailsOf(citizen), ip);
    const ok = await postForm(
      live.app,
      after.codePage,
      `/signin/${TEST_UID}/code`,
      { c: after.challengeId, code: channel.codeFor(after.challengeId) },
      { cookies: after.cookies, remoteAddress: ip },
    );
    expect(ok.statusCode).toBe(303);
  });

  it('sends at most 10 codes per hour to one citizen', async () => {
    const citizen = freshCitizen();
    const page = await live.app.inject(`/signin/${TEST_UID}`);
    const send = () =>
      postForm(live.app, page, `/signin/${TEST_UID}/nhi`, detailsOf(citizen), { remoteAddress: freshIp() });
    for (let i = 0; i < MAX_CODE_SENDS_PER_HOUR; i++) expect((await send()).statusCode).toBe(303);
    const limited = await send();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe(String(CODE_SEND_WINDOW_MS / 1000));
    expect(limited.body).toContain('操作次數太多了');
    clock.advance(CODE_SEND_WINDOW_MS);
    expect((await send()).statusCode).toBe(303);
  });

  it('limits code requests per IP address, whoever they are for', async () => {
    const ip = freshIp();
    const page = await live.app.inject(`/signin/${TEST_UID}`);
    const details = (i: number) => ({
      ...detailsOf(citizens[19] as StoredCitizen),
      cardNumber: String(500_000_000_000 + i),
    });
    for (let i = 0; i < IP_CODE_REQUEST_LIMIT.max; i++) {
      expect(
        (await postForm(live.app, page, `/signin/${TEST_UID}/nhi`, details(i), { remoteAddress: ip })).statusCode,
      ).toBe(303);
    }
    const limited = await postForm(live.app, page, `/signin/${TEST_UID}/nhi`, details(99), {
      remoteAddress: ip,
      headers: { accept: 'application/json' },
    });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(IP_CODE_REQUEST_LIMIT.windowMs / 1000);
    // Another address is unaffected.
    expect(
      (await postForm(live.app, page, `/signin/${TEST_UID}/nhi`, details(100), { remoteAddress: freshIp() }))
        .statusCode,
    ).toBe(303);
  });

  it.each([
    ['/nhi', {}],
    ['/code', { c: 'A'.repeat(43), code: '123456' }],
    ['/continue', {}],
    ['/passkey', { credential: '{}' }],
    ['/passkey/register', { credential: '{}' }],
  ])('refuses POST %s without a valid CSRF token', async (path, fields) => {
    const res = await live.app.inject({
      method: 'POST',
      url: `/signin/${TEST_UID}${path}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: 'forged', ...fields }).toString(),
    });
    expect(res.statusCode).toBe(403);
  });

  it('changes nothing on GET: the offer page without a pending sign-in just says to start again', async () => {
    const res = await live.app.inject(`/signin/${TEST_UID}/passkey-offer`);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain(`href="/signin/${TEST_UID}"`);
    const code = await live.app.inject(`/signin/${TEST_UID}/code?c=short`);
    expect(code.statusCode).toBe(303);
    expect(code.headers.location).toBe(`/signin/${TEST_UID}`);
  });
});
