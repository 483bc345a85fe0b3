import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * The export service's state.
 *
 * - `export_tickets`: what an app fetches files with after consent. Stored by the SHA-256 digest
 *   of the ticket (the ticket is a credential; a copy of the database must not hand out working
 *   ones), bound to its consent, to the DPoP key it was requested with and to the device export
 *   key the files are sealed to.
 * - `exports`: the citizen's provision history, one row per file handed out: which consent, app,
 *   categories, period, format, how many records per category and the content digest, never the
 *   records themselves. Keyed by citizen first, like records and consents.
 *
 * Times are epoch milliseconds (bigint).
 */
export function exportsAndTickets(dialect: Dialect): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('export_tickets')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('consent_id', key, (col) => col.notNull().references('consents.id').onDelete('cascade'))
        .addColumn('citizen_id', 'integer', (col) => col.notNull().references('citizens.id').onDelete('cascade'))
        .addColumn('client_id', key, (col) => col.notNull())
        // RFC 7638 thumbprint of the DPoP key every fetch must prove possession of.
        .addColumn('dpop_jkt', 'text', (col) => col.notNull())
        // The device's export public key (JWK, JSON): its thumbprint is the consent's export_key_jkt.
        .addColumn('export_key', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .execute();
      // The per-consent daily bound counts tickets of one consent in a time window.
      await db.schema
        .createIndex('export_tickets_by_consent')
        .on('export_tickets')
        .columns(['consent_id', 'created_at'])
        .execute();
      await db.schema.createIndex('export_tickets_by_expiry').on('export_tickets').column('expires_at').execute();

      await db.schema
        .createTable('exports')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('citizen_id', 'integer', (col) => col.notNull().references('citizens.id').onDelete('cascade'))
        .addColumn('consent_id', key, (col) => col.notNull().references('consents.id').onDelete('cascade'))
        .addColumn('client_id', key, (col) => col.notNull())
        // JSON array of category ids, as in the file's `categories` claim.
        .addColumn('categories', 'text', (col) => col.notNull())
        .addColumn('period_from', 'text')
        .addColumn('period_to', 'text')
        .addColumn('format', 'text', (col) => col.notNull().check(sql`format in ('records', 'fhir', 'mhb')`))
        // JSON object: records per category, as in the `counts` claim.
        .addColumn('counts', 'text', (col) => col.notNull())
        .addColumn('content_digest', 'text', (col) => col.notNull())
        .addColumn('content_length', 'bigint', (col) => col.notNull())
        // The platform key that signed the file (`kid`), so a file can be traced to its key after rotation.
        .addColumn('signing_kid', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      // The portal's provision history (one citizen, newest first) and the per-consent daily bound.
      await db.schema.createIndex('exports_by_citizen').on('exports').columns(['citizen_id', 'created_at']).execute();
      await db.schema.createIndex('exports_by_consent').on('exports').columns(['consent_id', 'created_at']).execute();
    },
  };
}
