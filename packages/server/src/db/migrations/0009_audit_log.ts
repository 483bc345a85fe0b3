import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * The audit log (audit/): one row per event, each carrying the hash of the one before it, so that
 * an edited, deleted, inserted or reordered entry breaks the chain (`healthbank audit verify`).
 * Metadata and digests only, never record contents or national IDs. Append-only where the database
 * can enforce it: UPDATE and DELETE are refused by triggers (ASVS V16.4.2: logs protected from
 * modification), so tampering needs the schema owner's rights, and then the chain shows it.
 */
export function auditLog(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', 'bigint', (col) => col.primaryKey())
        .addColumn('at', 'bigint', (col) => col.notNull())
        .addColumn('type', 'text', (col) => col.notNull())
        .addColumn('citizen_id', 'integer')
        .addColumn('client_id', 'text')
        .addColumn('subject', 'text')
        .addColumn('digest', 'text')
        .addColumn('details', 'text')
        .addColumn('prev_hash', 'text', (col) => col.notNull())
        .addColumn('hash', 'text', (col) => col.notNull())
        .execute();
      // A citizen's own entries, for the portal's history.
      await db.schema.createIndex('audit_log_citizen').on('audit_log').columns(['citizen_id', 'seq']).execute();
      if (dialect === 'postgres') {
        await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
          begin raise exception 'the audit log is append-only'; end $$`.execute(db);
        await sql`create trigger audit_log_append_only before update or delete on audit_log
          for each row execute function audit_log_append_only()`.execute(db);
      } else {
        for (const action of ['update', 'delete']) {
          await sql
            .raw(`create trigger audit_log_no_${action} before ${action} on audit_log
              begin select raise(abort, 'the audit log is append-only'); end`)
            .execute(db);
        }
      }
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('audit_log').execute();
      if (dialect === 'postgres') await sql`drop function if exists audit_log_append_only()`.execute(db);
    },
  };
}
