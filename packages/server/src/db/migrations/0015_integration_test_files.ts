import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * The sandbox's tampered test files (export/test-files.ts): one row per batch handed to an app,
 * with which of its files were genuine, so the app's verdicts can be compared with the truth. The
 * batch is bound to the ticket's DPoP key, and answered once.
 */
export function integrationTestFiles(dialect: Dialect): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('integration_test_files')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('client_id', key, (col) => col.notNull())
        .addColumn('consent_id', key, (col) => col.notNull())
        .addColumn('dpop_jkt', 'text', (col) => col.notNull())
        // JSON: file id → true when the file is genuine (an app must accept it), false when tampered.
        .addColumn('truth', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('answered_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('integration_test_files_by_client')
        .on('integration_test_files')
        .columns(['client_id', 'created_at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('integration_test_files').execute();
    },
  };
}
