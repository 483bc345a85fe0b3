/**
 * Kysely's view of the sign-in tables (migration 0002_citizen_signin). Kept beside the feature
 * and added to the shared schema with `withTables`, so the storage layer's `Schema` stays the
 * records' own.
 */
import type { ColumnType, Kysely } from 'kysely';
import type { Database } from '../../db/index.js';
import type { Schema } from '../../db/schema.js';

/** Epoch milliseconds: written as numbers; PostgreSQL's bigint reads back as a string. */
type Millis = ColumnType<number | string, number, number>;

export interface SigninCodesTable {
  id: string;
  identity_key: string;
  citizen_id: number | null;
  interaction: string;
  code_hash: string;
  created_at: Millis;
  expires_at: Millis;
  consumed_at: ColumnType<number | string | null, number | null | undefined, number | null>;
  /** Sandbox only: the code, sealed, for the code page to show (migration 0018; codes/shown-codes.ts). */
  sandbox_code: ColumnType<string | null, string | null | undefined, never>;
}

export interface SigninFailuresTable {
  identity_key: string;
  failures: number;
  locked_until: ColumnType<number | string | null, number | null, number | null>;
  updated_at: Millis;
}

export interface SigninRateLimitsTable {
  bucket: string;
  window_start: Millis;
  hits: number;
  expires_at: Millis;
}

export interface SigninPendingTable {
  token_hash: string;
  citizen_id: number;
  interaction: string;
  /** JSON array of RFC 8176 method references. */
  amr: string;
  expires_at: Millis;
}

export interface SigninSpentChallengesTable {
  challenge_hash: string;
  expires_at: Millis;
}

export interface CitizenPasskeysTable {
  /** base64url, as WebAuthn names credentials. */
  credential_id: string;
  citizen_id: number;
  /** base64url COSE public key. */
  public_key: string;
  counter: ColumnType<number | string, number, number>;
  /** JSON array of AuthenticatorTransport values. */
  transports: string;
  device_type: string;
  backed_up: number;
  created_at: Millis;
  last_used_at: ColumnType<number | string | null, number | null | undefined, number>;
}

// A type alias, not an interface: `withTables` needs an index-signature-compatible type.
export type SigninTables = {
  signin_codes: SigninCodesTable;
  signin_failures: SigninFailuresTable;
  signin_rate_limits: SigninRateLimitsTable;
  signin_pending: SigninPendingTable;
  signin_spent_challenges: SigninSpentChallengesTable;
  citizen_passkeys: CitizenPasskeysTable;
};

/** The database with the sign-in tables typed. */
export function signinKysely(db: Database): Kysely<Schema & SigninTables> {
  return db.kysely.withTables<SigninTables>();
}

/** A stored millisecond time as a number (PostgreSQL returns bigint as text). */
export function millis(value: number | string): number;
export function millis(value: number | string | null): number | null;
export function millis(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
