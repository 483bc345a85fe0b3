/** Kysely's view of the deletion requests table (migration 0010_deletion_requests). */
import type { ColumnType, Kysely } from 'kysely';
import type { AuthTables } from '../../auth/tables.js';
import type { Database } from '../../db/index.js';
import type { Schema } from '../../db/schema.js';

/** Epoch milliseconds: written as numbers; PostgreSQL's bigint reads back as a string. */
type Millis = ColumnType<number | string, number, number>;
type NullableMillis = ColumnType<number | string | null, number | null | undefined, number | null>;

export interface DeletionRequestsTable {
  id: string;
  citizen_id: number;
  consent_id: string;
  client_id: string;
  status: 'pending' | 'sent' | 'acknowledged' | 'overdue';
  created_at: Millis;
  due_at: Millis;
  delivered_at: NullableMillis;
  acknowledged_at: NullableMillis;
  receipt_digest: string | null;
  receipt_jws: string | null;
}

export type DeletionTables = AuthTables & { deletion_requests: DeletionRequestsTable };

/** The database with the deletion (and authorization) tables typed. */
export function deletionKysely(db: Database): Kysely<Schema & DeletionTables> {
  return db.kysely.withTables<DeletionTables>();
}
