import { CATEGORY_IDS, type CategoryId } from '@healthbank/records';
import type { Database } from './connection.js';

export interface PopulationStats {
  citizens: number;
  records: number;
  /** Every category, with 0 where there are none. */
  byCategory: Record<CategoryId, number>;
}

/**
 * Counts of citizens and records for the landing page and the CLI. Unlike every other query it
 * reads the whole tables (an index-only scan at best), so it is meant for a sandbox or an
 * operator, not for request paths at national scale.
 *
 * @example
 * ```ts
 * const { citizens, records, byCategory } = await populationStats(db);
 * ```
 */
export async function populationStats(db: Database): Promise<PopulationStats> {
  const citizens = await db.kysely
    .selectFrom('citizens')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  const perCategory = await db.kysely
    .selectFrom('records')
    .select((eb) => ['category', eb.fn.countAll().as('n')])
    .groupBy('category')
    .execute();
  const byCategory = Object.fromEntries(CATEGORY_IDS.map((id) => [id, 0])) as Record<CategoryId, number>;
  let records = 0;
  for (const row of perCategory) {
    // PostgreSQL returns count(*) as a bigint string.
    const n = Number(row.n);
    byCategory[row.category] = n;
    records += n;
  }
  return { citizens: Number(citizens.n), records, byCategory };
}
