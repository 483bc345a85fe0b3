/**
 * The storage layer's contract, run on every target of `testDatabases()`: SQLite always,
 * PostgreSQL when HEALTHBANK_TEST_POSTGRES_URL is set.
 */
import {
  CATEGORY_IDS,
  type CategoryId,
  type CitizenRecords,
  type HealthRecord,
  institutionOf,
  type RecordQuery,
  type RecordsByCategory,
  validateRecord,
} from '@healthbank/records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './connection.js';
import { FIXTURE_INSTITUTIONS, fixturePopulation } from './fixtures.js';
import {
  DatabaseError,
  findCitizenByNationalId,
  insertPopulation,
  listPersonas,
  listVisitedInstitutions,
  migrateToLatest,
  populationStats,
  readRecords,
  readRecordsJson,
  seedPopulation,
} from './index.js';
import { migrations } from './migrations/index.js';
import { createTestDatabase, type TestDatabase, testDatabases, withTestDatabase } from './testing.js';

/** What readRecords must return, computed by brute force over the inserted records. */
function expected(records: readonly HealthRecord[], query: RecordQuery): RecordsByCategory {
  const excluded = new Set(query.excludeInstitutions ?? []);
  const out: Partial<Record<CategoryId, HealthRecord[]>> = {};
  for (const id of CATEGORY_IDS) {
    if (!query.categories.includes(id)) continue;
    out[id] = records
      .filter((r) => r.category === id)
      .filter(
        (r) => (query.from === undefined || r.date >= query.from) && (query.to === undefined || r.date <= query.to),
      )
      .filter((r) => {
        const code = institutionOf(r)?.code;
        return code === undefined || !excluded.has(code);
      })
      .sort((a, b) => (a.date === b.date ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.date < b.date ? -1 : 1));
  }
  return out as RecordsByCategory;
}

const population: CitizenRecords[] = [...fixturePopulation({ citizens: 60, seed: 7, recordsPerCitizen: 40 })];

/** What readRecordsJson must return for those records: each array's JSON body, and its count. */
function asStoredJson(records: RecordsByCategory) {
  return Object.fromEntries(
    Object.entries(records).map(([id, list]) => [
      id,
      { count: list.length, text: list.map((r) => JSON.stringify(r)).join(',') },
    ]),
  );
}

/** readRecordsJson's answer with each body decoded from UTF-8 (the bytes are a Buffer on SQLite). */
async function storedJson(db: TestDatabase['db'], citizenId: number, query: RecordQuery) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const result = await readRecordsJson(db, citizenId, query);
  return Object.fromEntries(
    Object.entries(result).map(([id, body]) => [id, { count: body.count, text: decoder.decode(body.json) }]),
  );
}

describe('fixtures', () => {
  it('are valid records in every category', () => {
    const all = population.flatMap((c) => c.records);
    for (const record of all) expect(validateRecord(record)).toEqual({ ok: true, record });
    expect(new Set(all.map((r) => r.category))).toEqual(new Set(CATEGORY_IDS));
  });
});

