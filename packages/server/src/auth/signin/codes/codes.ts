/**
 * One-time codes for NHI card sign-in.
 *
 * A citizen claims an identity (national ID, NHI card number, birth date). Every claim gets a
 * challenge, whether or not it matches a citizen, and the same answer, so the sign-in form
 * cannot be used to learn who is insured or which card belongs to whom (ASVS V2.2 / V3, no
 * account enumeration). Only a matching claim has its code sent, and only its challenge can
 * succeed. Locks and send limits are kept per claimed identity (a keyed digest of all three
 * details), so they behave identically for matching and non-matching claims, and nobody who
 * knows only a national ID can lock its owner out.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Clock } from '../../../clock.js';
import { type CitizenScope, type Database, findCitizenByNationalId } from '../../../db/index.js';
import type { Locale } from '../../../pages/i18n.js';
import { mac, type SigninKeys, safeEqual } from '../keys.js';
import {
  CODE_DIGITS,
  CODE_SEND_WINDOW_MS,
  CODE_TTL_MS,
  LOCK_DURATION_MS,
  MAX_CODE_FAILURES,
  MAX_CODE_SENDS_PER_HOUR,
} from '../limits.js';
import { millis, signinKysely } from '../tables.js';
import type { MessageChannel } from './channel.js';
import { openShownCode, sealShownCode } from './shown-codes.js';

/** The details a citizen types in, already checked for shape (see `nhi-form.ts`). */
export interface IdentityClaim {
  nationalId: string;
  /** 12 digits. */
  nhiCardNumber: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
}

export type CodeRequestOutcome =
  /** Said for every claim that is neither locked nor over its send limit. */
  | { status: 'issued'; challengeId: string; expiresAt: number }
  | { status: 'locked'; retryAfterMs: number }
  | { status: 'limited'; retryAfterMs: number };

export type CodeCheckOutcome =
  | { status: 'signed_in'; citizenId: number }
  | { status: 'wrong' }
  /** Unknown, expired or already used challenge. */
  | { status: 'expired' }
  | { status: 'locked'; retryAfterMs: number };

export interface OneTimeCodesOptions {
  db: Database;
  clock: Clock;
  keys: SigninKeys;
  channel: MessageChannel;
  /** Called when a channel fails to deliver (delivery is not awaited). */
  onDeliveryError?: (error: unknown) => void;
  /** The realm's citizens only: the sandbox never sends a code to a real citizen. */
  scope?: CitizenScope;
  /**
   * Sandbox only: the key codes are sealed with for the code page to show them
   * ({@link OneTimeCodes.shownCode}; `shown-codes.ts`). Absent, no code is ever kept for display.
   */
  shownCodeKey?: Buffer;
}

/** Challenge ids are 256-bit random, base64url. */
export const CHALLENGE_ID = /^[A-Za-z0-9_-]{43}$/;

/** Stand-ins compared against when no citizen has the claimed national ID, so both paths do the same work. */
const ABSENT = { nhiCardNumber: '000000000000', birthDate: '0000-00-00' };

/**
 * The code service. Every method reads the injected clock, so expiry, locks and send windows
 * are tested by moving time.
 *
 * @example
 * ```ts
 * const codes = new OneTimeCodes({ db, clock: systemClock, keys: deriveSigninKeys(secret), channel });
 * const sent = await codes.request({ nationalId, nhiCardNumber, birthDate }, uid, 'zh-TW');
 * if (sent.status === 'issued') {
 *   const outcome = await codes.check(sent.challengeId, '123456', uid);
 * }
 * ```
 */
export class OneTimeCodes {
  constructor(private readonly opts: OneTimeCodesOptions) {}

  /** Starts a sign-in for a claimed identity: a challenge, and a code sent when the claim matches. */
  async request(claim: IdentityClaim, interaction: string, locale: Locale): Promise<CodeRequestOutcome> {
    const { db, clock } = this.opts;
    const now = clock.now();
    const identityKey = this.identityKey(claim);

    const lockedFor = await this.lockedFor(identityKey, now);
    if (lockedFor > 0) return { status: 'locked', retryAfterMs: lockedFor };

    const citizen = await findCitizenByNationalId(db, claim.nationalId, this.opts.scope);
    // Both comparisons always run, and in constant time (ASVS V2.9.3 / V3: no timing oracle).
    const cardMatches = safeEqual(claim.nhiCardNumber, citizen?.nhiCardNumber ?? ABSENT.nhiCardNumber);
    const birthMatches = safeEqual(claim.birthDate, citizen?.birthDate ?? ABSENT.birthDate);
    const citizenId = citizen && cardMatches && birthMatches ? citizen.id : null;

    const challengeId = randomBytes(32).toString('base64url');
    const code = generateCode();
    const expiresAt = now + CODE_TTL_MS;
    const store = signinKysely(db);
    await store
      .insertInto('signin_codes')
      .values({
        id: challengeId,
        identity_key: identityKey,
        citizen_id: citizenId,
        interaction,
        code_hash: this.codeHash(challengeId, code),
        created_at: now,
        expires_at: expiresAt,
        // In the same insert as the challenge: committed before the redirect to the code page, so
        // any server process can show it there (a sandbox reveals matches on the page anyway).
        sandbox_code:
          this.opts.shownCodeKey && citizenId !== null
            ? sealShownCode(this.opts.shownCodeKey, challengeId, code)
            : null,
      })
      .execute();

    // Insert first, then count: two concurrent requests cannot both slip under the limit.
    const window = await store
      .selectFrom('signin_codes')
      .select((eb) => [eb.fn.countAll<number | string>().as('sends'), eb.fn.min('created_at').as('oldest')])
      .where('identity_key', '=', identityKey)
      .where('created_at', '>', now - CODE_SEND_WINDOW_MS)
      .executeTakeFirstOrThrow();
    if (Number(window.sends) > MAX_CODE_SENDS_PER_HOUR) {
      await store.deleteFrom('signin_codes').where('id', '=', challengeId).execute();
      const oldest = window.oldest === null ? now : millis(window.oldest);
      return { status: 'limited', retryAfterMs: Math.max(1, oldest + CODE_SEND_WINDOW_MS - now) };
    }

    if (citizen && citizenId !== null) {
      // Not awaited: the answer must not take longer because a message went out.
      this.opts.channel
        .deliver({ challengeId, citizenId, nationalId: citizen.nationalId, code, expiresAt, locale })
        .catch((error: unknown) => this.opts.onDeliveryError?.(error));
    }
    return { status: 'issued', challengeId, expiresAt };
  }

