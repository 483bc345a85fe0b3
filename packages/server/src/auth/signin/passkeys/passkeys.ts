/**
 * Passkeys (WebAuthn) through @simplewebauthn/server: registration right after an NHI card
 * sign-in, and sign-in with a passkey instead of the card and a code.
 *
 * Choices, with the spec they answer to (W3C WebAuthn Level 3):
 * - discoverable credentials with user verification required (§5.4.6 residentKey, §6.2.3 UV): the
 *   sign-in page asks for no identifier, and the fingerprint, face or PIN is a second factor;
 * - 'none' attestation (§8.7): we need no proof of the authenticator's make, and asking for it
 *   prompts citizens with a privacy question they cannot answer;
 * - the RP ID is our public host and the only accepted origin our public origin (§13.4.9);
 * - challenges are stateless and single use (see `challenges.ts`); signature counters must grow
 *   when the authenticator keeps one (§6.1.1), otherwise a cloned authenticator is refused.
 */
import { maskNationalId } from '@healthbank/records';
import {
  type AuthenticationResponseJSON,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  type VerifiedRegistrationResponse,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Database } from '../../../db/index.js';
import { checkChallenge, mintChallenge, spendChallenge } from '../challenges.js';
import type { SigninContext } from '../context.js';
import { mac, safeEqual } from '../keys.js';
import { WEBAUTHN_CHALLENGE_TTL_MS, WEBAUTHN_TIMEOUT_MS } from '../limits.js';
import type { PendingSignin } from '../pending.js';
import { millis, signinKysely } from '../tables.js';

/** COSE algorithms we accept: ES256, EdDSA, RS256 (WebAuthn §5.8.1 recommends offering these). */
export const PASSKEY_ALGORITHMS = [-7, -8, -257];

/** RFC 8176 method references of a passkey sign-in: key possession plus user verification. */
export const PASSKEY_AMR = ['pop', 'mfa'];

/**
 * The WebAuthn user handle of a citizen: stable (so an authenticator keeps one passkey per
 * citizen), opaque (a keyed digest of the internal id, WebAuthn §14.6.1: no personal data).
 */
export function userHandleOf(ctx: SigninContext, citizenId: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(mac(ctx.keys.user, String(citizenId)));
}

