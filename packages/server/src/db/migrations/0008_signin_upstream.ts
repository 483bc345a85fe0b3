import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Sign-ins in flight at an upstream OpenID Connect provider (`auth/signin/upstream`): one row per
 * authorization request sent there, keyed by a keyed digest of its `state`, bound to the browser
 * by a keyed digest of a cookie (RFC 9700 §4.7.1), with the interaction it will finish and the
 * `nonce` and PKCE verifier the answer is checked with. Rows are spent once (`consumed_at`) and
 * kept until they expire, so a replayed answer is recognised as one. Times are epoch milliseconds.
 */
export function signinUpstream(dialect: Dialect): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('signin_upstream_states')
        .addColumn('state_hash', key, (col) => col.primaryKey())
        .addColumn('browser_hash', 'text', (col) => col.notNull())
        .addColumn('interaction', 'text', (col) => col.notNull())
        .addColumn('nonce', 'text', (col) => col.notNull())
        .addColumn('code_verifier', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('consumed_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('signin_upstream_states_by_expiry')
        .on('signin_upstream_states')
        .column('expires_at')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('signin_upstream_states').execute();
    },
  };
}
