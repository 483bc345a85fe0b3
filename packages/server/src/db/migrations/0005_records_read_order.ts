import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Adds `id` to the end of the citizen-scoped read index, so that the read path's full order
 * (category, date, id) comes straight from the index. Without it SQLite sorted every row, payload
 * included, in a temporary B-tree: a heavy citizen's 5,000-record export spent most of its read
 * time there.
 */
export function recordsReadOrder(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`drop index records_by_citizen_category_date`.execute(db);
      await db.schema
        .createIndex('records_by_citizen_category_date')
        .on('records')
        .columns(['citizen_id', 'category', 'date', 'id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await sql`drop index records_by_citizen_category_date`.execute(db);
      await db.schema
        .createIndex('records_by_citizen_category_date')
        .on('records')
        .columns(['citizen_id', 'category', 'date'])
        .execute();
    },
  };
}
