/**
 * One-time e-mail codes for staff sign-in. Six digits, ten minutes, single use; the database keeps
 * only an HMAC of each code. Five wrong codes lock the account for fifteen minutes and void its
 * open codes (資通系統防護基準 "帳號鎖定"; ASVS V6.3.1 against brute force). An address that has no
 * account gets a challenge id like any other, and nothing is sent (ASVS V6.3.8: no enumeration).
 */
import { createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../db/index.js';
import { inTransaction } from '../../db/transaction.js';
import { openShownCode, sealShownCode } from '../signin/codes/shown-codes.js';
import { CODE_TTL_MS } from '../signin/limits.js';
import { millis } from '../tables.js';
import { findStaffByEmail, type StaffAccount } from './accounts.js';
import { type StaffKind, staffKysely } from './tables.js';

/** As long as citizens' codes: the e-mail that carries one states that validity. */
export const STAFF_CODE_TTL_MS = CODE_TTL_MS;
export const STAFF_MAX_FAILURES = 5;
export const STAFF_LOCK_MS = 15 * 60_000;
export const STAFF_MAX_LIVE_CODES = 3;
/**
 * Sign-in attempts (code requests, codes, passkeys) one client address may make per lockout window:
 * the per-account lockout stops guessing at one account, this stops spraying guesses across many.
 * Counted in the database (`signin_rate_limits`), so the bound holds across every server process.
 */
export const STAFF_ATTEMPTS_PER_ADDRESS = 30;
/** Challenge ids are 32 random bytes, base64url. */
export const STAFF_CHALLENGE_ID = /^[A-Za-z0-9_-]{43}$/;

export function staffCodeKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'healthbank', 'auth/staff/code', 32));
}

function codeMac(key: Buffer, challengeId: string, code: string): string {
  return createHmac('sha256', key).update(`${challengeId}:${code}`).digest('base64url');
}

export interface StaffCodeRequest {
  challengeId: string;
  /** What to deliver; absent when the address has no account or the account is locked. */
  delivery?: { account: StaffAccount; code: string; expiresAt: number };
}

export async function requestStaffCode(
  db: Database,
  o: {
    kind: StaffKind;
    email: string;
    key: Buffer;
    now: number;
    /** Outside production: codes are kept sealed for the code page to show ({@link shownStaffCode}). */
    shownKey?: Buffer;
  },
): Promise<StaffCodeRequest> {
  const challengeId = randomBytes(32).toString('base64url');
  const account = await findStaffByEmail(db, o.kind, o.email);
  if (!account) return { challengeId };
  const store = staffKysely(db);
  const lock = await store
    .selectFrom('staff_accounts')
    .select('locked_until')
    .where('id', '=', account.id)
    .executeTakeFirstOrThrow();
  if (lock.locked_until !== null && millis(lock.locked_until) > o.now) return { challengeId };
  // ASVS V6.3.1: a mailbox is not flooded and codes are not sprayed: a few live codes per account.
  const live = await store
    .selectFrom('staff_codes')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', account.id)
    .where('expires_at', '>', o.now)
    .where('consumed_at', 'is', null)
    .executeTakeFirstOrThrow();
  if (Number(live.n) >= STAFF_MAX_LIVE_CODES) return { challengeId };
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const expiresAt = o.now + STAFF_CODE_TTL_MS;
  await store
    .insertInto('staff_codes')
    .values({
      id: challengeId,
      account_id: account.id,
      code_mac: codeMac(o.key, challengeId, code),
      expires_at: expiresAt,
      sandbox_code: o.shownKey ? sealShownCode(o.shownKey, challengeId, code) : null,
    })
    .execute();
  return { challengeId, delivery: { account, code, expiresAt } };
}

/** Outside production: the code of a challenge while it can still be used, for the code page. */
export async function shownStaffCode(
  db: Database,
  o: { challengeId: string; shownKey: Buffer; now: number },
): Promise<string | undefined> {
  if (!STAFF_CHALLENGE_ID.test(o.challengeId)) return undefined;
  const row = await staffKysely(db)
    .selectFrom('staff_codes')
    .select('sandbox_code')
    .where('id', '=', o.challengeId)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', o.now)
    .executeTakeFirst();
  return row ? openShownCode(o.shownKey, o.challengeId, row.sandbox_code) : undefined;
}

export type StaffCodeCheck = { ok: true; accountId: string } | { ok: false; reason: 'wrong' | 'expired' | 'locked' };

/** Checks a code; counts a failure against the account, locking it at the fifth. */
export async function checkStaffCode(
  db: Database,
  o: { challengeId: string; code: string; key: Buffer; now: number },
): Promise<StaffCodeCheck> {
  if (!STAFF_CHALLENGE_ID.test(o.challengeId)) return { ok: false, reason: 'expired' };
  return inTransaction(db, async (tx) => {
    const store = staffKysely(tx);
    const row = await store
      .selectFrom('staff_codes')
      .innerJoin('staff_accounts', 'staff_accounts.id', 'staff_codes.account_id')
      .select([
        'staff_codes.account_id',
        'staff_codes.code_mac',
        'staff_codes.expires_at',
        'staff_accounts.locked_until',
      ])
      .where('staff_codes.id', '=', o.challengeId)
      .where('staff_codes.consumed_at', 'is', null)
      .executeTakeFirst();
    if (!row || millis(row.expires_at) <= o.now) return { ok: false, reason: 'expired' } as const;
    if (row.locked_until !== null && millis(row.locked_until) > o.now) return { ok: false, reason: 'locked' } as const;
    const expected = Buffer.from(row.code_mac);
    const actual = Buffer.from(/^\d{6}$/.test(o.code) ? codeMac(o.key, o.challengeId, o.code) : '');
    if (expected.length === actual.length && timingSafeEqual(expected, actual)) {
      await store.updateTable('staff_codes').set({ consumed_at: o.now }).where('id', '=', o.challengeId).execute();
      await store.updateTable('staff_accounts').set({ failures: 0 }).where('id', '=', row.account_id).execute();
      return { ok: true, accountId: row.account_id } as const;
    }
    // One statement counts the failure, so concurrent guesses cannot each see four (PostgreSQL row lock).
    const counted = await store
      .updateTable('staff_accounts')
      .set({ failures: sql`failures + 1` })
      .where('id', '=', row.account_id)
      .returning('failures')
      .executeTakeFirstOrThrow();
    if (counted.failures < STAFF_MAX_FAILURES) return { ok: false, reason: 'wrong' } as const;
    await store
      .updateTable('staff_accounts')
      .set({ failures: 0, locked_until: o.now + STAFF_LOCK_MS })
      .where('id', '=', row.account_id)
      .execute();
    await store
      .updateTable('staff_codes')
      .set({ consumed_at: o.now })
      .where('account_id', '=', row.account_id)
      .where('consumed_at', 'is', null)
      .execute();
    return { ok: false, reason: 'locked' } as const;
  });
}
