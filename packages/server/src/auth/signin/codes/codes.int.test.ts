import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../clock.js';
import { fixturePopulation } from '../../../db/fixtures.js';
import { findCitizenByNationalId, type StoredCitizen, seedPopulation } from '../../../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../../../db/testing.js';
import { deriveSigninKeys } from '../keys.js';
import {
  CODE_DIGITS,
  CODE_SEND_WINDOW_MS,
  CODE_TTL_MS,
  LOCK_DURATION_MS,
  MAX_CODE_FAILURES,
  MAX_CODE_SENDS_PER_HOUR,
} from '../limits.js';
import { FAILURE_MEMORY_MS, purgeSigninState } from '../purge.js';
import { signinKysely } from '../tables.js';
import type { CodeMessage, MessageChannel } from './channel.js';
import { generateCode, type IdentityClaim, OneTimeCodes } from './codes.js';

const UID = 'interaction-uid-0000001';
const OTHER_UID = 'interaction-uid-0000002';
const SECOND = 1000;
const MINUTE = 60 * SECOND;

class RecordingChannel implements MessageChannel {
  messages: CodeMessage[] = [];
  async deliver(message: CodeMessage): Promise<void> {
    this.messages.push(message);
  }
  last(): CodeMessage {
    const m = this.messages.at(-1);
    if (!m) throw new Error('no message was sent');
    return m;
  }
}

/** A wrong code for a message: same length, never equal. */
const wrong = (code: string) => String((Number(code) + 1) % 10 ** CODE_DIGITS).padStart(CODE_DIGITS, '0');

