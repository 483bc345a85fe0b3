import type { Citizen, PersonaName } from '@healthbank/records';
import type { Selectable } from 'kysely';
import type { Database } from './connection.js';
import type { CitizensTable } from './schema.js';

/**
 * Which citizens a realm serves: the sandbox only synthetic ones, production only real ones
 * (`synthetic: config.sandbox`). Lookups given a scope never return a citizen of the other realm,
 * so the sandbox cannot send a code to, sign in, or show a real citizen (issue: sandbox and
 * production are separate).
 */
export interface CitizenScope {
  synthetic: boolean;
}

/** A stored citizen: the domain shape plus the internal id that records are keyed by. */
export type StoredCitizen = Citizen & { id: number };

/**
 * The citizen with this national ID, or undefined. Uses the unique index on national_id.
 *
 * @example
 * ```ts
 * const citizen = await findCitizenByNationalId(db, 'A123456789');
 * if (citizen) await readRecords(db, citizen.id, { categories: ['lab'] });
 * ```
 */
export async function findCitizenByNationalId(
  db: Database,
  nationalId: string,
  scope?: CitizenScope,
): Promise<StoredCitizen | undefined> {
  let query = db.kysely.selectFrom('citizens').selectAll().where('national_id', '=', nationalId);
  if (scope) query = query.where('synthetic', '=', scope.synthetic ? 1 : 0);
  const row = await query.executeTakeFirst();
  return row && toCitizen(row);
}

/**
 * The citizen with this internal id (the oidc-provider account id), or undefined.
 *
 * @example
 * ```ts
 * const citizen = await findCitizenById(db, Number(session.accountId));
 * ```
 */
export async function findCitizenById(
  db: Database,
  id: number,
  scope?: CitizenScope,
): Promise<StoredCitizen | undefined> {
  let query = db.kysely.selectFrom('citizens').selectAll().where('id', '=', id);
  if (scope) query = query.where('synthetic', '=', scope.synthetic ? 1 : 0);
  const row = await query.executeTakeFirst();
  return row && toCitizen(row);
}

function toCitizen(row: Selectable<CitizensTable>): StoredCitizen {
  const citizen: StoredCitizen = {
    id: row.id,
    nationalId: row.national_id,
    nhiCardNumber: row.nhi_card_number,
    name: row.name,
    sex: row.sex,
    birthDate: row.birth_date,
    county: row.county,
    township: row.township,
  };
  // Optional fields stay absent rather than null, matching the domain type exactly.
  if (row.persona !== null) citizen.persona = row.persona;
  if (row.employer_ubn !== null) citizen.employerUbn = row.employer_ubn;
  return citizen;
}

/**
 * Every sandbox persona's citizens, ordered by persona then insertion (C職場 has one entry per
 * employee). Not citizen-scoped, but served by the small partial index on persona; on a sharded
 * cluster it is a fan-out query meant for the sandbox only.
 *
 * @example
 * ```ts
 * await listPersonas(db); // [{ persona: 'A小姐', nationalId: 'A2…' }, { persona: 'B爺爺', … }, …]
 * ```
 */
export async function listPersonas(db: Database): Promise<{ persona: PersonaName; nationalId: string }[]> {
  const rows = await db.kysely
    .selectFrom('citizens')
    .select(['persona', 'national_id'])
    .where('persona', 'is not', null)
    .orderBy('persona')
    .orderBy('id')
    .execute();
  return rows.flatMap((r) => (r.persona === null ? [] : [{ persona: r.persona, nationalId: r.national_id }]));
}
