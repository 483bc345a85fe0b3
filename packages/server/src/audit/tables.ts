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

/** A signed checkpoint (migration 0011_audit_checkpoints). */
export interface AuditCheckpointTable {
  tree_size: Big;
  at: Big;
  root_hash: string;
  chain_head: string;
  /** JSON array of the frontier's subtree roots, base64url, largest first. */
  frontier: string;
  jws: string;
  /** 1 once entries up to this checkpoint may be pruned (verification starts here). */
  anchor: ColumnType<number, number | undefined, number>;
}

export type AuditTables = {
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointTable;
};

/** The database with the audit table typed. */
export const auditKysely = (kysely: Kysely<Schema>) => kysely.withTables<AuditTables>();
