import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Where one-time sign-in codes go: a citizen's e-mail address and mobile number, at most one of
 * each. Keyed by citizen first like every citizen-scoped table (the sharding key, see 0001).
 * Addresses are stored normalised (see `db/contacts.ts`): lower-case e-mail domains, mobiles in
 * E.164. Times are epoch milliseconds (bigint).
 */
export function citizenContacts(dialect: Dialect): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('citizen_contacts')
        .addColumn('citizen_id', 'integer', (col) => col.notNull().references('citizens.id').onDelete('cascade'))
        .addColumn('kind', key, (col) => col.notNull().check(sql`kind in ('email', 'mobile')`))
        // RFC 5321 §4.5.3.1.3: a path holds at most 256 octets, so an address at most 254.
        .addColumn('address', 'text', (col) => col.notNull().check(sql`length(address) <= 254`))
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('citizen_contacts_pkey', ['citizen_id', 'kind'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('citizen_contacts').execute();
    },
  };
}
