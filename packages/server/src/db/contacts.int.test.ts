import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCitizenContacts, setCitizenContacts } from './contacts.js';
import { fixturePopulation } from './fixtures.js';
import { findCitizenByNationalId, type StoredCitizen, seedPopulation } from './index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from './testing.js';

describe.each(testDatabases())('citizen contacts on $label', (target) => {
  let t: TestDatabase;
  let citizens: StoredCitizen[];
  let next = 0;
  const freshCitizen = () => {
    const c = citizens[next++];
    if (!c) throw new Error('not enough fixture citizens');
    return c;
  };

  beforeAll(async () => {
    t = await createTestDatabase(target);
    const population = [...fixturePopulation({ citizens: 8, recordsPerCitizen: 1 })];
    await seedPopulation(t.db, population);
    citizens = await Promise.all(
      population.map(async (p) => (await findCitizenByNationalId(t.db, p.citizen.nationalId)) as StoredCitizen),
    );
  });
  afterAll(() => t?.dispose());

  const stored = (citizenId: number) =>
    t.db.kysely
      .withTables<{ citizen_contacts: { citizen_id: number; kind: string; address: string; updated_at: number } }>()
      .selectFrom('citizen_contacts')
      .selectAll()
      .where('citizen_id', '=', citizenId)
      .orderBy('kind')
      .execute();

  it('has no contacts for a citizen until some are set', async () => {
    expect(await readCitizenContacts(t.db, freshCitizen().id)).toEqual({});
  });

  it('stores both kinds normalised, with the time of the change', async () => {
    const c = freshCitizen();
    const contacts = await setCitizenContacts(
      t.db,
      c.id,
      { email: ' Citizen@Example.TW ', mobile: '0912-345-678' },
      { now: 1_700_000_000_000 },
    );
    expect(contacts).toEqual({ email: 'Citizen@example.tw', mobile: '+886912345678' });
    expect(await readCitizenContacts(t.db, c.id)).toEqual(contacts);
    const rows = await stored(c.id);
    expect(rows.map((r) => [r.kind, r.address, Number(r.updated_at)])).toEqual([
      ['email', 'Citizen@example.tw', 1_700_000_000_000],
      ['mobile', '+886912345678', 1_700_000_000_000],
    ]);
  });

  it('replaces one kind without touching the other, and removes one with null', async () => {
    const c = freshCitizen();
    await setCitizenContacts(t.db, c.id, { email: 'old@example.tw', mobile: '0912345678' }, { now: 1 });
    expect(await setCitizenContacts(t.db, c.id, { email: 'new@example.tw' }, { now: 2 })).toEqual({
      email: 'new@example.tw',
      mobile: '+886912345678',
    });
    const rows = await stored(c.id);
    expect(rows.map((r) => [r.kind, Number(r.updated_at)])).toEqual([
      ['email', 2],
      ['mobile', 1],
    ]);
    expect(await setCitizenContacts(t.db, c.id, { mobile: null })).toEqual({ email: 'new@example.tw' });
  });

  it('changes nothing when any part of the input is invalid', async () => {
    const c = freshCitizen();
    await setCitizenContacts(t.db, c.id, { email: 'kept@example.tw' });
    await expect(
      setCitizenContacts(t.db, c.id, { email: 'other@example.tw', mobile: '0212345678' }),
    ).rejects.toMatchObject({ code: 'invalid_contact' });
    expect(await readCitizenContacts(t.db, c.id)).toEqual({ email: 'kept@example.tw' });
  });

  it('keeps each citizen to their own contacts', async () => {
    const [a, b] = [freshCitizen(), freshCitizen()];
    await setCitizenContacts(t.db, a.id, { email: 'a@example.tw' });
    await setCitizenContacts(t.db, b.id, { mobile: '0987654321' });
    expect(await readCitizenContacts(t.db, a.id)).toEqual({ email: 'a@example.tw' });
    expect(await readCitizenContacts(t.db, b.id)).toEqual({ mobile: '+886987654321' });
  });

  it('refuses contacts for a citizen who does not exist', async () => {
    await expect(setCitizenContacts(t.db, 999_999, { email: 'nobody@example.tw' })).rejects.toThrow();
  });

  it('refuses kinds and lengths the schema does not allow, whatever the caller', async () => {
    const c = freshCitizen();
    await expect(
      sql`insert into citizen_contacts (citizen_id, kind, address, updated_at) values (${c.id}, 'fax', 'x', 0)`.execute(
        t.db.kysely,
      ),
    ).rejects.toThrow();
    await expect(
      sql`insert into citizen_contacts (citizen_id, kind, address, updated_at) values (${c.id}, 'email', ${'a'.repeat(255)}, 0)`.execute(
        t.db.kysely,
      ),
    ).rejects.toThrow();
  });

  it('deletes a citizen’s contacts with the citizen', async () => {
    const c = freshCitizen();
    await setCitizenContacts(t.db, c.id, { email: 'gone@example.tw', mobile: '0912345678' });
    await t.db.kysely.deleteFrom('citizens').where('id', '=', c.id).execute();
    expect(await stored(c.id)).toEqual([]);
  });
});