  /**
   * Checks a code against its challenge. A right code signs in once; a wrong one counts
   * against the claimed identity, and the {@link MAX_CODE_FAILURES}th in a row locks it for
   * {@link LOCK_DURATION_MS}.
   */
  async check(challengeId: string, code: string, interaction: string): Promise<CodeCheckOutcome> {
    const { db, clock } = this.opts;
    const now = clock.now();
    const store = signinKysely(db);
    const challenge = CHALLENGE_ID.test(challengeId)
      ? await store.selectFrom('signin_codes').selectAll().where('id', '=', challengeId).executeTakeFirst()
      : undefined;
    if (!challenge || challenge.interaction !== interaction) return { status: 'expired' };

    const lockedFor = await this.lockedFor(challenge.identity_key, now);
    if (lockedFor > 0) return { status: 'locked', retryAfterMs: lockedFor };
    if (challenge.consumed_at !== null || millis(challenge.expires_at) <= now) return { status: 'expired' };

    const right = safeEqual(this.codeHash(challengeId, code), challenge.code_hash);
    if (right && challenge.citizen_id !== null) {
      // Single use, also under concurrency: only the request that flips consumed_at wins.
      const consumed = await store
        .updateTable('signin_codes')
        .set({ consumed_at: now })
        .where('id', '=', challengeId)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      if (Number(consumed.numUpdatedRows) !== 1) return { status: 'expired' };
      await store.deleteFrom('signin_failures').where('identity_key', '=', challenge.identity_key).execute();
      return { status: 'signed_in', citizenId: challenge.citizen_id };
    }

    const failures = await store
      .insertInto('signin_failures')
      .values({ identity_key: challenge.identity_key, failures: 1, locked_until: null, updated_at: now })
      .onConflict((oc) =>
        oc.column('identity_key').doUpdateSet((eb) => ({
          failures: eb('signin_failures.failures', '+', 1),
          updated_at: now,
        })),
      )
      .returning('failures')
      .executeTakeFirstOrThrow();
    if (failures.failures < MAX_CODE_FAILURES) return { status: 'wrong' };

    await store
      .updateTable('signin_failures')
      .set({ failures: 0, locked_until: now + LOCK_DURATION_MS, updated_at: now })
      .where('identity_key', '=', challenge.identity_key)
      .execute();
    await store.updateTable('signin_codes').set({ consumed_at: now }).where('id', '=', challengeId).execute();
    return { status: 'locked', retryAfterMs: LOCK_DURATION_MS };
  }

  /**
   * Sandbox only: the code sent for a challenge, while it can still be used (unexpired, unused);
   * undefined outside a sandbox, for a challenge that matched nobody, or an unknown one.
   */
  async shownCode(challengeId: string): Promise<string | undefined> {
    const key = this.opts.shownCodeKey;
    if (!key || !CHALLENGE_ID.test(challengeId)) return undefined;
    const row = await signinKysely(this.opts.db)
      .selectFrom('signin_codes')
      .select('sandbox_code')
      .where('id', '=', challengeId)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', this.opts.clock.now())
      .executeTakeFirst();
    return row ? openShownCode(key, challengeId, row.sandbox_code) : undefined;
  }

  /** Milliseconds until the identity's lock ends; 0 when not locked. */
  private async lockedFor(identityKey: string, now: number): Promise<number> {
    const row = await signinKysely(this.opts.db)
      .selectFrom('signin_failures')
      .select('locked_until')
      .where('identity_key', '=', identityKey)
      .executeTakeFirst();
    const until = row ? millis(row.locked_until) : null;
    return until !== null && until > now ? until - now : 0;
  }

  /** A keyed digest of the whole claim: the key of locks and send counts, never reversible. */
  private identityKey(claim: IdentityClaim): string {
    return mac(this.opts.keys.identity, claim.nationalId, claim.nhiCardNumber, claim.birthDate).toString('base64url');
  }

  /** Codes are stored as HMACs bound to their challenge (ASVS V2.7.x: no secret in clear at rest). */
  private codeHash(challengeId: string, code: string): string {
    return mac(this.opts.keys.code, challengeId, code).toString('base64url');
  }
}

/** A uniformly random code from the CSPRNG (ASVS V2.7.4 / V6.3.1), zero-padded. */
export function generateCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}