describe.each(testDatabases())('storage on $label', (target) => {
  let t: TestDatabase;
  const ids = new Map<string, number>();

  beforeAll(async () => {
    t = await createTestDatabase(target, { migrate: false });
  });
  afterAll(() => t?.dispose());

  it('migrates an empty database, then finds nothing left to do', async () => {
    expect(await migrateToLatest(t.db)).toEqual(Object.keys(migrations(t.db.dialect)));
    expect(await migrateToLatest(t.db)).toEqual([]);
    // A second connection (another process starting up) sees the same, current schema.
    const again = await openDatabase(t.url);
    try {
      expect(await migrateToLatest(again)).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it('inserts a population in batches and counts what it wrote', async () => {
    expect(await insertPopulation(t.db, population.slice(0, 25))).toEqual({ citizens: 25, records: 25 * 40 });
    expect(await insertPopulation(t.db, population.slice(25))).toEqual({ citizens: 35, records: 35 * 40 });
    for (const { citizen } of population) {
      const found = await findCitizenByNationalId(t.db, citizen.nationalId);
      expect(found).toBeDefined();
      ids.set(citizen.nationalId, found?.id ?? -1);
    }
    expect(new Set(ids.values()).size).toBe(population.length);
  });

  it('reads every citizen back exactly as inserted', async () => {
    for (const { citizen, records } of population) {
      const id = ids.get(citizen.nationalId) ?? -1;
      expect(await findCitizenByNationalId(t.db, citizen.nationalId)).toEqual({ ...citizen, id });
      const all = await readRecords(t.db, id, { categories: CATEGORY_IDS });
      expect(all).toEqual(expected(records, { categories: CATEGORY_IDS }));
      expect(Object.values(all).flat()).toHaveLength(records.length);
    }
    expect(await findCitizenByNationalId(t.db, 'Z199999999')).toBeUndefined();
  });

  it('returns exactly the requested categories, period and exclusions (random queries vs brute force)', async () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pickDate = (records: readonly HealthRecord[]) => {
      // Mostly dates of actual records, so inclusive bounds are hit exactly; sometimes any date.
      if (random() < 0.8) return records[Math.floor(random() * records.length)]?.date;
      return `20${String(10 + Math.floor(random() * 16))}-0${1 + Math.floor(random() * 9)}-15`;
    };
    let nonEmpty = 0;
    for (let i = 0; i < 300; i++) {
      const { citizen, records } = population[Math.floor(random() * population.length)] as CitizenRecords;
      const categories = CATEGORY_IDS.filter(() => random() < 0.4);
      let from = random() < 0.7 ? pickDate(records) : undefined;
      let to = random() < 0.7 ? pickDate(records) : undefined;
      if (from !== undefined && to !== undefined && from > to) [from, to] = [to, from];
      const excludeInstitutions = FIXTURE_INSTITUTIONS.filter(() => random() < 0.3).map((x) => x.code);
      if (random() < 0.2) excludeInstitutions.push('9999999999');
      const query: RecordQuery = { categories, from, to, excludeInstitutions };
      const actual = await readRecords(t.db, ids.get(citizen.nationalId) ?? -1, query);
      const want = expected(records, query);
      expect(actual, JSON.stringify(query)).toEqual(want);
      expect(Object.keys(actual).sort()).toEqual([...categories].sort());
      expect(await storedJson(t.db, ids.get(citizen.nationalId) ?? -1, query), JSON.stringify(query)).toEqual(
        asStoredJson(want),
      );
      nonEmpty += Object.values(actual).flat().length > 0 ? 1 : 0;
    }
    // The random queries must actually select records, or the comparison proves little.
    expect(nonEmpty).toBeGreaterThan(200);
  });

  it('includes both bounds of a period and keeps records without an institution under exclusions', async () => {
    const { citizen, records } = population[3] as CitizenRecords;
    const id = ids.get(citizen.nationalId) ?? -1;
    const day = records[0]?.date ?? '';
    const sameDay = await readRecords(t.db, id, { categories: CATEGORY_IDS, from: day, to: day });
    const onDay = records.filter((r) => r.date === day);
    expect(Object.values(sameDay).flat()).toHaveLength(onDay.length);
    expect(onDay.length).toBeGreaterThan(0);

    const everyInstitution = FIXTURE_INSTITUTIONS.map((x) => x.code);
    const noInstitution = await readRecords(t.db, id, {
      categories: CATEGORY_IDS,
      excludeInstitutions: everyInstitution,
    });
    const kept = Object.values(noInstitution).flat();
    expect(kept.length).toBe(records.filter((r) => institutionOf(r) === undefined).length);
    expect(kept.every((r) => institutionOf(r) === undefined)).toBe(true);
    expect(kept.some((r) => r.category === 'care_wishes')).toBe(true);
  });

  it('answers an empty category list with an empty result and rejects invalid queries', async () => {
    const id = ids.get(population[0]?.citizen.nationalId ?? '') ?? -1;
    expect(await readRecords(t.db, id, { categories: [] })).toEqual({});
    for (const query of [
      { categories: ['lab', 'x-ray'] as unknown as CategoryId[] },
      { categories: ['lab'] as CategoryId[], from: '2024-02-30' },
      { categories: ['lab'] as CategoryId[], from: '2024-02-02', to: '2024-02-01' },
    ]) {
      const error = await readRecords(t.db, id, query).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseError);
      expect((error as DatabaseError).code).toBe('invalid_query');
    }
  });

  it('lists the institutions a citizen visited, by code', async () => {
    for (const { citizen, records } of population.slice(0, 10)) {
      const visited = new Map(records.flatMap((r) => institutionOf(r) ?? []).map((x) => [x.code, x]));
      const want = [...visited.values()].sort((a, b) => (a.code < b.code ? -1 : 1));
      expect(await listVisitedInstitutions(t.db, ids.get(citizen.nationalId) ?? -1)).toEqual(want);
    }
  });

  it('lists the personas', async () => {
    const want = population
      .filter((c) => c.citizen.persona !== undefined)
      .map((c) => ({ persona: c.citizen.persona, nationalId: c.citizen.nationalId }));
    expect(want.map((p) => p.persona)).toEqual(['A小姐', 'B爺爺', 'C職場', 'C職場', 'C職場']);
    expect(await listPersonas(t.db)).toEqual(want);
  });

  it('counts citizens and records per category', async () => {
    const byCategory = Object.fromEntries(CATEGORY_IDS.map((id) => [id, 0])) as Record<CategoryId, number>;
    for (const r of population.flatMap((c) => c.records)) byCategory[r.category]++;
    expect(await populationStats(t.db)).toEqual({ citizens: 60, records: 60 * 40, byCategory });
  });

  it('writes a failing batch not at all', async () => {
    const before = await populationStats(t.db);
    const [fresh] = [...fixturePopulation({ citizens: 1, seed: 9, firstSerial: 5000 })];
    const duplicate = population[10] as CitizenRecords;
    await expect(insertPopulation(t.db, [fresh as CitizenRecords, duplicate])).rejects.toThrow();
    expect(await populationStats(t.db)).toEqual(before);
    expect(await findCitizenByNationalId(t.db, fresh?.citizen.nationalId ?? '')).toBeUndefined();
  });
  it('writes nothing of a batch whose records fail on the way in, and goes on working', async () => {
    const before = await populationStats(t.db);
    const [fresh] = [...fixturePopulation({ citizens: 1, seed: 9, firstSerial: 5100 })];
    if (!fresh) throw new Error('no fixture');
    // The same record twice: the primary key refuses the second row in the middle of the COPY.
    const twice = { ...fresh, records: [...fresh.records, fresh.records[0] as HealthRecord] };
    await expect(insertPopulation(t.db, [twice])).rejects.toThrow();
    expect(await populationStats(t.db)).toEqual(before);
    expect(await findCitizenByNationalId(t.db, fresh.citizen.nationalId)).toBeUndefined();
    await insertPopulation(t.db, [fresh]);
    expect(await findCitizenByNationalId(t.db, fresh.citizen.nationalId)).toBeDefined();
  });

  it('stores text verbatim, whatever characters it holds', async () => {
    const tricky = 'quote " backslash \\ brace {} comma , newline \n tab \t NULL 😀 \u2028 中文';
    const [base] = [...fixturePopulation({ citizens: 1, seed: 5, firstSerial: 7000, recordsPerCitizen: 11 })];
    if (!base) throw new Error('no fixture');
    const citizen = { ...base.citizen, name: tricky };
    const records = base.records.map((r) =>
      r.category === 'care_wishes'
        ? { ...r, note: tricky }
        : 'institution' in r && r.institution
          ? { ...r, institution: { ...r.institution, name: tricky } }
          : r,
    ) as HealthRecord[];
    for (const record of records) expect(validateRecord(record).ok).toBe(true);
    await insertPopulation(t.db, [{ citizen, records }]);
    const found = await findCitizenByNationalId(t.db, citizen.nationalId);
    expect(found).toEqual({ ...citizen, id: found?.id });
    const id = found?.id ?? -1;
    expect(await readRecords(t.db, id, { categories: CATEGORY_IDS })).toEqual(
      expected(records, { categories: CATEGORY_IDS }),
    );
    expect(await storedJson(t.db, id, { categories: CATEGORY_IDS })).toEqual(
      asStoredJson(expected(records, { categories: CATEGORY_IDS })),
    );
    expect((await listVisitedInstitutions(t.db, id)).map((x) => x.name)).toContain(tricky);
  });
});

describe.each(testDatabases())('seeding on $label', (target) => {
  it('streams a population batch by batch without reading ahead', async () => {
    await withTestDatabase(target, async ({ db }) => {
      let yielded = 0;
      const progress: { citizens: number; records: number; yielded: number }[] = [];
      function* counted() {
        for (const c of fixturePopulation({ citizens: 50, seed: 3, recordsPerCitizen: 5 })) {
          yielded++;
          yield c;
        }
      }
      const total = await seedPopulation(db, counted(), {
        batchSize: 8,
        concurrency: 1,
        onProgress: (p) => progress.push({ ...p, yielded }),
      });
      expect(total).toEqual({ citizens: 50, records: 250 });
      expect(progress.map((p) => p.citizens)).toEqual([8, 16, 24, 32, 40, 48, 50]);
      expect(progress.map((p) => p.records)).toEqual([40, 80, 120, 160, 200, 240, 250]);
      // Each batch is written as soon as it is full: the generator is never more than one batch ahead.
      for (const p of progress) expect(p.yielded).toBe(p.citizens);
      expect((await populationStats(db)).records).toBe(250);
    });
  });

  it('stops at a failing batch: the batches before it stay, none starts after it, and its error is thrown', async () => {
    await withTestDatabase(target, async ({ db }) => {
      const citizens = [...fixturePopulation({ citizens: 40, seed: 4, recordsPerCitizen: 3 })];
      // The second batch holds one national ID twice, so its own insert fails.
      const second = citizens.slice(8, 16);
      const clash = { ...(citizens[9] as CitizenRecords), records: [] };
      const population = [...citizens.slice(0, 8), ...second.slice(0, 7), clash, ...citizens.slice(16)];
      await expect(seedPopulation(db, population, { batchSize: 8 })).rejects.toThrow(/unique|duplicate/i);
      const present = async (c: CitizenRecords) =>
        (await findCitizenByNationalId(db, c.citizen.nationalId)) !== undefined;
      for (const c of citizens.slice(0, 8)) expect(await present(c)).toBe(true);
      for (const c of second) expect(await present(c)).toBe(false);
      // Batches already being written when the failure came may finish; the last one never starts.
      for (const c of citizens.slice(32)) expect(await present(c)).toBe(false);
    });
  });

  it.runIf(target.dialect === 'postgres')(
    'writes two batches at once, each in its own transaction, so a stalled batch does not hold up the next',
    async () => {
      await withTestDatabase(target, async ({ db }) => {
        const citizens = [...fixturePopulation({ citizens: 24, seed: 6, recordsPerCitizen: 3 })];
        const first = citizens[0] as CitizenRecords;
        // Another transaction inserts the first batch's first national ID and stays open: the
        // first batch waits on that unique key (PostgreSQL blocks the second insert until the
        // first transaction ends), while the second batch goes in beside it.
        let rollBack: () => void = () => {};
        let holding: () => void = () => {};
        const held = new Promise<void>((resolve) => {
          holding = resolve;
        });
        const blocker = db.kysely
          .transaction()
          .execute(async (trx) => {
            await trx
              .insertInto('citizens')
              .values({
                national_id: first.citizen.nationalId,
                nhi_card_number: first.citizen.nhiCardNumber,
                name: first.citizen.name,
                sex: first.citizen.sex,
                birth_date: first.citizen.birthDate,
                county: first.citizen.county,
                township: first.citizen.township,
              })
              .execute();
            holding();
            await new Promise<void>((resolve) => {
              rollBack = resolve;
            });
            throw new Error('rolled back on purpose');
          })
          .catch(() => {});
        await held;
        // Batches written one after another would wait on the first for ever: give up after a
        // while, and fail below.
        let gaveUp = false;
        const patience = setTimeout(() => {
          gaveUp = true;
          rollBack();
        }, 10_000);
        const commits: number[] = [];
        const total = await seedPopulation(db, citizens, {
          batchSize: 8,
          concurrency: 2,
          onProgress: (p) => {
            commits.push(p.citizens);
            rollBack();
          },
        });
        clearTimeout(patience);
        await blocker;
        expect(total).toEqual({ citizens: 24, records: 72 });
        // The first commit (the second batch's) came while the first batch was still waiting.
        expect(gaveUp).toBe(false);
        expect(commits).toEqual([8, 16, 24]);
        for (const c of citizens) expect(await findCitizenByNationalId(db, c.citizen.nationalId)).toBeDefined();
      });
    },
  );

  it('passes on an error of the population itself only once the batches being written have finished', async () => {
    await withTestDatabase(target, async ({ db }) => {
      const citizens = [...fixturePopulation({ citizens: 8, seed: 8, recordsPerCitizen: 3 })];
      function* breaking() {
        yield* citizens;
        throw new Error('the source broke');
      }
      await expect(seedPopulation(db, breaking(), { batchSize: 8, concurrency: 2 })).rejects.toThrow(
        'the source broke',
      );
      expect(await populationStats(db)).toMatchObject({ citizens: 8, records: 24 });
    });
  });

  it('refuses a concurrency that is not a positive whole number', async () => {
    await withTestDatabase(target, async ({ db }) => {
      for (const concurrency of [0, 1.5, -1]) {
        await expect(seedPopulation(db, [], { concurrency })).rejects.toThrow(RangeError);
      }
    });
  });
});
