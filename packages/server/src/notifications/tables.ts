/** Kysely's view of the notifications (migration 0012_notifications). */
import type { ColumnType, Kysely } from 'kysely';
import type { Database } from '../db/index.js';
import type { Schema } from '../db/schema.js';
import type { NotificationKind } from './model.js';

type Millis = ColumnType<number | string, number, number>;
type NullableMillis = ColumnType<number | string | null, number | null | undefined, number | null>;

export interface NotificationsTable {
  id: string;
  citizen_id: number;
  kind: NotificationKind;
  subject: string;
  client_id: string;
  created_at: Millis;
  read_at: NullableMillis;
  sent_at: NullableMillis;
}

export type NotificationTables = { notifications: NotificationsTable };

export function notificationKysely(db: Database): Kysely<Schema & NotificationTables> {
  return db.kysely.withTables<NotificationTables>();
}
