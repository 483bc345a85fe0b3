import { randomBytes } from 'node:crypto';
import { isValidInstitutionCode, isValidUbn } from '@healthbank/records';
import { type Clock, systemClock } from '../../clock.js';
import type { Database } from '../../db/index.js';
import { authKysely, type OrganisationType } from '../tables.js';
import { RegistryError } from './errors.js';

export const ORGANISATION_TYPES = ['government', 'company', 'foundation', 'medical_institution'] as const;

/** The four kinds of organisation that may apply (SPEC §2), with their names on the pages. */
export const ORGANISATION_TYPE_NAMES: Record<OrganisationType, { 'zh-TW': string; en: string }> = {
  government: { 'zh-TW': '公務機關', en: 'Government agency' },
  company: { 'zh-TW': '公司', en: 'Company' },
  foundation: { 'zh-TW': '財團法人', en: 'Foundation' },
  medical_institution: { 'zh-TW': '醫事機構', en: 'Medical institution' },
};

export interface Organisation {
  id: string;
  type: OrganisationType;
  name: string;
  /** 統一編號 (8 digits), or the 醫事機構代碼 (10 digits) of an NHI-contracted medical institution. */
  identifier: string;
  createdAt: number;
}

export interface OrganisationInput {
  type: OrganisationType;
  name: string;
  identifier: string;
  /** Fixed ids are for seeded sandbox organisations; others get a random one. */
  id?: string;
}

/** Throws `invalid_identifier` unless the identifier is the right kind for the type and checks out. */
export function checkOrganisationIdentifier(type: OrganisationType, identifier: string): void {
  if (type === 'medical_institution') {
    if (!isValidInstitutionCode(identifier)) {
      throw new RegistryError('invalid_identifier', 'a medical institution is identified by its 10-digit 醫事機構代碼');
    }
  } else if (!isValidUbn(identifier)) {
    throw new RegistryError('invalid_identifier', `a ${type} is identified by its 8-digit 統一編號 (checksum failed)`);
  }
}

/**
 * Registers an organisation after checking its identifier; one organisation per identifier.
 *
 * @example
 * ```ts
 * const org = await registerOrganisation(db, { type: 'company', name: '健康日記股份有限公司', identifier: '04595257' });
 * ```
 */
export async function registerOrganisation(
  db: Database,
  input: OrganisationInput,
  clock: Clock = systemClock,
): Promise<Organisation> {
  if (!ORGANISATION_TYPES.includes(input.type))
    throw new RegistryError('invalid_organisation', 'unknown organisation type');
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200)
    throw new RegistryError('invalid_organisation', 'name must be 1–200 characters');
  checkOrganisationIdentifier(input.type, input.identifier);
  const kysely = authKysely(db);
  const existing = await kysely
    .selectFrom('organisations')
    .select('id')
    .where('identifier', '=', input.identifier)
    .executeTakeFirst();
  if (existing)
    throw new RegistryError('duplicate_identifier', 'an organisation with this identifier is already registered');
  const organisation: Organisation = {
    id: input.id ?? `org_${randomBytes(9).toString('base64url')}`,
    type: input.type,
    name,
    identifier: input.identifier,
    createdAt: clock.now(),
  };
  await kysely
    .insertInto('organisations')
    .values({
      id: organisation.id,
      type: organisation.type,
      name: organisation.name,
      identifier: organisation.identifier,
      created_at: organisation.createdAt,
    })
    .execute();
  return organisation;
}

/** The organisation with this id, or undefined. */
export async function findOrganisation(db: Database, id: string): Promise<Organisation | undefined> {
  const row = await authKysely(db).selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
  return (
    row && {
      id: row.id,
      type: row.type,
      name: row.name,
      identifier: row.identifier,
      createdAt: Number(row.created_at),
    }
  );
}
