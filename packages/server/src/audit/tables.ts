/** Kysely's view of the audit table (migration 0009_audit_log), added with `withTables`. */
import type { ColumnType, Kysely } from 'kysely';
import type { Schema } from '../db/schema.js';

/** Written as numbers; PostgreSQL's bigint reads back as a string. */
type Big = ColumnType<number | string, number, never>;

export interface AuditLogTable {
  seq: Big;
  at: Big;
  type: string;
  citizen_id: number | null;
  client_id: string | null;
  subject: string | null;
  digest: string | null;
  /** JSON object of scalar details, or null. */
  details: string | null;
  prev_hash: string;
  hash: string;
}

export type AuditTables = {
  audit_log: AuditLogTable;
};

/** The database with the audit table typed. */
export const auditKysely = (kysely: Kysely<Schema>) => kysely.withTables<AuditTables>();
