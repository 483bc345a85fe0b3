import type { FastifyBaseLogger } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../config/config.js';
import { fixturePopulation } from '../../../db/fixtures.js';
import {
  type Database,
  findCitizenByNationalId,
  type StoredCitizen,
  seedPopulation,
  setCitizenContacts,
} from '../../../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../../../db/testing.js';
import { type ThrowawayCertificate, throwawayCertificate } from '../../../security/testing-tls.js';
import type { CodeMessage } from './channel.js';
import { createMessageChannel } from './message-channel.js';
import { startSmsHook, startSmtpServer, type TestSmsHook, type TestSmtpServer } from './testing-channels.js';

const SMS_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const EMAIL = 'citizen@example.tw';
const MOBILE = '+886912345678';

function recordingLog() {
  const lines: { level: string; fields: Record<string, unknown>; msg: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => lines.push({ level, fields, msg });
  const log = {
    level: 'info',
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    trace: at('trace'),
    fatal: at('fatal'),
    silent: () => undefined,
    child: () => log,
  };
  return { log: log as unknown as FastifyBaseLogger, lines, text: () => JSON.stringify(lines) };
}

describe.each(testDatabases())('the configured message channel on $label', (target) => {
  let t: TestDatabase;
  let citizens: StoredCitizen[];
  let next = 0;
  let cert: ThrowawayCertificate;
  let smtp: TestSmtpServer | undefined;
  let hook: TestSmsHook | undefined;

  const freshCitizen = () => {
    const c = citizens[next++];
    if (!c) throw new Error('not enough fixture citizens');
    return c;
  };
  const messageFor = (c: StoredCitizen, code = '042137'): CodeMessage => ({
    challengeId: `challenge-${c.id}`,
    citizenId: c.id,
    nationalId: c.nationalId,
    code,
    expiresAt: Date.now() + 600_000,
    locale: 'zh-TW',
  });
  const configWith = (env: Record<string, string>, nodeEnv = 'test'): Config =>
    loadConfig({ NODE_ENV: nodeEnv, HEALTHBANK_SANDBOX: 'false', ...env });
  const smtpEnv = () => ({
    SMTP_URL: `smtp://127.0.0.1:${smtp?.port}`,
    SMTP_FROM: '健康存摺 <no-reply@mhb.example.tw>',
  });
  const smsEnv = () => ({ SMS_WEBHOOK_URL: hook?.url ?? '', SMS_WEBHOOK_SECRET: SMS_SECRET });

  /** Nothing in the log that names the citizen or their contacts in full, nor the code. */
  const expectDiscreet = (text: string, c: StoredCitizen, code = '042137') => {
    expect(text).not.toContain(c.nationalId);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(MOBILE);
    expect(text).not.toContain('0912345678');
    expect(text).not.toContain(code);
  };

  beforeAll(async () => {
    t = await createTestDatabase(target);
    const population = [...fixturePopulation({ citizens: 16, recordsPerCitizen: 1 })];
    // Real citizens, as NHI's data load leaves them: these tests sign in to production.
    await seedPopulation(t.db, population, { synthetic: false });
    citizens = await Promise.all(
      population.map(async (p) => (await findCitizenByNationalId(t.db, p.citizen.nationalId)) as StoredCitizen),
    );
    cert = await throwawayCertificate();
  });
  afterEach(async () => {
    await smtp?.close();
    await hook?.close();
    smtp = undefined;
    hook = undefined;
  });
  afterAll(() => t?.dispose());

  it('sends by e-mail and by SMS to the citizen’s own contacts, and logs only masked details', async () => {
    smtp = await startSmtpServer();
    hook = await startSmsHook();
    const c = freshCitizen();
    await setCitizenContacts(t.db, c.id, { email: EMAIL, mobile: '0912345678' });
    const { log, lines, text } = recordingLog();
    await createMessageChannel({ config: configWith({ ...smtpEnv(), ...smsEnv() }), db: t.db, log }).deliver(
      messageFor(c),
    );
    const mail = await smtp.mail.next();
    expect(mail.envelope.to).toEqual([EMAIL]);
    expect(mail.text).toContain('042137');
    const sms = JSON.parse((await hook.requests.next()).body);
    expect(sms.to).toBe(MOBILE);
    expect(sms.text).toContain('042137');
    expect(lines.filter((l) => l.msg === 'one-time sign-in code sent').map((l) => l.fields)).toEqual(
      expect.arrayContaining([
        { citizen: `${c.nationalId.slice(0, 3)}****${c.nationalId.slice(7)}`, channel: 'email', to: 'c***@example.tw' },
        { citizen: `${c.nationalId.slice(0, 3)}****${c.nationalId.slice(7)}`, channel: 'sms', to: '+8869*****678' },
      ]),
    );
    expectDiscreet(text(), c);
  });

  it('still sends the e-mail when the SMS hook fails, and logs the failure masked', async () => {
    smtp = await startSmtpServer();
    hook = await startSmsHook(() => 503);
    const c = freshCitizen();
    await setCitizenContacts(t.db, c.id, { email: EMAIL, mobile: '0912345678' });
    const { log, lines, text } = recordingLog();
    const channel = createMessageChannel({ config: configWith({ ...smtpEnv(), ...smsEnv() }), db: t.db, log });
    await expect(channel.deliver(messageFor(c))).resolves.toBeUndefined();
    expect((await smtp.mail.next()).envelope.to).toEqual([EMAIL]);
    const failure = lines.find((l) => l.level === 'error');
    expect(failure?.msg).toBe('one-time sign-in code delivery failed');
    expect(failure?.fields).toMatchObject({ channel: 'sms', to: '+8869*****678', err: { message: /503/ } });
    expectDiscreet(text(), c);
  });

  it('still sends the SMS when the relay rejects the address, without logging the address it quotes', async () => {
    smtp = await startSmtpServer({ rejectRecipient: (address) => `<${address}>: Recipient address rejected` });
    hook = await startSmsHook();
    const c = freshCitizen();
    await setCitizenContacts(t.db, c.id, { email: EMAIL, mobile: '0912345678' });
    const { log, lines, text } = recordingLog();
    await createMessageChannel({ config: configWith({ ...smtpEnv(), ...smsEnv() }), db: t.db, log }).deliver(
      messageFor(c),
    );
    expect(JSON.parse((await hook.requests.next()).body).to).toBe(MOBILE);
    const failure = lines.find((l) => l.level === 'error');
    expect(failure?.fields).toMatchObject({ channel: 'email', to: 'c***@example.tw', err: { responseCode: 550 } });
    expect(JSON.stringify(failure)).toContain('Recipient address rejected');
    expectDiscreet(text(), c);
  });

  it('sends nothing to a citizen without contacts, and warns with the masked national ID only', async () => {
    smtp = await startSmtpServer();
    hook = await startSmsHook();
    const c = freshCitizen();
    const { log, lines, text } = recordingLog();
    await createMessageChannel({ config: configWith({ ...smtpEnv(), ...smsEnv() }), db: t.db, log }).deliver(
      messageFor(c),
    );
    expect(smtp.mailFrom).toEqual([]);
    expect(hook.requests.all).toEqual([]);
    expect(lines).toEqual([
      {
        level: 'warn',
        fields: { citizen: `${c.nationalId.slice(0, 3)}****${c.nationalId.slice(7)}`, channels: ['email', 'sms'] },
        msg: 'one-time sign-in code not sent: the citizen has no contact for the configured channels',
      },
    ]);
    expectDiscreet(text(), c);
  });

  it('sends nothing when the citizen’s only contact is of a kind no channel serves', async () => {
    smtp = await startSmtpServer();
    const c = freshCitizen();
    await setCitizenContacts(t.db, c.id, { mobile: '0912345678' });
    const { log, lines } = recordingLog();
    await createMessageChannel({ config: configWith(smtpEnv()), db: t.db, log }).deliver(messageFor(c));
    expect(smtp.mailFrom).toEqual([]);
    expect(lines.map((l) => l.level)).toEqual(['warn']);
  });

  it('puts the code in that warning in development only', async () => {
    smtp = await startSmtpServer();
    const c = freshCitizen();
    const { log, lines } = recordingLog();
    await createMessageChannel({ config: configWith(smtpEnv(), 'development'), db: t.db, log }).deliver(
      messageFor(c, '555123'),
    );
    expect(lines[0]?.fields.code).toBe('555123');
  });

  it('does not even look the contacts up before the request has been answered', async () => {
    smtp = await startSmtpServer();
    const c = freshCitizen();
    let lookups = 0;
    const db: Database = {
      get kysely() {
        lookups++;
        return t.db.kysely;
      },
      dialect: t.db.dialect,
      close: async () => undefined,
    };
    const { log } = recordingLog();
    const pending = createMessageChannel({ config: configWith(smtpEnv()), db, log }).deliver(messageFor(c));
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(lookups).toBe(0);
    await pending;
    expect(lookups).toBe(1);
  });

  it('in production, refuses a relay without STARTTLS and trusts only verified certificates', async () => {
    const c = freshCitizen();
    await setCitizenContacts(t.db, c.id, { email: EMAIL });
    const production = (env: Record<string, string>): Config => ({
      ...configWith(env),
      environment: 'production',
    });

    smtp = await startSmtpServer();
    const refused = recordingLog();
    await createMessageChannel({ config: production(smtpEnv()), db: t.db, log: refused.log }).deliver(messageFor(c));
    expect(smtp.mailFrom).toEqual([]);
    expect(refused.lines.map((l) => l.level)).toEqual(['error']);
    await smtp.close();

    smtp = await startSmtpServer({ tls: cert });
    const trusted = recordingLog();
    await createMessageChannel({
      config: production(smtpEnv()),
      db: t.db,
      log: trusted.log,
      smtpCa: cert.cert,
    }).deliver(messageFor(c));
    expect((await smtp.mail.next()).secure).toBe(true);
  });

  it('logs codes when nothing is configured outside production, and refuses production', () => {
    const { log } = recordingLog();
    const bare = loadConfig({ NODE_ENV: 'test', HEALTHBANK_SANDBOX: 'false' });
    expect(createMessageChannel({ config: bare, db: t.db, log })).toBeDefined();
    expect(() => createMessageChannel({ config: { ...bare, environment: 'production' }, db: t.db, log })).toThrow(
      /SMTP_URL or SMS_WEBHOOK_URL/,
    );
  });

  it('refuses at start an SMS secret the gateway’s library would read differently', () => {
    const { log } = recordingLog();
    const config = configWith({ SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms', SMS_WEBHOOK_SECRET: '#'.repeat(40) });
    expect(() => createMessageChannel({ config, db: t.db, log })).toThrow(/SMS_WEBHOOK_SECRET must be base64/);
  });
});