/** Creation options for the pending sign-in's citizen, bound to that sign-in. */
export async function registrationOptions(
  ctx: SigninContext,
  pending: PendingSignin,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const store = signinKysely(ctx.db);
  const [citizen, existing] = await Promise.all([
    store.selectFrom('citizens').select('national_id').where('id', '=', pending.citizenId).executeTakeFirstOrThrow(),
    store
      .selectFrom('citizen_passkeys')
      .select(['credential_id', 'transports'])
      .where('citizen_id', '=', pending.citizenId)
      .execute(),
  ]);
  // The name shows in the device's passkey list: the masked ID tells the citizen which account it is.
  const name = maskNationalId(citizen.national_id);
  return generateRegistrationOptions({
    rpName: ctx.rp.name,
    rpID: ctx.rp.id,
    userName: name,
    userDisplayName: name,
    userID: userHandleOf(ctx, pending.citizenId),
    // As bytes: a string would be taken as text and encoded again.
    challenge: new Uint8Array(
      Buffer.from(
        mintChallenge(
          ctx.keys.challenge,
          { purpose: 'passkey.create', binding: pending.tokenHash },
          ctx.clock.now(),
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

/** Parses the browser's JSON; undefined when it is not an object with the WebAuthn shape we read. */
export function parseCredential<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(
  text: string,
): T | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const v = value as Record<string, unknown>;
    if (typeof v.id !== 'string' || typeof v.rawId !== 'string' || v.type !== 'public-key') return undefined;
    if (typeof v.response !== 'object' || v.response === null) return undefined;
    return { clientExtensionResults: {}, ...v } as T;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a registration for the pending sign-in and stores the passkey. False for anything
 * that does not verify (wrong origin or RP, no user verification, stale or replayed challenge).
 */
export async function registerPasskey(ctx: SigninContext, pending: PendingSignin, json: string): Promise<boolean> {
  const now = ctx.clock.now();
  const registration = await verifyPasskeyRegistration({
    db: ctx.db,
    json,
    challengeKey: ctx.keys.challenge,
    binding: pending.tokenHash,
    rp: ctx.rp,
    now,
  });
  if (!registration) return false;
  const { credential, credentialDeviceType, credentialBackedUp } = registration;
  const inserted = await signinKysely(ctx.db)
    .insertInto('citizen_passkeys')
    .values({
      credential_id: credential.id,
      citizen_id: pending.citizenId,
      public_key: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: JSON.stringify(credential.transports ?? []),
      device_type: credentialDeviceType,
      backed_up: credentialBackedUp ? 1 : 0,
      created_at: now,
    })
    .onConflict((oc) => oc.column('credential_id').doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/**
 * Verifies a passkey assertion for interaction `uid`; the citizen it proves, or undefined.
 * The stored counter moves forward only if it still holds the value verified against, so two
 * concurrent uses of one assertion cannot both pass.
 */
export async function authenticateWithPasskey(
  ctx: SigninContext,
  uid: string,
  json: string,
): Promise<{ citizenId: number } | undefined> {
  const response = parseCredential<AuthenticationResponseJSON>(json);
  if (!response || !/^[A-Za-z0-9_-]{16,1366}$/.test(response.id)) return undefined;
  const store = signinKysely(ctx.db);
  const stored = await store
    .selectFrom('citizen_passkeys')
    .selectAll()
    .where('credential_id', '=', response.id)
    .executeTakeFirst();
  if (!stored) return undefined;
  const userHandle = response.response.userHandle;
  if (
    userHandle !== undefined &&
    !safeEqual(userHandle, Buffer.from(userHandleOf(ctx, stored.citizen_id)).toString('base64url'))
  ) {
    return undefined;
  }
  const now = ctx.clock.now();
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
    binding: uid,
    rp: ctx.rp,
    now,
  });
  if (newCounter === undefined) return undefined;
  const updated = await store
    .updateTable('citizen_passkeys')
    .set({ counter: newCounter, last_used_at: now })
    .where('credential_id', '=', stored.credential_id)
    .where('counter', '=', storedCounter)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return undefined;
  return { citizenId: stored.citizen_id };
}

/** What both ceremonies check against: our relying party, and a challenge key and binding. */
export interface CeremonyChecks {
  db: Database;
  challengeKey: Buffer;
  /** What the challenge was minted for: a pending sign-in, an interaction, an account. */
  binding: string;
  rp: { id: string; origin: string };
  now: number;
}

/**
 * Verifies a registration (the citizens' and the staff's): our challenge for this binding, spent
 * once; our origin and RP ID; user verification. The new credential, or undefined for any refusal.
 */
export async function verifyPasskeyRegistration(
  o: CeremonyChecks & { json: string },
): Promise<VerifiedRegistrationResponse['registrationInfo'] | undefined> {
  const response = parseCredential<RegistrationResponseJSON>(o.json);
  if (!response) return undefined;
  let spent: { challenge: string; expiresAt: number } | undefined;
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: (challenge) => {
        const expiresAt = checkChallenge(
          o.challengeKey,
          challenge,
          { purpose: 'passkey.create', binding: o.binding },
          o.now,
        );
        if (expiresAt !== undefined) spent = { challenge, expiresAt };
        return expiresAt !== undefined;
      },
      expectedOrigin: o.rp.origin,
      expectedRPID: o.rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: PASSKEY_ALGORITHMS,
    });
    if (!result.verified || !spent || !(await spendChallenge(o.db, spent.challenge, spent.expiresAt))) return undefined;
    return result.registrationInfo;
  } catch {
    // The library throws for every malformed or mismatching response; all of them are a refusal.
    return undefined;
  }
}

/**
 * Verifies an assertion against a stored credential (the citizens' and the staff's): our challenge
 * for this binding, spent once; our origin and RP ID; user verification; the signature. The new
 * signature counter, which the caller stores only if the stored one is unchanged, or undefined.
 */
export async function verifyPasskeyAssertion(
  o: CeremonyChecks & {
    response: AuthenticationResponseJSON;
    stored: { id: string; publicKey: string; counter: number; transports: string };
  },
): Promise<number | undefined> {
  let spent: { challenge: string; expiresAt: number } | undefined;
  try {
    const result = await verifyAuthenticationResponse({
      response: o.response,
      expectedChallenge: (challenge) => {
        const expiresAt = checkChallenge(
          o.challengeKey,
          challenge,
          { purpose: 'passkey.get', binding: o.binding },
          o.now,
        );
        if (expiresAt !== undefined) spent = { challenge, expiresAt };
        return expiresAt !== undefined;
      },
      expectedOrigin: o.rp.origin,
      expectedRPID: o.rp.id,
      credential: {
        id: o.stored.id,
        publicKey: new Uint8Array(Buffer.from(o.stored.publicKey, 'base64url')),
        counter: o.stored.counter,
        transports: JSON.parse(o.stored.transports) as string[],
      },
      requireUserVerification: true,
    });
    if (!result.verified || !spent || !(await spendChallenge(o.db, spent.challenge, spent.expiresAt))) return undefined;
    return result.authenticationInfo.newCounter;
  } catch {
    return undefined;
  }
}
