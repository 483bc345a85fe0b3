/**
 * The consent read path must be index-driven so that its cost depends on one citizen's records,
 * not on the population. Asserted on the plans the databases actually choose for the query
 * `readRecords` runs, on a population large enough (36,000 records over 3,000 citizens) that a
 * sequential scan would be PostgreSQL's choice without a usable index.
 */
import { CATEGORY_IDS, type RecordQuery } from '@healthbank/records';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePopulation } from './fixtures.js';
import { findCitizenByNationalId, seedPopulation } from './index.js';
import { recordsJsonQuery, recordsSelect } from './records.js';
import { createTestDatabase, type TestDatabase, testDatabases } from './testing.js';

const QUERIES: [string, RecordQuery][] = [
  [
    'categories, period and exclusions',
    {
      categories: ['lab', 'outpatient', 'dental'],
      from: '2015-01-01',
      to: '2020-12-31',
      excludeInstitutions: ['0101090517'],
    },
  ],
  ['the full record set', { categories: CATEGORY_IDS }],
  ['one category from a date on', { categories: ['lab'], from: '2019-06-01' }],
];

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PgPlanNode[];
}

function flatten(node: PgPlanNode): PgPlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

describe.each(testDatabases())('record reads on $label', (target) => {
  let t: TestDatabase;
  let citizenId: number;
  /** PostgreSQL: the one partition holding the citizen, and its part of the read index. */
  let partition: { table: string; index: string };

  beforeAll(async () => {
    t = await createTestDatabase(target);
    await seedPopulation(t.db, fixturePopulation({ citizens: 3000, seed: 11, recordsPerCitizen: 12 }), {
      batchSize: 1000,
    });
    // PostgreSQL plans follow statistics: gather them as autovacuum would have in production.
    // SQLite is tested without: the platform never runs ANALYZE there, so the plan must not need it.
    if (t.db.dialect === 'postgres') await t.db.kysely.executeQuery(CompiledQuery.raw('analyze'));
    const middle = [...fixturePopulation({ citizens: 1, firstSerial: 1500 })][0];
    citizenId = (await findCitizenByNationalId(t.db, middle?.citizen.nationalId ?? ''))?.id ?? -1;
    expect(citizenId).toBeGreaterThan(0);
    if (t.db.dialect === 'postgres') {
      const { rows } = await t.db.kysely.executeQuery<{ table: string; index: string }>(
        CompiledQuery.raw(
          `select r.tableoid::regclass::text as table, i.relname as index
           from records r
           join pg_index x on x.indrelid = r.tableoid
           join pg_class i on i.oid = x.indexrelid
           join pg_inherits h on h.inhrelid = i.oid and h.inhparent = 'records_by_citizen_category_date'::regclass
           where r.citizen_id = $1 limit 1`,
          [citizenId],
        ),
      );
      partition = rows[0] ?? { table: 'none', index: 'none' };
      expect(partition.table).toMatch(/^records_p\d\d$/);
    }
  }, 120_000);
  afterAll(() => t?.dispose());

  it.each(QUERIES)('joins %s as JSON through records_by_citizen_category_date', async (_name, query) => {
    const { sql, parameters } = recordsJsonQuery(t.db, citizenId, query);
    if (t.db.dialect === 'sqlite') {
      const { rows } = await t.db.kysely.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${sql}`, [...parameters]),
      );
      // One citizen's rows through the index; each category's rows are then put in date order for
      // its array (the aggregate's own ORDER BY), which touches only those rows.
      expect(rows.map((r) => r.detail).filter((d) => /\b(SCAN|SEARCH) records\b/.test(d))).toEqual([
        expect.stringMatching(
          /^SEARCH records USING INDEX records_by_citizen_category_date \(citizen_id=\? AND category=\?/,
        ),
      ]);
    } else {
      const { rows } = await t.db.kysely.executeQuery<{ 'QUERY PLAN': [{ Plan: PgPlanNode }] }>(
        CompiledQuery.raw(`explain (format json) ${sql}`, [...parameters]),
      );
      const nodes = flatten(rows[0]?.['QUERY PLAN'][0].Plan ?? { 'Node Type': 'none' });
      // Partition pruning: only the citizen's own partition is read, through its part of the index.
      expect(new Set(nodes.map((n) => n['Relation Name']).filter(Boolean))).toEqual(new Set([partition.table]));
      expect(nodes.find((n) => n['Index Name'] !== undefined)?.['Index Name']).toBe(partition.index);
      expect(nodes.some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
      // One aggregate per category over its own index range: the citizen's rows are never sorted
      // as a whole (a sort that would carry every payload and spill to disk for a heavy citizen).
      expect(nodes.some((n) => n['Node Type'] === 'Sort')).toBe(false);
    }
  });

  it.each(QUERIES)('reads %s through records_by_citizen_category_date', async (_name, query) => {
    const { sql, parameters } = recordsSelect(t.db, citizenId, query).compile();
    if (t.db.dialect === 'sqlite') {
      const { rows } = await t.db.kysely.executeQuery<{ detail: string }>(
        CompiledQuery.raw(`explain query plan ${sql}`, [...parameters]),
      );
      const details = rows.map((r) => r.detail);
      expect(details.filter((d) => /\b(SCAN|SEARCH) records\b/.test(d))).toEqual([
        expect.stringMatching(
          /^SEARCH records USING INDEX records_by_citizen_category_date \(citizen_id=\? AND category=\?/,
        ),
      ]);
      // The index also yields the result order: no row (payload included) is copied into a sort.
      expect(details.filter((d) => /TEMP B-TREE/.test(d))).toEqual([]);
    } else {
      const { rows } = await t.db.kysely.executeQuery<{ 'QUERY PLAN': [{ Plan: PgPlanNode }] }>(
        CompiledQuery.raw(`explain (format json) ${sql}`, [...parameters]),
      );
      const nodes = flatten(rows[0]?.['QUERY PLAN'][0].Plan ?? { 'Node Type': 'none' });
      const onRecords = nodes.filter((n) => n['Relation Name']?.startsWith('records'));
      expect(onRecords).toHaveLength(1);
      expect(onRecords[0]).toMatchObject({
        'Relation Name': partition.table,
        'Node Type': expect.stringMatching(/^(Index Scan|Bitmap Heap Scan)$/),
      });
      const indexNode = nodes.find((n) => n['Index Name'] !== undefined);
      expect(indexNode?.['Index Name']).toBe(partition.index);
      expect(indexNode?.['Index Cond']).toContain(`(citizen_id = ${citizenId})`);
      expect(nodes.some((n) => n['Node Type'] === 'Seq Scan')).toBe(false);
    }
  });
});
