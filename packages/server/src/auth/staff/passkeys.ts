/**
 * Passkeys for staff: reviewers decide who reaches real citizens' records, so the console takes a
 * passkey (possession plus user verification: phishing-resistant, ASVS V6.5.x / NIST AAL3-like)
 * rather than a code sent to a mailbox. The first passkey is enrolled right after an e-mail code
 * sign-in; from then on the console takes the passkey alone.
 *
 * The ceremony's choices are the citizens' (`signin/passkeys/passkeys.ts`): discoverable
 * credentials, user verification required, 'none' attestation, our origin and RP ID only,
 * stateless single-use challenges, counters that must grow when kept.
 */
import { hkdfSync } from 'node:crypto';
import {
  type AuthenticationResponseJSON,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
} from '@simplewebauthn/server';
import type { Database } from '../../db/index.js';
import { mintChallenge } from '../signin/challenges.js';
import { mac, safeEqual } from '../signin/keys.js';
import { WEBAUTHN_CHALLENGE_TTL_MS, WEBAUTHN_TIMEOUT_MS } from '../signin/limits.js';
import {
  PASSKEY_ALGORITHMS,
  parseCredential,
  verifyPasskeyAssertion,
  verifyPasskeyRegistration,
} from '../signin/passkeys/passkeys.js';
import { millis } from '../tables.js';
import type { StaffAccount } from './accounts.js';
import { type StaffKind, staffKysely } from './tables.js';

export interface StaffPasskeyContext {
  db: Database;
  /** Challenge and user-handle keys, derived from the deployment's secret. */
  keys: { challenge: Buffer; user: Buffer };
  rp: { id: string; origin: string; name: string };
}

export function staffPasskeyKeys(secret: string): StaffPasskeyContext['keys'] {
  const derive = (purpose: string) =>
    Buffer.from(hkdfSync('sha256', secret, 'healthbank', `auth/staff/${purpose}`, 32));
  return { challenge: derive('challenge'), user: derive('user') };
}

/** Opaque, stable user handle (WebAuthn §14.6.1: no personal data in it). */
const userHandleOf = (ctx: StaffPasskeyContext, accountId: string) =>
  new Uint8Array(mac(ctx.keys.user, 'staff', accountId));

export async function hasStaffPasskey(db: Database, accountId: string): Promise<boolean> {
  const row = await staffKysely(db)
    .selectFrom('staff_passkeys')
    .select('credential_id')
    .where('account_id', '=', accountId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function staffRegistrationOptions(
  ctx: StaffPasskeyContext,
  account: StaffAccount,
  now: number,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await staffKysely(ctx.db)
    .selectFrom('staff_passkeys')
    .select(['credential_id', 'transports'])
    .where('account_id', '=', account.id)
    .execute();
  return generateRegistrationOptions({
    rpName: ctx.rp.name,
    rpID: ctx.rp.id,
    userName: account.email,
    userDisplayName: account.name,
    userID: userHandleOf(ctx, account.id),
    challenge: new Uint8Array(
      Buffer.from(
        mintChallenge(
          ctx.keys.challenge,
          { purpose: 'passkey.create', binding: account.id },
          now,
          WEBAUTHN_CHALLENGE_TTL_MS,
        ),
        'base64url',
      ),
    ),
    timeout: WEBAUTHN_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((c) => ({
      id: c.credential_id,
      transports: JSON.parse(c.transports) as string[],
    })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
  });
}

/** Verifies a registration for the signed-in account and stores the passkey; false for any refusal. */
export async function registerStaffPasskey(
  ctx: StaffPasskeyContext,
  account: StaffAccount,
  json: string,
  now: number,
): Promise<boolean> {
  const registration = await verifyPasskeyRegistration({
    db: ctx.db,
    json,
    challengeKey: ctx.keys.challenge,
    binding: account.id,
    rp: ctx.rp,
    now,
  });
  if (!registration) return false;
  const { credential } = registration;
  const inserted = await staffKysely(ctx.db)
    .insertInto('staff_passkeys')
    .values({
      credential_id: credential.id,
      account_id: account.id,
      public_key: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: JSON.stringify(credential.transports ?? []),
      created_at: now,
    })
    .onConflict((oc) => oc.column('credential_id').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** A sign-in challenge, bound to the portal it is for (single use once spent). */
export function staffRequestOptions(ctx: StaffPasskeyContext, kind: StaffKind, now: number) {
  return {
    challenge: mintChallenge(
      ctx.keys.challenge,
      { purpose: 'passkey.get', binding: `staff:${kind}` },
      now,
      WEBAUTHN_CHALLENGE_TTL_MS,
    ),
    rpId: ctx.rp.id,
    timeout: WEBAUTHN_TIMEOUT_MS,
    userVerification: 'required' as const,
  };
}

/** Verifies an assertion; the account of that kind it proves, or undefined. */
export async function authenticateStaffPasskey(
  ctx: StaffPasskeyContext,
  kind: StaffKind,
  json: string,
  now: number,
): Promise<string | undefined> {
  const response = parseCredential<AuthenticationResponseJSON>(json);
  if (!response || !/^[A-Za-z0-9_-]{16,1366}$/.test(response.id)) return undefined;
  const store = staffKysely(ctx.db);
  const stored = await store
    .selectFrom('staff_passkeys')
    .innerJoin('staff_accounts', 'staff_accounts.id', 'staff_passkeys.account_id')
    .select([
      'staff_passkeys.credential_id',
      'staff_passkeys.account_id',
      'staff_passkeys.public_key',
      'staff_passkeys.counter',
      'staff_passkeys.transports',
    ])
    .where('staff_passkeys.credential_id', '=', response.id)
    .where('staff_accounts.kind', '=', kind)
    .executeTakeFirst();
  if (!stored) return undefined;
  const userHandle = response.response.userHandle;
  if (
    userHandle !== undefined &&
    !safeEqual(userHandle, Buffer.from(userHandleOf(ctx, stored.account_id)).toString('base64url'))
  ) {
    return undefined;
  }
  const storedCounter = millis(stored.counter);
  const newCounter = await verifyPasskeyAssertion({
    db: ctx.db,
    response,
    stored: {
      id: stored.credential_id,
      publicKey: stored.public_key,
      counter: storedCounter,
      transports: stored.transports,
    },
    challengeKey: ctx.keys.challenge,
    binding: `staff:${kind}`,
    rp: ctx.rp,
    now,
  });
  if (newCounter === undefined) return undefined;
  // A cloned authenticator shows a counter that did not grow (WebAuthn §6.1.1); the update only
  // lands if the counter is still the value verified against.
  const moved = await store
    .updateTable('staff_passkeys')
    .set({ counter: newCounter })
    .where('credential_id', '=', stored.credential_id)
    .where('counter', '=', storedCounter)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1 ? stored.account_id : undefined;
}
