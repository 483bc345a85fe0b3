import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * The citizen's notifications (notifications/): an inbox row per event worth telling, written in
 * the event's own transaction. `(kind, subject)` is unique, so an event is told once however many
 * servers or retries see it. `sent_at` is the channel's outbox: rows a channel has not yet taken.
 * Times are epoch milliseconds (bigint).
 */
export function notifications(dialect: Dialect): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('notifications')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('citizen_id', 'integer', (col) => col.notNull().references('citizens.id').onDelete('cascade'))
        .addColumn('kind', 'text', (col) =>
          col
            .notNull()
            .check(sql`kind in ('consent.first_use', 'consent.expiring', 'deletion.acknowledged', 'deletion.overdue')`),
        )
        // The consent or deletion request the notification is about.
        .addColumn('subject', key, (col) => col.notNull())
        .addColumn('client_id', key, (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('read_at', 'bigint')
        .addColumn('sent_at', 'bigint')
        .addUniqueConstraint('notifications_once', ['kind', 'subject'])
        .execute();
      await db.schema
        .createIndex('notifications_by_citizen')
        .on('notifications')
        .columns(['citizen_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('notifications_unsent')
        .on('notifications')
        .column('created_at')
        .where(sql.ref('sent_at'), 'is', null)
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('notifications').execute();
    },
  };
}
