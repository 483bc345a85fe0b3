/**
 * Staff accounts: developers of an organisation and the platform's reviewers. An account is one
 * e-mail address of one kind; the kinds never mix (a developer's session opens nothing of the
 * reviewer console, ASVS V8.1.1).
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/index.js';
import { normalizeEmail } from '../../db/index.js';
import { millis } from '../tables.js';
import { type StaffKind, type StaffRole, staffKysely } from './tables.js';

export type { StaffKind, StaffRole } from './tables.js';

export interface StaffAccount {
  id: string;
  kind: StaffKind;
  email: string;
  name: string;
  organisationId: string | null;
  role: StaffRole;
  createdAt: number;
}

export interface StaffAccountInput {
  kind: StaffKind;
  email: string;
  name: string;
  organisationId?: string | null;
  role: StaffRole;
}

export class StaffAccountError extends Error {
  override name = 'StaffAccountError';
  constructor(
    readonly code: 'invalid_email' | 'invalid_name' | 'duplicate_email' | 'invalid_role',
    message: string,
  ) {
    super(message);
  }
}

/** The stored form of an address: normalised, then lower-cased (one address, one account). */
export function staffEmail(input: string): string {
  try {
    return normalizeEmail(input).toLowerCase();
  } catch {
    throw new StaffAccountError('invalid_email', 'not a valid e-mail address');
  }
}

const ROLES: Record<StaffKind, StaffRole[]> = { developer: ['member', 'admin'], reviewer: ['reviewer', 'admin'] };

/**
 * Creates an account; `tx` may be a transaction that also creates its organisation.
 *
 * @example
 * ```ts
 * await createStaffAccount(db, { kind: 'developer', email: 'dev@diary.example', name: '王小明',
 *   organisationId: org.id, role: 'admin' }, clock.now());
 * ```
 */
export async function createStaffAccount(db: Database, input: StaffAccountInput, now: number): Promise<StaffAccount> {
  const email = staffEmail(input.email);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100)
    throw new StaffAccountError('invalid_name', 'name must be 1–100 characters');
  if (!ROLES[input.kind]?.includes(input.role)) throw new StaffAccountError('invalid_role', 'unknown role');
  const store = staffKysely(db);
  const existing = await store
    .selectFrom('staff_accounts')
    .select('id')
    .where('kind', '=', input.kind)
    .where('email', '=', email)
    .executeTakeFirst();
  if (existing) throw new StaffAccountError('duplicate_email', 'an account with this e-mail address exists');
  const account: StaffAccount = {
    id: `stf_${randomBytes(12).toString('base64url')}`,
    kind: input.kind,
    email,
    name,
    organisationId: input.organisationId ?? null,
    role: input.role,
    createdAt: now,
  };
  await store
    .insertInto('staff_accounts')
    .values({
      id: account.id,
      kind: account.kind,
      email: account.email,
      name: account.name,
      organisation_id: account.organisationId,
      role: account.role,
      created_at: now,
    })
    .execute();
  return account;
}

type Row = {
  id: string;
  kind: StaffKind;
  email: string;
  name: string;
  organisation_id: string | null;
  role: StaffRole;
  created_at: number | string;
};

const accountOf = (row: Row): StaffAccount => ({
  id: row.id,
  kind: row.kind,
  email: row.email,
  name: row.name,
  organisationId: row.organisation_id,
  role: row.role,
  createdAt: millis(row.created_at),
});

const COLUMNS = ['id', 'kind', 'email', 'name', 'organisation_id', 'role', 'created_at'] as const;

export async function findStaffAccount(db: Database, id: string): Promise<StaffAccount | undefined> {
  const row = await staffKysely(db)
    .selectFrom('staff_accounts')
    .select(COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && accountOf(row);
}

/** The account of this kind with this address, or undefined (also for an address that is not one). */
export async function findStaffByEmail(
  db: Database,
  kind: StaffKind,
  email: string,
): Promise<StaffAccount | undefined> {
  let normalised: string;
  try {
    normalised = staffEmail(email);
  } catch {
    return undefined;
  }
  const row = await staffKysely(db)
    .selectFrom('staff_accounts')
    .select(COLUMNS)
    .where('kind', '=', kind)
    .where('email', '=', normalised)
    .executeTakeFirst();
  return row && accountOf(row);
}

/** An organisation's developers, oldest first. */
export async function listDevelopers(db: Database, organisationId: string): Promise<StaffAccount[]> {
  const rows = await staffKysely(db)
    .selectFrom('staff_accounts')
    .select(COLUMNS)
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', 'developer')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(accountOf);
}
