/** Kysely's view of the staff sign-in tables (migration 0013_organisation_portal). */
import type { ColumnType, Kysely } from 'kysely';
import type { Database } from '../../db/index.js';
import type { Schema } from '../../db/schema.js';
import type { AuthTables } from '../tables.js';

type Millis = ColumnType<number | string, number, number>;
type NullableMillis = ColumnType<number | string | null, number | null | undefined, number | null>;

export type StaffKind = 'developer' | 'reviewer';
/** Developers are `member` or `admin` of their organisation; reviewers are `reviewer` or `admin`. */
export type StaffRole = 'member' | 'admin' | 'reviewer';

export interface StaffAccountsTable {
  id: string;
  kind: StaffKind;
  email: string;
  name: string;
  organisation_id: string | null;
  role: StaffRole;
  failures: ColumnType<number, number | undefined, number>;
  locked_until: NullableMillis;
  created_at: Millis;
}

export interface StaffCodesTable {
  id: string;
  account_id: string;
  code_mac: string;
  expires_at: Millis;
  consumed_at: NullableMillis;
  /** Outside production: the code, sealed, for the code page to show (migration 0018). */
  sandbox_code: ColumnType<string | null, string | null | undefined, never>;
}

export interface StaffSessionsTable {
  id: string;
  account_id: string;
  method: 'email_code' | 'passkey';
  created_at: Millis;
  expires_at: Millis;
}

export interface StaffPasskeysTable {
  credential_id: string;
  account_id: string;
  public_key: string;
  counter: Millis;
  transports: string;
  created_at: Millis;
}

export type StaffTables = AuthTables & {
  staff_accounts: StaffAccountsTable;
  staff_codes: StaffCodesTable;
  staff_sessions: StaffSessionsTable;
  staff_passkeys: StaffPasskeysTable;
};

export function staffKysely(db: Database): Kysely<Schema & StaffTables> {
  return db.kysely.withTables<StaffTables>();
}
