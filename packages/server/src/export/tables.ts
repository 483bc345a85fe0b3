/**
 * Kysely's view of the export tables (migration 0004_exports), added to the shared schema with
 * `withTables` like the authorization tables.
 */
import type { ColumnType, Kysely } from 'kysely';
import type { AuthTables } from '../auth/tables.js';
import type { Database } from '../db/index.js';
import type { Schema } from '../db/schema.js';

/** Epoch milliseconds: written as numbers; PostgreSQL's bigint reads back as a string. */
type Millis = ColumnType<number | string, number, number>;

export interface ExportTicketsTable {
  /** SHA-256 (base64url) of the ticket. */
  id: string;
  consent_id: string;
  citizen_id: number;
  client_id: string;
  dpop_jkt: string;
  export_key: string;
  /** JSON array of category ids; null for tickets older than migration 0007 (the consent's). */
  categories: string | null;
  created_at: Millis;
  expires_at: Millis;
}

export interface ExportsTable {
  id: string;
  citizen_id: number;
  consent_id: string;
  client_id: string;
  categories: string;
  period_from: string | null;
  period_to: string | null;
  format: 'records' | 'fhir' | 'mhb';
  counts: string;
  content_digest: string;
  content_length: Millis;
  signing_kid: string;
  created_at: Millis;
}

/** A batch of the sandbox's test files (migration 0015). */
export interface IntegrationTestFilesTable {
  id: string;
  client_id: string;
  consent_id: string;
  dpop_jkt: string;
  truth: string;
  created_at: Millis;
  answered_at: ColumnType<number | string | null, number | null | undefined, number | null>;
}

export type ExportTables = AuthTables & {
  export_tickets: ExportTicketsTable;
  exports: ExportsTable;
  integration_test_files: IntegrationTestFilesTable;
};

/** The database with the export (and authorization) tables typed. */
export function exportKysely(db: Pick<Database, 'kysely'>): Kysely<Schema & ExportTables> {
  return db.kysely.withTables<ExportTables>();
}
