import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Citizens and their records.
 *
 * Sharding: at national scale the platform runs on Citus, distributed by citizen. Every key and
 * index therefore starts with the citizen (records' primary key is (citizen_id, id), not id
 * alone: Citus only enforces uniqueness that includes the distribution column), and every query
 * the repositories issue is scoped to one citizen.
 */
export function citizensAndRecords(dialect: Dialect): Migration {
  // PostgreSQL compares text by the database's collation, which varies between machines; the
  // "C" collation compares bytes, like SQLite, so ids, codes and ISO dates sort identically on
  // both databases and index comparisons stay cheap.
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('citizens')
        .addColumn('id', 'integer', (col) =>
          // SQLite: AUTOINCREMENT never reuses the id of a deleted citizen, which audit entries may name.
          dialect === 'postgres' ? col.primaryKey().generatedAlwaysAsIdentity() : col.primaryKey().autoIncrement(),
        )
        .addColumn('national_id', key, (col) => col.notNull())
        .addColumn('nhi_card_number', 'text', (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('sex', 'text', (col) => col.notNull().check(sql`sex in ('female', 'male')`))
        .addColumn('birth_date', 'text', (col) => col.notNull())
        .addColumn('county', 'text', (col) => col.notNull())
        .addColumn('township', 'text', (col) => col.notNull())
        .addColumn('persona', 'text')
        .addColumn('employer_ubn', 'text')
        .execute();
      // Sign-in and the CLI find a citizen by national ID: the one lookup not keyed by the internal id.
      await db.schema.createIndex('citizens_by_national_id').unique().on('citizens').column('national_id').execute();
      // A handful of sandbox personas among up to millions of citizens: a partial index stays tiny.
      await db.schema
        .createIndex('citizens_by_persona')
        .on('citizens')
        .columns(['persona', 'id'])
        .where(sql.ref('persona'), 'is not', null)
        .execute();

      await db.schema
        .createTable('records')
        .addColumn('citizen_id', 'integer', (col) => col.notNull().references('citizens.id').onDelete('cascade'))
        .addColumn('id', key, (col) => col.notNull())
        .addColumn('category', key, (col) => col.notNull())
        .addColumn('date', key, (col) => col.notNull())
        .addColumn('institution_code', key)
        .addColumn('institution_name', 'text')
        .addColumn('payload', 'text', (col) => col.notNull())
        .addPrimaryKeyConstraint('records_pkey', ['citizen_id', 'id'])
        .execute();
      // The consent read path: one citizen, a set of categories, a date range. Equality on
      // citizen_id, IN on category and a range on date all resolve inside this index, so the cost
      // depends on the citizen's own record count, not on the population.
      await db.schema
        .createIndex('records_by_citizen_category_date')
        .on('records')
        .columns(['citizen_id', 'category', 'date'])
        .execute();
    },
  };
}
