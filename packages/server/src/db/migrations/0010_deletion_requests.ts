import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Deletion requests (citizen/deletion/) and the webhook outbox (webhooks/).
 *
 * - `deletion_requests`: a citizen's demand that an app stop using and delete what one consent
 *   gave it; its status follows delivery (`sent`), the app's signed receipt (`acknowledged`, with
 *   the receipt JWS and its digest) or the lack of one by `due_at` (`overdue`). Keyed by citizen
 *   first, like consents. At most one open (unacknowledged) request per consent, enforced by a
 *   partial unique index so that two clicks cannot make two.
 * - `webhook_outbox`: a transactional outbox. The request and its delivery row commit together,
 *   so a crash after the commit cannot lose the delivery; workers claim due rows with a lease
 *   (`claimed_until`), and a worker that dies mid-delivery leaves a claim that expires.
 * - `apps` gains the app's deletion webhook URL and the public keys its receipts are signed with.
 *
 * Times are epoch milliseconds (bigint).
 */
export function deletionRequests(dialect: Dialect): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('apps').addColumn('deletion_webhook_url', 'text').execute();
      // JSON public JWK Set the app's receipts are signed with; confidential clients may use `jwks`.
      await db.schema.alterTable('apps').addColumn('receipt_jwks', 'text').execute();

      await db.schema
        .createTable('deletion_requests')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('citizen_id', 'integer', (col) => col.notNull().references('citizens.id').onDelete('cascade'))
        .addColumn('consent_id', key, (col) => col.notNull().references('consents.id').onDelete('cascade'))
        .addColumn('client_id', key, (col) => col.notNull())
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('pending', 'sent', 'acknowledged', 'overdue')`),
        )
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('due_at', 'bigint', (col) => col.notNull())
        .addColumn('delivered_at', 'bigint')
        .addColumn('acknowledged_at', 'bigint')
        // SHA-256 (base64url) of the receipt JWS, and the JWS itself: proof the app answered.
        .addColumn('receipt_digest', 'text')
        .addColumn('receipt_jws', 'text')
        .execute();
      await db.schema
        .createIndex('deletion_requests_by_citizen')
        .on('deletion_requests')
        .columns(['citizen_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('deletion_requests_open_per_consent')
        .on('deletion_requests')
        .column('consent_id')
        .unique()
        .where(sql.ref('acknowledged_at'), 'is', null)
        .execute();
      // The overdue job: open requests by due time.
      await db.schema
        .createIndex('deletion_requests_by_due')
        .on('deletion_requests')
        .columns(['status', 'due_at'])
        .execute();

      await db.schema
        .createTable('webhook_outbox')
        // The Standard Webhooks `webhook-id`: the same on every retry, so receivers deduplicate by it.
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('event_type', 'text', (col) => col.notNull())
        .addColumn('client_id', key, (col) => col.notNull())
        // The object the event is about (a deletion request id).
        .addColumn('subject', key, (col) => col.notNull())
        // The URL of the latest attempt (the app's registration is read again before each one).
        .addColumn('target_url', 'text')
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
        // Null once delivered or given up.
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('claimed_until', 'bigint')
        .addColumn('delivered_at', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('webhook_outbox_due')
        .on('webhook_outbox')
        .column('next_attempt_at')
        .where(sql.ref('next_attempt_at'), 'is not', null)
        .execute();
      await db.schema.createIndex('webhook_outbox_by_subject').on('webhook_outbox').column('subject').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('webhook_outbox').execute();
      await db.schema.dropTable('deletion_requests').execute();
      await db.schema.alterTable('apps').dropColumn('receipt_jwks').execute();
      await db.schema.alterTable('apps').dropColumn('deletion_webhook_url').execute();
    },
  };
}
