/**
 * The real synthetic population through the storage layer: what the generator yields is what
 * the repositories give back, on every target of `testDatabases()`.
 */
import { CATEGORY_IDS, type CategoryId, type CitizenRecords, type HealthRecord } from '@healthbank/records';
import { generatePopulation, PERSONA_COUNT, PERSONA_IDS } from '@healthbank/synth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findCitizenByNationalId,
  listPersonas,
  listVisitedInstitutions,
  populationStats,
  readRecords,
  seedPopulation,
} from './index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from './testing.js';

const OPTIONS = { citizens: 200, seed: 'storage-int-test', asOf: '2025-06-30' };

function byDateThenId(a: HealthRecord, b: HealthRecord): number {
  if (a.date !== b.date) return a.date < b.date ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function grouped(records: readonly HealthRecord[]): Record<CategoryId, HealthRecord[]> {
  const out = Object.fromEntries(CATEGORY_IDS.map((id) => [id, [] as HealthRecord[]])) as Record<
    CategoryId,
    HealthRecord[]
  >;
  for (const r of records) out[r.category].push(r);
  for (const id of CATEGORY_IDS) out[id].sort(byDateThenId);
  return out;
}

describe.each(testDatabases())('a synthetic population on $label', (target) => {
  let t: TestDatabase;
  let generated: CitizenRecords[];

  beforeAll(async () => {
    t = await createTestDatabase(target);
    generated = [...generatePopulation(OPTIONS)];
  }, 120_000);
  afterAll(() => t?.dispose());

  it('seeds every citizen and record the generator yields', async () => {
    const total = await seedPopulation(t.db, generatePopulation(OPTIONS), { batchSize: 50 });
    const records = generated.reduce((n, c) => n + c.records.length, 0);
    expect(total).toEqual({ citizens: 200 + PERSONA_COUNT, records });
    const byCategory = Object.fromEntries(CATEGORY_IDS.map((id) => [id, 0])) as Record<CategoryId, number>;
    for (const c of generated) for (const r of c.records) byCategory[r.category]++;
    expect(await populationStats(t.db)).toEqual({ citizens: 200 + PERSONA_COUNT, records, byCategory });
  });

  it('lists the personas with their stable national IDs', async () => {
    expect(await listPersonas(t.db)).toEqual([
      { persona: 'A小姐', nationalId: PERSONA_IDS.A小姐 },
      { persona: 'B爺爺', nationalId: PERSONA_IDS.B爺爺 },
      ...PERSONA_IDS.C職場.map((nationalId) => ({ persona: 'C職場', nationalId })),
    ]);
  });

  it('gives back each citizen and their full record set exactly', async () => {
    for (const { citizen, records } of generated.filter((_, i) => i < PERSONA_COUNT + 2 || i % 10 === 0)) {
      const found = await findCitizenByNationalId(t.db, citizen.nationalId);
      expect(found).toEqual({ ...citizen, id: found?.id });
      const id = found?.id ?? -1;
      expect(await readRecords(t.db, id, { categories: CATEGORY_IDS })).toEqual(grouped(records));
      const codes = new Set(records.flatMap((r) => ('institution' in r && r.institution ? [r.institution.code] : [])));
      expect((await listVisitedInstitutions(t.db, id)).map((x) => x.code)).toEqual([...codes].sort());
    }
  });

  it("reads A小姐's recent lab results without one excluded institution", async () => {
    const miss = generated.find((c) => c.citizen.nationalId === PERSONA_IDS.A小姐);
    const id = (await findCitizenByNationalId(t.db, PERSONA_IDS.A小姐))?.id ?? -1;
    const labs = (miss?.records ?? []).filter((r) => r.category === 'lab');
    const excluded = labs.flatMap((r) => ('institution' in r && r.institution ? [r.institution.code] : []))[0] ?? '';
    const want = labs
      .filter((r) => r.date >= '2022-01-01' && r.date <= '2024-12-31')
      .filter((r) => r.institution.code !== excluded)
      .sort(byDateThenId);
    const got = await readRecords(t.db, id, {
      categories: ['lab'],
      from: '2022-01-01',
      to: '2024-12-31',
      excludeInstitutions: [excluded],
    });
    expect(got).toEqual({ lab: want });
    expect(labs.length).toBeGreaterThan(10);
  });
});
