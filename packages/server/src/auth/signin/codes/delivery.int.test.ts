import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../clock.js';
import { loadConfig } from '../../../config/config.js';
import { fixturePopulation } from '../../../db/fixtures.js';
import { findCitizenByNationalId, type StoredCitizen, seedPopulation, setCitizenContacts } from '../../../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../../../db/testing.js';
import { formCookies, postForm } from '../test-forms.js';
import { buildSigninTestApp, type SigninTestApp, TEST_UID } from '../testing.js';
import { startSmtpServer, type TestSmtpServer } from './testing-channels.js';

const detailsOf = (c: StoredCitizen) => {
  const [year, month, day] = c.birthDate.split('-') as [string, string, string];
  return { nationalId: c.nationalId, cardNumber: c.nhiCardNumber, birthYear: year, birthMonth: month, birthDay: day };
};
let ipSerial = 0;
const freshIp = () => `203.0.113.${++ipSerial}`;

describe.each(testDatabases())('one-time codes by e-mail through the sign-in routes on $label', (target) => {
  let t: TestDatabase;
  let smtp: TestSmtpServer;
  let signin: SigninTestApp;
  let citizens: StoredCitizen[];
  let next = 0;
  const clock = new ManualClock();

  const freshCitizen = () => {
    const c = citizens[next++];
    if (!c) throw new Error('not enough fixture citizens');
    return c;
  };

  /** Sign-in page → details → code page, as a browser would. */
  async function requestCode(details: Record<string, string>) {
    const ip = freshIp();
    const page = await signin.app.inject(`/signin/${TEST_UID}`);
    const sent = await postForm(signin.app, page, `/signin/${TEST_UID}/nhi`, details, { remoteAddress: ip });
    const challengeId = /\/code\?c=([A-Za-z0-9_-]{43})$/.exec(String(sent.headers.location))?.[1] ?? '';
    const codePage = await signin.app.inject({ url: String(sent.headers.location), cookies: formCookies(page) });
    return { ip, page, sent, challengeId, codePage };
  }

  /** What a response looks like with its random parts taken out. */
  const shape = (r: { sent: LightMyRequestResponse; codePage: LightMyRequestResponse; challengeId: string }) => ({
    status: r.sent.statusCode,
    location: String(r.sent.headers.location).replace(r.challengeId, 'C'),
    headers: Object.keys(r.sent.headers)
      .filter((h) => h !== 'date')
      .sort(),
    page: r.codePage.body.replaceAll(r.challengeId, 'C').replace(/name="_csrf" value="[^"]+"/, ''),
  });

  beforeAll(async () => {
    t = await createTestDatabase(target);
    const population = [...fixturePopulation({ citizens: 8, recordsPerCitizen: 1 })];
    // Real citizens, as NHI's data load leaves them: these tests sign in to production.
    await seedPopulation(t.db, population, { synthetic: false });
    citizens = await Promise.all(
      population.map(async (p) => (await findCitizenByNationalId(t.db, p.citizen.nationalId)) as StoredCitizen),
    );
    smtp = await startSmtpServer();
    // The channel comes from the configuration alone, as in a deployment: nothing is injected.
    const config = loadConfig({
      NODE_ENV: 'test',
      HEALTHBANK_SANDBOX: 'false',
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      SMTP_FROM: '健康存摺 <no-reply@mhb.example.tw>',
    });
    signin = await buildSigninTestApp({ db: t.db, config, clock });
  });
  afterAll(async () => {
    await signin?.app.close();
    await smtp?.close();
    await t?.dispose();
  });

  it('signs a citizen in with the code that arrived by e-mail', async () => {
    const citizen = freshCitizen();
    await setCitizenContacts(t.db, citizen.id, { email: 'a.citizen@example.tw' });
    const { ip, page, sent, challengeId, codePage } = await requestCode(detailsOf(citizen));
    expect(sent.statusCode).toBe(303);
    // Not a sandbox: the code is on no page, only in the mailbox.
    expect(codePage.statusCode).toBe(200);
    expect(codePage.body).not.toContain('sandbox-code');

    const mail = await smtp.mail.next();
    expect(mail.envelope).toEqual({ from: 'no-reply@mhb.example.tw', to: ['a.citizen@example.tw'] });
    expect(mail.subject).toBe('健康存摺登入驗證碼');
    expect(mail.raw).not.toContain(citizen.nationalId);
    expect(mail.raw).not.toContain(citizen.name);
    const code = /：\s*(\d{6})/.exec(mail.text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    expect(codePage.body).not.toContain(String(code));

    const entered = await postForm(
      signin.app,
      codePage,
      `/signin/${TEST_UID}/code`,
      { c: challengeId, code: String(code) },
      { cookies: formCookies(page, codePage), remoteAddress: ip },
    );
    expect(entered.statusCode).toBe(303);
    expect(entered.headers.location).toBe(`/signin/${TEST_UID}/passkey-offer`);
    const offer = await signin.app.inject({
      url: String(entered.headers.location),
      cookies: formCookies(page, codePage, entered),
    });
    const done = await postForm(
      signin.app,
      offer,
      `/signin/${TEST_UID}/continue`,
      {},
      { cookies: formCookies(page, codePage, entered) },
    );
    expect(done.statusCode).toBe(200);
    expect(signin.signedIn.at(-1)).toEqual({ uid: TEST_UID, citizenId: citizen.id, amr: ['kba', 'otp'] });
  });

  it('writes in English to a citizen who signs in in English', async () => {
    const citizen = freshCitizen();
    await setCitizenContacts(t.db, citizen.id, { email: 'b.citizen@example.tw' });
    const page = await signin.app.inject(`/signin/${TEST_UID}?lang=en`);
    const sent = await postForm(signin.app, page, `/signin/${TEST_UID}/nhi`, detailsOf(citizen), {
      remoteAddress: freshIp(),
    });
    expect(sent.statusCode).toBe(303);
    const mail = await smtp.mail.next();
    expect(mail.envelope.to).toEqual(['b.citizen@example.tw']);
    expect(mail.subject).toBe('Your My Health Bank sign-in code');
    expect(mail.headers.get('content-language')).toBe('en');
  });

  it('answers a citizen without contacts exactly as one with, and sends them nothing', async () => {
    const withContact = freshCitizen();
    const without = freshCitizen();
    await setCitizenContacts(t.db, withContact.id, { email: 'c.citizen@example.tw' });
    const before = smtp.mail.all.length;

    const unreachable = await requestCode(detailsOf(without));
    const wrongCard = await requestCode({ ...detailsOf(withContact), cardNumber: '999999999999' });
    const reachable = await requestCode(detailsOf(withContact));
    expect(shape(unreachable)).toEqual(shape(reachable));
    expect(shape(wrongCard)).toEqual(shape(reachable));

    // Only the matching claim of the citizen with a contact is mailed, and only once.
    expect((await smtp.mail.next()).envelope.to).toEqual(['c.citizen@example.tw']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.mail.all).toHaveLength(before + 1);
  });
});
