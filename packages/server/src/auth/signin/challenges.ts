/**
 * WebAuthn challenges without server state on GET: a challenge is a random nonce, its expiry and
 * an HMAC over both plus what it is for (the purpose and the interaction or pending sign-in it
 * belongs to). Pages can offer one without writing anything (no state change on GET); the POST
 * that uses it checks the tag and expiry, then records it as spent so it works once.
 * W3C WebAuthn Level 3 §13.4.3: challenges are random, ≥ 16 bytes, and verified by the server.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../db/index.js';
import { mac, safeEqual } from './keys.js';
import { signinKysely } from './tables.js';

export type ChallengePurpose = 'passkey.get' | 'passkey.create';

const NONCE_BYTES = 16;
const TAG_BYTES = 32;

export interface ChallengeScope {
  purpose: ChallengePurpose;
  /** What the challenge is bound to: the interaction id, or the pending sign-in. */
  binding: string;
}

/** A fresh challenge (base64url) valid until `now + ttlMs`. */
export function mintChallenge(key: Buffer, scope: ChallengeScope, now: number, ttlMs: number): string {
  const nonce = randomBytes(NONCE_BYTES);
  const expiry = Buffer.alloc(8);
  expiry.writeBigUInt64BE(BigInt(now + ttlMs));
  const tag = mac(key, scope.purpose, scope.binding, nonce, expiry);
  return Buffer.concat([nonce, expiry, tag]).toString('base64url');
}

/** The challenge's expiry when it is ours, for this scope, and not yet expired; otherwise undefined. */
export function checkChallenge(key: Buffer, challenge: string, scope: ChallengeScope, now: number): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(challenge)) return undefined;
  const bytes = Buffer.from(challenge, 'base64url');
  if (bytes.length !== NONCE_BYTES + 8 + TAG_BYTES) return undefined;
  const nonce = bytes.subarray(0, NONCE_BYTES);
  const expiry = bytes.subarray(NONCE_BYTES, NONCE_BYTES + 8);
  const tag = bytes.subarray(NONCE_BYTES + 8);
  if (!safeEqual(tag, mac(key, scope.purpose, scope.binding, nonce, expiry))) return undefined;
  const expiresAt = Number(expiry.readBigUInt64BE());
  return expiresAt > now ? expiresAt : undefined;
}

/**
 * Marks a challenge spent; false when it already was (a replay). The primary key makes this
 * atomic across server instances.
 */
export async function spendChallenge(db: Database, challenge: string, expiresAt: number): Promise<boolean> {
  const challengeHash = createHash('sha256').update(challenge).digest('base64url');
  const inserted = await signinKysely(db)
    .insertInto('signin_spent_challenges')
    .values({ challenge_hash: challengeHash, expires_at: expiresAt })
    .onConflict((oc) => oc.column('challenge_hash').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
}
