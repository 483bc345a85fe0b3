/**
 * Migration 0017 on a database that already holds records written the old way (whole JSON in
 * `payload`, one unpartitioned table): every record reads back the same afterwards, and on
 * PostgreSQL the rows now live in hash partitions by citizen.
 */
import { CATEGORY_IDS, type HealthRecord, institutionOf } from '@healthbank/records';
import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePopulation } from '../fixtures.js';
import { migrateToLatest } from '../migrate.js';
import { readRecords, readRecordsJson } from '../records.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../testing.js';
import { RECORD_PARTITIONS } from './0017_records_by_citizen.js';
import { migrations } from './index.js';

function categoryLast(record: HealthRecord): string {
  const { category, ...rest } = record;
  return JSON.stringify({ ...rest, category });
}

describe.each(testDatabases())('migration 0017 on an existing $label database', (target) => {
  let t: TestDatabase;
  const population = [...fixturePopulation({ citizens: 40, seed: 17, recordsPerCitizen: 15 })];
  const ids: number[] = [];

  beforeAll(async () => {
    t = await createTestDatabase(target, { migrate: false });
    const migrator = new Migrator({
      db: t.db.kysely,
      provider: { getMigrations: async () => migrations(t.db.dialect) },
    });
    const before = await migrator.migrateTo('0016_production_webhook');
    expect(before.error).toBeUndefined();
    for (const [n, { citizen, records }] of population.entries()) {
      const { id } = await t.db.kysely
        .insertInto('citizens')
        .values({
          national_id: citizen.nationalId,
          nhi_card_number: citizen.nhiCardNumber,
          name: citizen.name,
          sex: citizen.sex,
          birth_date: citizen.birthDate,
          county: citizen.county,
          township: citizen.township,
          persona: citizen.persona ?? null,
          employer_ubn: citizen.employerUbn ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids.push(id);
      await t.db.kysely
        .insertInto('records')
        .values(
          records.map((r, i) => ({
            citizen_id: id,
            id: r.id,
            category: r.category,
            date: r.date,
            institution_code: institutionOf(r)?.code ?? null,
            // As the old insert path wrote it; one citizen's first record with its keys in
            // another order, as a hand-written row might have them.
            payload: n === 0 && i === 0 ? categoryLast(r) : JSON.stringify(r),
          })),
        )
        .execute();
    }
    expect((await migrateToLatest(t.db))[0]).toBe('0017_records_by_citizen');
  }, 60_000);
  afterAll(() => t?.dispose());

  it('reads every record back as it was, from JSON that no longer repeats id, date and category', async () => {
    for (const [n, { records }] of population.entries()) {
      const id = ids[n] ?? -1;
      const read = await readRecords(t.db, id, { categories: CATEGORY_IDS });
      const byId = new Map(records.map((r) => [r.id, r]));
      const all = Object.values(read).flat() as HealthRecord[];
      expect(all).toHaveLength(records.length);
      for (const r of all) expect(r).toEqual(byId.get(r.id));
      const json = await readRecordsJson(t.db, id, { categories: CATEGORY_IDS });
      for (const [category, value] of Object.entries(json)) {
        const expected = (read[category as keyof typeof read] ?? []).map((r) => JSON.stringify(r)).join(',');
        expect(new TextDecoder().decode(value?.json)).toBe(expected);
      }
    }
    const { rows } = await sql<{ n: number | string }>`
      select count(*) as n from records where payload like '{"id":%'`.execute(t.db.kysely);
    expect(Number(rows[0]?.n)).toBe(0);
  });

  it.runIf(target.dialect === 'postgres')('spreads the records over hash partitions by citizen', async () => {
    const { rows } = await sql<{ partition: string; citizens: number | string }>`
      select tableoid::regclass::text as partition, count(distinct citizen_id) as citizens
      from records group by 1`.execute(t.db.kysely);
    expect(rows.length).toBeGreaterThan(RECORD_PARTITIONS / 2);
    for (const row of rows) expect(row.partition).toMatch(/^records_p\d\d$/);
    expect(rows.reduce((sum, r) => sum + Number(r.citizens), 0)).toBe(population.length);
    const strategy = await sql<{ strategy: string; keys: string }>`
      select p.partstrat as strategy, pg_get_partkeydef(p.partrelid) as keys
      from pg_partitioned_table p where p.partrelid = 'records'::regclass`.execute(t.db.kysely);
    expect(strategy.rows).toEqual([{ strategy: 'h', keys: 'HASH (citizen_id)' }]);
  });
});
