import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Each export ticket records the categories it may fetch: the consent's categories narrowed to the
 * scope of the access token it was issued with (a token narrowed at refresh, RFC 6749 §6, gets a
 * narrower ticket). Null for tickets issued before this column existed: they keep the consent's
 * categories and expire within a day.
 */
export function ticketScope(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('export_tickets').addColumn('categories', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('export_tickets').dropColumn('categories').execute();
    },
  };
}