describe.each(testDatabases())('one-time codes on $label', (target) => {
  let t: TestDatabase;
  let citizens: StoredCitizen[];
  let clock: ManualClock;
  let channel: RecordingChannel;
  let codes: OneTimeCodes;
  let next = 0;

  /** Each test signs in as its own citizen, so locks and send counts never leak between tests. */
  const claimOf = (c: StoredCitizen): IdentityClaim => ({
    nationalId: c.nationalId,
    nhiCardNumber: c.nhiCardNumber,
    birthDate: c.birthDate,
  });
  const freshCitizen = () => {
    const c = citizens[next++];
    if (!c) throw new Error('not enough fixture citizens');
    return c;
  };
  const issue = async (claim: IdentityClaim, uid = UID) => {
    const r = await codes.request(claim, uid, 'zh-TW');
    if (r.status !== 'issued') throw new Error(`expected issued, got ${r.status}`);
    return r;
  };

  beforeAll(async () => {
    t = await createTestDatabase(target);
    const population = [...fixturePopulation({ citizens: 20, recordsPerCitizen: 1 })];
    await seedPopulation(t.db, population);
    citizens = await Promise.all(
      population.map(async (p) => (await findCitizenByNationalId(t.db, p.citizen.nationalId)) as StoredCitizen),
    );
  });
  afterAll(() => t?.dispose());
  beforeEach(() => {
    clock = new ManualClock();
    channel = new RecordingChannel();
    codes = new OneTimeCodes({ db: t.db, clock, keys: deriveSigninKeys('k'.repeat(40)), channel });
  });

  it('sends a 6-digit code to a matching citizen and signs in with it once', async () => {
    const citizen = freshCitizen();
    const sent = await issue(claimOf(citizen));
    expect(sent.expiresAt).toBe(clock.now() + CODE_TTL_MS);
    expect(channel.messages).toHaveLength(1);
    const message = channel.last();
    expect(message).toMatchObject({ challengeId: sent.challengeId, citizenId: citizen.id, locale: 'zh-TW' });
    expect(message.code).toMatch(/^\d{6}$/);

    expect(await codes.check(sent.challengeId, message.code, UID)).toEqual({
      status: 'signed_in',
      citizenId: citizen.id,
    });
    // Single use: the same right code never works twice.
    expect(await codes.check(sent.challengeId, message.code, UID)).toEqual({ status: 'expired' });
  });

  it('accepts a code until 10 minutes, and not at 10 minutes', async () => {
    const claim = claimOf(freshCitizen());
    const early = await issue(claim);
    const earlyCode = channel.last().code;
    const late = await issue(claim);
    const lateCode = channel.last().code;

    clock.advance(CODE_TTL_MS - 1);
    expect((await codes.check(early.challengeId, earlyCode, UID)).status).toBe('signed_in');
    clock.advance(1);
    expect(await codes.check(late.challengeId, lateCode, UID)).toEqual({ status: 'expired' });
  });

  it('binds a challenge to its interaction', async () => {
    const sent = await issue(claimOf(freshCitizen()));
    expect(await codes.check(sent.challengeId, channel.last().code, OTHER_UID)).toEqual({ status: 'expired' });
    expect((await codes.check(sent.challengeId, channel.last().code, UID)).status).toBe('signed_in');
  });

  it('locks the identity for 15 minutes after 5 wrong codes in a row, then unlocks', async () => {
    const claim = claimOf(freshCitizen());
    let sent = await issue(claim);
    let code = channel.last().code;
    for (let i = 1; i < MAX_CODE_FAILURES; i++) {
      expect(await codes.check(sent.challengeId, wrong(code), UID)).toEqual({ status: 'wrong' });
    }
    expect(await codes.check(sent.challengeId, wrong(code), UID)).toEqual({
      status: 'locked',
      retryAfterMs: LOCK_DURATION_MS,
    });
    // Locked: even the right code fails, and no new code is sent.
    expect(await codes.check(sent.challengeId, code, UID)).toEqual({
      status: 'locked',
      retryAfterMs: LOCK_DURATION_MS,
    });
    clock.advance(LOCK_DURATION_MS - MINUTE);
    expect(await codes.request(claim, UID, 'zh-TW')).toEqual({ status: 'locked', retryAfterMs: MINUTE });
    expect(channel.messages).toHaveLength(1);

    clock.advance(MINUTE);
    sent = await issue(claim);
    code = channel.last().code;
    // The lock reset the count: a wrong code now is the first of five again.
    expect(await codes.check(sent.challengeId, wrong(code), UID)).toEqual({ status: 'wrong' });
    expect((await codes.check(sent.challengeId, code, UID)).status).toBe('signed_in');
  });

  it('counts failures across challenges and forgets them after a success', async () => {
    const claim = claimOf(freshCitizen());
    for (let i = 1; i < MAX_CODE_FAILURES; i++) {
      const sent = await issue(claim);
      expect((await codes.check(sent.challengeId, wrong(channel.last().code), UID)).status).toBe('wrong');
    }
    let sent = await issue(claim);
    expect((await codes.check(sent.challengeId, channel.last().code, UID)).status).toBe('signed_in');
    for (let i = 1; i < MAX_CODE_FAILURES; i++) {
      sent = await issue(claim);
      expect((await codes.check(sent.challengeId, wrong(channel.last().code), UID)).status).toBe('wrong');
    }
  });

  it('sends at most 10 codes per hour per identity', async () => {
    const claim = claimOf(freshCitizen());
    for (let i = 0; i < MAX_CODE_SENDS_PER_HOUR; i++) {
      await issue(claim);
      clock.advance(MINUTE);
    }
    // The first send was 10 minutes ago: the window frees up 50 minutes from now.
    expect(await codes.request(claim, UID, 'zh-TW')).toEqual({ status: 'limited', retryAfterMs: 50 * MINUTE });
    expect(channel.messages).toHaveLength(MAX_CODE_SENDS_PER_HOUR);
    clock.advance(50 * MINUTE - 1);
    expect((await codes.request(claim, UID, 'zh-TW')).status).toBe('limited');
    clock.advance(1);
    await issue(claim);
    expect(channel.messages).toHaveLength(MAX_CODE_SENDS_PER_HOUR + 1);
  });

  it('answers a non-matching claim exactly like a matching one, and sends nothing', async () => {
    const citizen = freshCitizen();
    const other = citizens.at(-1) as StoredCitizen;
    const claims: [string, IdentityClaim][] = [
      ['wrong card number', { ...claimOf(citizen), nhiCardNumber: other.nhiCardNumber }],
      ['wrong birth date', { ...claimOf(citizen), birthDate: '1901-01-01' }],
      ['unknown national ID', { ...claimOf(citizen), nationalId: 'Z299999990' }],
    ];
    for (const [name, claim] of claims) {
      const sent = await codes.request(claim, UID, 'zh-TW');
      expect(Object.keys(sent).sort(), name).toEqual(['challengeId', 'expiresAt', 'status']);
      expect(sent.status, name).toBe('issued');
      if (sent.status !== 'issued') continue;
      expect(sent.expiresAt, name).toBe(clock.now() + CODE_TTL_MS);
      expect(sent.challengeId, name).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // No code can sign it in: every wrong guess is just "wrong", as for a real citizen.
      expect(await codes.check(sent.challengeId, '000000', UID), name).toEqual({ status: 'wrong' });
    }
    expect(channel.messages).toEqual([]);

    // Locks and send limits behave the same for a claim that matches nobody.
    const nobody: IdentityClaim = { nationalId: 'Z299999981', nhiCardNumber: '999999999999', birthDate: '1950-05-05' };
    const sent = await issue(nobody);
    for (let i = 1; i < MAX_CODE_FAILURES; i++)
      expect((await codes.check(sent.challengeId, '123456', UID)).status).toBe('wrong');
    expect(await codes.check(sent.challengeId, '123456', UID)).toEqual({
      status: 'locked',
      retryAfterMs: LOCK_DURATION_MS,
    });
    expect(await codes.request(nobody, UID, 'zh-TW')).toEqual({ status: 'locked', retryAfterMs: LOCK_DURATION_MS });
  });

  it('stores no code in clear, only a keyed digest', async () => {
    const citizen = freshCitizen();
    const sent = await issue(claimOf(citizen));
    const { code } = channel.last();
    const row = await signinKysely(t.db)
      .selectFrom('signin_codes')
      .selectAll()
      .where('id', '=', sent.challengeId)
      .executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(code);
    expect(stored).not.toContain(citizen.nationalId);
    expect(stored).not.toContain(citizen.nhiCardNumber);
    expect(row.code_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The digest is keyed: another server secret does not verify the same code.
    const otherKeys = new OneTimeCodes({ db: t.db, clock, keys: deriveSigninKeys('x'.repeat(40)), channel });
    expect(await otherKeys.check(sent.challengeId, code, UID)).toEqual({ status: 'wrong' });
  });

  it('rejects malformed and unknown challenge ids without touching any identity', async () => {
    expect(await codes.check('not-a-challenge', '123456', UID)).toEqual({ status: 'expired' });
    expect(await codes.check('A'.repeat(43), '123456', UID)).toEqual({ status: 'expired' });
  });

  it('purges codes after the send window, and spent state after expiry', async () => {
    const claim = claimOf(freshCitizen());
    const sent = await issue(claim);
    await codes.check(sent.challengeId, wrong(channel.last().code), UID);
    const exists = async () =>
      (await signinKysely(t.db).selectFrom('signin_codes').select('id').where('id', '=', sent.challengeId).execute())
        .length;
    await purgeSigninState(t.db, clock.now() + CODE_SEND_WINDOW_MS - 1);
    expect(await exists()).toBe(1);
    await purgeSigninState(t.db, clock.now() + CODE_SEND_WINDOW_MS);
    expect(await exists()).toBe(0);
    // The failure is remembered for a day without attempts, then forgotten.
    const failures = () => signinKysely(t.db).selectFrom('signin_failures').select('failures').execute();
    expect((await failures()).length).toBeGreaterThan(0);
    await purgeSigninState(t.db, clock.now() + FAILURE_MEMORY_MS + 10 * LOCK_DURATION_MS);
    expect(await failures()).toEqual([]);
  });
});

describe('generateCode', () => {
  it('makes 6-digit codes, zero-padded, spread over the whole range', () => {
    const seen = new Set<string>();
    let leadingZero = 0;
    for (let i = 0; i < 5000; i++) {
      const code = generateCode();
      expect(code).toMatch(/^\d{6}$/);
      seen.add(code);
      if (code.startsWith('0')) leadingZero++;
    }
    // 5000 draws from a million values: collisions are rare, and about a tenth start with 0.
    expect(seen.size).toBeGreaterThan(4950);
    expect(leadingZero).toBeGreaterThan(350);
    expect(leadingZero).toBeLessThan(650);
  });
});
