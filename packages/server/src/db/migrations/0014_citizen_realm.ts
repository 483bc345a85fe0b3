import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Sandbox and production never share a citizen: `citizens.synthetic` is 1 for the generated
 * population the sandbox serves and 0 for citizens loaded from NHI, whom only production serves.
 * Every citizen stored before this migration came from the generator, so they are synthetic.
 */
export function citizenRealm(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('citizens')
        .addColumn('synthetic', 'integer', (col) => col.notNull().defaultTo(1).check(sql`synthetic in (0, 1)`))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('citizens').dropColumn('synthetic').execute();
    },
  };
}
