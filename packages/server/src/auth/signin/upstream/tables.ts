/**
 * Kysely's view of `signin_upstream_states` (migration 0008_signin_upstream), kept beside the
 * feature like the other sign-in tables (`../tables.ts`).
 */
import type { ColumnType, Kysely } from 'kysely';
import type { Database } from '../../../db/index.js';
import type { Schema } from '../../../db/schema.js';

/** Epoch milliseconds: written as numbers; PostgreSQL's bigint reads back as a string. */
type Millis = ColumnType<number | string, number, number>;

export interface SigninUpstreamStatesTable {
  /** Keyed digest of the `state` sent to the provider. */
  state_hash: string;
  /** Keyed digest of the browser's binding cookie. */
  browser_hash: string;
  interaction: string;
  nonce: string;
  code_verifier: string;
  created_at: Millis;
  expires_at: Millis;
  consumed_at: ColumnType<number | string | null, number | null | undefined, number | null>;
}

// A type alias, not an interface: `withTables` needs an index-signature-compatible type.
export type UpstreamTables = { signin_upstream_states: SigninUpstreamStatesTable };

export function upstreamKysely(db: Database): Kysely<Schema & UpstreamTables> {
  return db.kysely.withTables<UpstreamTables>();
}
