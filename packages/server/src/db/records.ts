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
import { type CompiledQuery, sql } from 'kysely';
import type { StaleReader } from './connection.js';
import { DatabaseError } from './errors.js';
import { recordJson } from './record-json.js';

/**
 * One citizen's rows that a query selects. Every condition is on columns of
 * `records_by_citizen_category_date` except the institution exclusion, which filters the
 * citizen's own rows; nothing in it scans beyond one citizen.
 */
function selectedRecords(db: StaleReader, citizenId: number, query: RecordQuery, categories: CategoryId[]) {
  if (categories.length === 0) throw new DatabaseError('invalid_query', 'no category given');
  let select = db.kysely.selectFrom('records').where('citizen_id', '=', citizenId).where('category', 'in', categories);
  if (query.from !== undefined) select = select.where('date', '>=', query.from);
  if (query.to !== undefined) select = select.where('date', '<=', query.to);
  const excluded = [...new Set(query.excludeInstitutions ?? [])];
  if (excluded.length > 0) {
    select = select.where((eb) =>
      eb.or([eb('institution_code', 'is', null), eb('institution_code', 'not in', excluded)]),
    );
  }
  return select;
}

/** The SELECT behind {@link readRecords}, exported so tests can EXPLAIN exactly what runs. */
export function recordsSelect(db: StaleReader, citizenId: number, query: RecordQuery) {
  // Both databases compare these columns bytewise (SQLite BINARY, PostgreSQL collate "C"), so
  // the order is the same everywhere and matches JavaScript's default string comparison for ids.
  return selectedRecords(db, citizenId, query, checkQuery(query))
    .select(['category', recordJson().as('payload')])
    .orderBy('category')
    .orderBy('date')
    .orderBy('id');
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
export async function readRecords(db: StaleReader, citizenId: number, query: RecordQuery): Promise<RecordsByCategory> {
  const requested = new Set(checkQuery(query));
  const result: Partial<Record<CategoryId, HealthRecord[]>> = {};
  for (const id of CATEGORY_IDS) if (requested.has(id)) result[id] = [];
  if (requested.size === 0) return result as RecordsByCategory;
  const rows = await recordsSelect(db, citizenId, query).execute();
  for (const row of rows) result[row.category]?.push(JSON.parse(row.payload) as HealthRecord);
  return result as RecordsByCategory;
}

/** One row of {@link recordsJsonQuery}: a category, its record count, its joined JSON (null for none). */
interface JsonRow {
  category: CategoryId;
  count: number | string;
  json: Uint8Array | string | null;
}

/** The query behind {@link readRecordsJson}, compiled, so tests can EXPLAIN exactly what runs. */
export function recordsJsonQuery(db: StaleReader, citizenId: number, query: RecordQuery): CompiledQuery<JsonRow> {
  const categories = checkQuery(query);
  if (db.dialect === 'sqlite') {
    // The aggregate's own ORDER BY fixes the order inside each array (date, then id), as readRecords
    // sorts them; SQLite hands the joined text over as a BLOB, i.e. its UTF-8 bytes, undecoded.
    return selectedRecords(db, citizenId, query, categories)
      .select((eb) => [
        'category',
        eb.fn.countAll<number>().as('count'),
        sql<Uint8Array>`cast(group_concat(${recordJson()}, ',' order by date, id) as blob)`.as('json'),
      ])
      .groupBy('category')
      .compile();
  }
  // PostgreSQL: one aggregate per category (LATERAL), each over its own range of the index. Grouping
  // the citizen's rows instead makes PostgreSQL sort them all by category first, payloads included,
  // a sort that spills to disk at the default work_mem for a heavy citizen (measured 18 ms vs 10 ms).
  // The conditions are readRecords' own (see selectedRecords); the storage tests hold both to the
  // same answers.
  if (categories.length === 0) throw new DatabaseError('invalid_query', 'no category given');
  const where = [sql`r.citizen_id = ${citizenId}`, sql`r.category = c.category`];
  if (query.from !== undefined) where.push(sql`r.date >= ${query.from}`);
  if (query.to !== undefined) where.push(sql`r.date <= ${query.to}`);
  const excluded = [...new Set(query.excludeInstitutions ?? [])];
  if (excluded.length > 0) where.push(sql`(r.institution_code is null or r.institution_code <> all(${excluded}))`);
  return sql<JsonRow>`
    select c.category, a.count, a.json
    from unnest(${categories}::text[]) as c(category)
    cross join lateral (
      select count(*) as count, string_agg(${recordJson('r')}, ',' order by r.date, r.id) as json
      from records r where ${sql.join(where, sql` and `)}
    ) as a`.compile(db.kysely);
}

/**
 * The same selection as {@link readRecords}, but each category's records as the JSON they were
 * stored as, already joined with commas into the body of a JSON array, as UTF-8 bytes, with their
 * count. The `records` export format embeds these bytes as they are: no record is parsed,
 * re-serialized or re-encoded on the export hot path, and the database does the joining (one
 * value per category instead of thousands of strings). Payloads are written only by
 * `insertPopulation`, from validated records, so the text is trusted JSON of one record (put back
 * together from its columns by `recordJson`).
 *
 * @example
 * ```ts
 * const { lab } = await readRecordsJson(db, citizen.id, { categories: ['lab'] });
 * JSON.parse(`[${new TextDecoder().decode(lab?.json)}]`).length === lab?.count; // true
 * ```
 */
export async function readRecordsJson(
  db: StaleReader,
  citizenId: number,
  query: RecordQuery,
): Promise<Partial<Record<CategoryId, { count: number; json: Uint8Array }>>> {
  const requested = checkQuery(query);
  const result: Partial<Record<CategoryId, { count: number; json: Uint8Array }>> = {};
  for (const id of CATEGORY_IDS) if (requested.includes(id)) result[id] = { count: 0, json: new Uint8Array(0) };
  if (requested.length === 0) return result;
  const { rows } = await db.kysely.executeQuery(recordsJsonQuery(db, citizenId, query));
  for (const row of rows) {
    if (!row.json) continue;
    // PostgreSQL's driver hands text over decoded; Buffer.from encodes megabytes faster than TextEncoder.
    const json = typeof row.json === 'string' ? Buffer.from(row.json, 'utf8') : row.json;
    result[row.category] = { count: Number(row.count), json };
  }
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
 * Names come from the JSON of one record per institution (the one with the lowest id), looked up
 * by primary key: the records hold no separate name column (migration 0017).
 *
 * @example
 * ```ts
 * await listVisitedInstitutions(db, citizen.id); // [{ code: '0101090517', name: '臺大醫院' }, …]
 * ```
 */
export async function listVisitedInstitutions(db: StaleReader, citizenId: number): Promise<Institution[]> {
  const json = recordJson('r');
  const name =
    db.dialect === 'postgres'
      ? sql<string>`(${json})::json -> 'institution' ->> 'name'`
      : sql<string>`json_extract(${json}, '$.institution.name')`;
  const { rows } = await sql<{ code: string; name: string | null }>`
    select g.code, ${name} as name
    from (
      select institution_code as code, min(id) as first_id from records
      where citizen_id = ${citizenId} and institution_code is not null
      group by institution_code
    ) as g
    join records r on r.citizen_id = ${citizenId} and r.id = g.first_id
    order by g.code`.execute(db.kysely);
  return rows.map((r) => ({ code: r.code, name: r.name ?? '' }));
}
