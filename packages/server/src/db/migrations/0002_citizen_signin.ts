import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Citizen sign-in state: one-time code challenges, failure counters and locks, rate-limit
 * windows, sign-ins waiting on the passkey offer, spent WebAuthn challenges, and passkeys.
 *
 * Times are epoch milliseconds (bigint) from the injected clock, so expiry is testable and both
 * databases compare them alike. Secrets are never stored: codes and tokens as HMACs or hashes,
 * identities as keyed digests (see `auth/signin`). Short-lived tables are keyed by their own
 * random ids; passkeys by credential id (a WebAuthn assertion names the credential, not the citizen).
 */
export function citizenSignin(dialect: Dialect): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('signin_codes')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('identity_key', key, (col) => col.notNull())
        // Null when the details matched no citizen: the challenge exists anyway, so the answer
        // cannot tell the two apart (ASVS V2.2 / V3: no account enumeration).
        .addColumn('citizen_id', 'integer', (col) => col.references('citizens.id').onDelete('cascade'))
        .addColumn('interaction', 'text', (col) => col.notNull())
        .addColumn('code_hash', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('consumed_at', 'bigint')
        .execute();
      // The hourly send count per identity.
      await db.schema
        .createIndex('signin_codes_by_identity')
        .on('signin_codes')
        .columns(['identity_key', 'created_at'])
        .execute();

      await db.schema
        .createTable('signin_failures')
        .addColumn('identity_key', key, (col) => col.primaryKey())
        .addColumn('failures', 'integer', (col) => col.notNull())
        .addColumn('locked_until', 'bigint')
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('signin_rate_limits')
        .addColumn('bucket', key, (col) => col.notNull())
        .addColumn('window_start', 'bigint', (col) => col.notNull())
        .addColumn('hits', 'integer', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('signin_rate_limits_pkey', ['bucket', 'window_start'])
        .execute();

      await db.schema
        .createTable('signin_pending')
        .addColumn('token_hash', key, (col) => col.primaryKey())
        .addColumn('citizen_id', 'integer', (col) => col.notNull().references('citizens.id').onDelete('cascade'))
        .addColumn('interaction', 'text', (col) => col.notNull())
        .addColumn('amr', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('signin_spent_challenges')
        .addColumn('challenge_hash', key, (col) => col.primaryKey())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('citizen_passkeys')
        .addColumn('credential_id', key, (col) => col.primaryKey())
        .addColumn('citizen_id', 'integer', (col) => col.notNull().references('citizens.id').onDelete('cascade'))
        .addColumn('public_key', 'text', (col) => col.notNull())
        .addColumn('counter', 'bigint', (col) => col.notNull())
        .addColumn('transports', 'text', (col) => col.notNull())
        .addColumn('device_type', 'text', (col) => col.notNull())
        .addColumn('backed_up', 'integer', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('last_used_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('citizen_passkeys_by_citizen')
        .on('citizen_passkeys')
        .columns(['citizen_id', 'created_at'])
        .execute();

      // Expired rows are purged by expiry; these keep the purge from scanning.
      for (const table of ['signin_codes', 'signin_rate_limits', 'signin_pending', 'signin_spent_challenges']) {
        await db.schema.createIndex(`${table}_by_expiry`).on(table).column('expires_at').execute();
      }
    },
  };
}
