import {
  CATEGORY_IDS,
  type CategoryId,
  type HealthRecord,
  type Institution,
  isCategoryId,
  periodError,
  type RecordQuery,
  type RecordsByCategory,
} from '@healthbank/records';
import type { Database } from './connection.js';
import { DatabaseError } from './errors.js';

/**
 * The SELECT behind {@link readRecords}, exported so tests can EXPLAIN exactly what runs.
 * Every condition is on columns of `records_by_citizen_category_date` except the institution
 * exclusion, which filters the citizen's own rows; nothing in it scans beyond one citizen.
 */
export function recordsSelect(db: Database, citizenId: number, query: RecordQuery) {
  const categories = checkQuery(query);
  if (categories.length === 0) throw new DatabaseError('invalid_query', 'no category given');
  let select = db.kysely
    .selectFrom('records')
    .select(['category', 'payload'])
    .where('citizen_id', '=', citizenId)
    .where('category', 'in', categories);
  if (query.from !== undefined) select = select.where('date', '>=', query.from);
  if (query.to !== undefined) select = select.where('date', '<=', query.to);
  const excluded = [...new Set(query.excludeInstitutions ?? [])];
  if (excluded.length > 0) {
    select = select.where((eb) =>
      eb.or([eb('institution_code', 'is', null), eb('institution_code', 'not in', excluded)]),
    );
  }
  // Both databases compare these columns bytewise (SQLite BINARY, PostgreSQL collate "C"), so
  // the order is the same everywhere and matches JavaScript's default string comparison for ids.
  return select.orderBy('category').orderBy('date').orderBy('id');
}

/**
 * One citizen's records for a consent or the CLI: exactly the requested categories, the dates
 * `from`..`to` inclusive (either may be absent), without records from excluded institutions
 * (records that have no institution are never excluded). Each category's records are sorted by
 * date, then id. Every requested category is present in the result, with `[]` when it has no
 * records; categories not requested are absent.
 *
 * Throws `invalid_query` for an unknown category or an invalid or inverted period.
 *
 * @example
 * ```ts
 * const records = await readRecords(db, citizen.id, { categories: ['lab'], from: '2020-01-01' });
 * records.lab?.map((r) => r.value);
 * ```
 */
export async function readRecords(db: Database, citizenId: number, query: RecordQuery): Promise<RecordsByCategory> {
  const requested = new Set(checkQuery(query));
  const result: Partial<Record<CategoryId, HealthRecord[]>> = {};
  for (const id of CATEGORY_IDS) if (requested.has(id)) result[id] = [];
  if (requested.size === 0) return result as RecordsByCategory;
  const rows = await recordsSelect(db, citizenId, query).execute();
  for (const row of rows) result[row.category]?.push(JSON.parse(row.payload) as HealthRecord);
  return result as RecordsByCategory;
}

/**
 * The same selection as {@link readRecords}, but each record as the JSON text it was stored as,
 * unparsed: the `records` export format embeds that text as it is, which saves parsing and
 * re-serializing thousands of records on the export hot path. Payloads are written only by
 * `insertPopulation`, from validated records, so the text is trusted JSON of one record.
 */
export async function readRecordPayloads(
  db: Database,
  citizenId: number,
  query: RecordQuery,
): Promise<Partial<Record<CategoryId, string[]>>> {
  const requested = new Set(checkQuery(query));
  const result: Partial<Record<CategoryId, string[]>> = {};
  for (const id of CATEGORY_IDS) if (requested.has(id)) result[id] = [];
  if (requested.size === 0) return result;
  const rows = await recordsSelect(db, citizenId, query).execute();
  for (const row of rows) result[row.category]?.push(row.payload);
  return result;
}

function checkQuery(query: RecordQuery): CategoryId[] {
  for (const id of query.categories) {
    if (!isCategoryId(id)) throw new DatabaseError('invalid_query', `unknown category "${String(id)}"`);
  }
  const error = periodError(query.from, query.to);
  if (error) throw new DatabaseError('invalid_query', error);
  return [...new Set(query.categories)];
}

/**
 * The institutions in one citizen's records, by code, for the consent page's exclusion list.
 *
 * @example
 * ```ts
 * await listVisitedInstitutions(db, citizen.id); // [{ code: '0101090517', name: '臺大醫院' }, …]
 * ```
 */
export async function listVisitedInstitutions(db: Database, citizenId: number): Promise<Institution[]> {
  const rows = await db.kysely
    .selectFrom('records')
    .select((eb) => ['institution_code', eb.fn.min('institution_name').as('institution_name')])
    .where('citizen_id', '=', citizenId)
    .where('institution_code', 'is not', null)
    .groupBy('institution_code')
    .orderBy('institution_code')
    .execute();
  return rows.map((r) => ({ code: r.institution_code ?? '', name: r.institution_name ?? '' }));
}
