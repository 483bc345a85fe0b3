/** Kysely's view of the webhook outbox (migration 0010_deletion_requests). */
import type { ColumnType, Kysely } from 'kysely';
import type { Database } from '../db/index.js';
import type { Schema } from '../db/schema.js';

type Millis = ColumnType<number | string, number, number>;
type NullableMillis = ColumnType<number | string | null, number | null | undefined, number | null>;

export interface WebhookOutboxTable {
  /** The `webhook-id`, the same on every attempt. */
  id: string;
  event_type: string;
  client_id: string;
  subject: string;
  target_url: string | null;
  /** The exact body signed and sent (JSON text). */
  payload: string;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: NullableMillis;
  claimed_until: NullableMillis;
  delivered_at: NullableMillis;
  last_error: string | null;
  created_at: Millis;
}

export type WebhookTables = { webhook_outbox: WebhookOutboxTable };

/** The database with the outbox typed. */
export function webhookKysely(db: Database): Kysely<Schema & WebhookTables> {
  return db.kysely.withTables<WebhookTables>();
}
