/**
 * What the portal reads, always for one citizen: counts per category, one page of a category, and
 * the records its trends are drawn from. Every query is on the citizen-scoped read index
 * (`records_by_citizen_category_date`), so a heavy citizen's pages cost what a light one's do.
 * Each takes a `StaleReader`: the routes read through `replicaRead`, so the read replica may answer.
 */
import {
  type AdultPreventiveRecord,
  CATEGORY_IDS,
  type CategoryId,
  type HealthRecord,
  type LabRecord,
} from '@healthbank/records';
import { recordJson, type StaleReader } from '../db/index.js';
import { RECORDS_PER_PAGE } from './limits.js';

/**
 * Records per category, every category present (0 where there are none).
 *
 * @example
 * ```ts
 * const counts = await countRecords(db, citizenId); // { outpatient: 212, …, lab: 2890 }
 * ```
 */
export async function countRecords(db: StaleReader, citizenId: number): Promise<Record<CategoryId, number>> {
  const rows = await db.kysely
    .selectFrom('records')
    .select((eb) => ['category', eb.fn.countAll().as('n')])
    .where('citizen_id', '=', citizenId)
    .groupBy('category')
    .execute();
  const counts = Object.fromEntries(CATEGORY_IDS.map((id) => [id, 0])) as Record<CategoryId, number>;
  // PostgreSQL returns count(*) as a bigint string.
  for (const row of rows) counts[row.category] = Number(row.n);
  return counts;
}

/**
 * One page of a category, newest first (page 1 is the most recent `RECORDS_PER_PAGE`).
 *
 * @example
 * ```ts
 * const labs = await recordPage(db, citizenId, 'lab', 2);
 * ```
 */
export async function recordPage(
  db: StaleReader,
  citizenId: number,
  category: CategoryId,
  page: number,
): Promise<HealthRecord[]> {
  const rows = await db.kysely
    .selectFrom('records')
    .select(recordJson().as('payload'))
    .where('citizen_id', '=', citizenId)
    .where('category', '=', category)
    .orderBy('date', 'desc')
    .orderBy('id', 'desc')
    .limit(RECORDS_PER_PAGE)
    .offset((page - 1) * RECORDS_PER_PAGE)
    .execute();
  return rows.map((r) => JSON.parse(r.payload) as HealthRecord);
}

/** A payload holds this LOINC code: a cheap text test before parsing (the JSON is ours, `insertPopulation`'s). */
const mentions = (payload: string, loincs: readonly string[]) => loincs.some((l) => payload.includes(`"${l}"`));

/**
 * The lab results with one of these LOINC codes, and every adult preventive check: what the
 * trends are drawn from. Only matching payloads are parsed.
 */
export async function trendRecords(
  db: StaleReader,
  citizenId: number,
  loincs: readonly string[],
): Promise<{ labs: LabRecord[]; preventive: AdultPreventiveRecord[] }> {
  const rows = await db.kysely
    .selectFrom('records')
    .select(['category', recordJson().as('payload')])
    .where('citizen_id', '=', citizenId)
    .where('category', 'in', ['lab', 'adult_preventive'])
    .orderBy('category')
    .orderBy('date')
    .orderBy('id')
    .execute();
  const labs: LabRecord[] = [];
  const preventive: AdultPreventiveRecord[] = [];
  for (const row of rows) {
    if (row.category === 'adult_preventive') preventive.push(JSON.parse(row.payload) as AdultPreventiveRecord);
    else if (mentions(row.payload, loincs)) {
      const record = JSON.parse(row.payload) as LabRecord;
      if (loincs.includes(record.loinc)) labs.push(record);
    }
  }
  return { labs, preventive };
}
