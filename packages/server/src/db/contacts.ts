/**
 * Citizens' contact details: where one-time sign-in codes are sent (an e-mail address, a mobile
 * number). They are personal data: callers log them only through {@link maskContact} (ASVS V7.1.2:
 * no personal data in logs), the way national IDs go through `maskNationalId`.
 */
import { domainToASCII } from 'node:url';
import type { ColumnType, Kysely } from 'kysely';
import type { Database } from './connection.js';
import { DatabaseError } from './errors.js';
import type { Schema } from './schema.js';

export const CONTACT_KINDS = ['email', 'mobile'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/** A citizen's contacts, normalised: at most one of each kind. */
export type CitizenContacts = Partial<Record<ContactKind, string>>;

/** A change: a value sets or replaces that kind, `null` removes it, an absent kind stays as it is. */
export type ContactChanges = Partial<Record<ContactKind, string | null>>;

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets with its angle brackets, so an address 254. */
export const MAX_EMAIL_LENGTH = 254;
/** RFC 5321 §4.5.3.1.1. */
const MAX_LOCAL_PART_LENGTH = 64;
/** RFC 1035 §2.3.4. */
const MAX_LABEL_LENGTH = 63;
/** Longer input is refused before it is normalised or matched (ASVS V5.1.4: bounded input). */
const MAX_INPUT_LENGTH = 512;

/** RFC 5322 §3.2.3 dot-atom: quoted local parts and comments are legal but not worth accepting. */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** RFC 1123 §2.1 host name label, after IDNA mapping (`xn--` labels included). */
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
/** A Taiwanese mobile number as typed (`0912345678`, `0912-345-678`) or in E.164 (`+886912345678`). */
const MOBILE = /^(?:09|\+8869)(\d{8})$/;

export interface CitizenContactsTable {
  citizen_id: number;
  kind: ContactKind;
  address: string;
  /** Epoch milliseconds: written as numbers; PostgreSQL's bigint reads back as a string. */
  updated_at: ColumnType<number | string, number, number>;
}

// A type alias, not an interface: `withTables` needs an index-signature-compatible type.
type ContactTables = { citizen_contacts: CitizenContactsTable };

function contactsKysely(db: Database): Kysely<Schema & ContactTables> {
  return db.kysely.withTables<ContactTables>();
}

function invalid(message: string): DatabaseError {
  return new DatabaseError('invalid_contact', message);
}

/**
 * A plausible e-mail address, normalised: surrounding space trimmed, full-width characters folded
 * (NFKC), the domain lower-cased and in its ASCII (IDNA) form. Throws `invalid_contact` otherwise;
 * the message never repeats the input.
 *
 * @example
 * ```ts
 * normalizeEmail(' Citizen@Example.TW '); // 'Citizen@example.tw'
 * normalizeEmail('民眾@例子.台灣'); // throws: the local part must be ASCII
 * ```
 */
export function normalizeEmail(input: string): string {
  if (input.length > MAX_INPUT_LENGTH) throw invalid('the e-mail address is too long');
  const text = input.normalize('NFKC').trim();
  const at = text.lastIndexOf('@');
  const local = text.slice(0, at);
  const rawDomain = text.slice(at + 1);
  if (at <= 0 || !LOCAL_PART.test(local)) throw invalid('not a valid e-mail address');
  if (local.length > MAX_LOCAL_PART_LENGTH) throw invalid('the part of the e-mail address before @ is too long');
  // Letters, digits, dots and hyphens only; then UTS #46 lower-cases, maps and punycodes ('' when invalid).
  const domain = /^[\p{L}\p{M}\p{N}.-]+$/u.test(rawDomain) ? domainToASCII(rawDomain) : '';
  const labels = domain.split('.');
  const valid =
    labels.length >= 2 &&
    labels.every((label) => label.length <= MAX_LABEL_LENGTH && LABEL.test(label)) &&
    !/^\d+$/.test(labels.at(-1) ?? '');
  if (!valid) throw invalid('not a valid e-mail address');
  const address = `${local}@${domain}`;
  if (address.length > MAX_EMAIL_LENGTH) throw invalid('the e-mail address is too long');
  return address;
}

/**
 * A Taiwanese mobile number (`09` and eight digits; spaces and hyphens allowed) in E.164.
 * Throws `invalid_contact` otherwise; the message never repeats the input.
 *
 * @example
 * ```ts
 * normalizeMobile('0912-345-678'); // '+886912345678'
 * normalizeMobile('+886912345678'); // '+886912345678'
 * ```
 */
export function normalizeMobile(input: string): string {
  if (input.length > MAX_INPUT_LENGTH) throw invalid('not a Taiwanese mobile number (expected 09 and 8 digits)');
  const match = MOBILE.exec(input.normalize('NFKC').replace(/[\s-]/g, ''));
  if (!match) throw invalid('not a Taiwanese mobile number (expected 09 and 8 digits)');
  return `+8869${match[1]}`;
}

/** Normalises a contact of either kind; see {@link normalizeEmail} and {@link normalizeMobile}. */
export function normalizeContact(kind: ContactKind, input: string): string {
  return kind === 'email' ? normalizeEmail(input) : normalizeMobile(input);
}

/**
 * A contact as it may appear in logs and terminal output: the e-mail's first character and
 * domain (which relay problems are told by), the mobile's country prefix and last three digits.
 *
 * @example
 * ```ts
 * maskContact('email', 'citizen@example.tw'); // 'c***@example.tw'
 * maskContact('mobile', '+886912345678'); // '+8869*****678'
 * ```
 */
export function maskContact(kind: ContactKind, address: string): string {
  if (kind === 'mobile') return address.length === 13 ? `${address.slice(0, 5)}*****${address.slice(10)}` : '***';
  const at = address.lastIndexOf('@');
  return at > 0 ? `${address.slice(0, 1)}***${address.slice(at)}` : '***';
}

/**
 * Sets, replaces or removes a citizen's contacts in one transaction and returns them as stored.
 * Everything is validated before anything is written: invalid input throws `invalid_contact` and
 * changes nothing.
 *
 * @example
 * ```ts
 * await setCitizenContacts(db, citizen.id, { email: 'citizen@example.tw', mobile: '0912345678' });
 * // { email: 'citizen@example.tw', mobile: '+886912345678' }
 * await setCitizenContacts(db, citizen.id, { mobile: null }); // { email: 'citizen@example.tw' }
 * ```
 */
export async function setCitizenContacts(
  db: Database,
  citizenId: number,
  changes: ContactChanges,
  opts: { now?: number } = {},
): Promise<CitizenContacts> {
  const now = opts.now ?? Date.now();
  const normalised = CONTACT_KINDS.flatMap((kind) => {
    const value = changes[kind];
    if (value === undefined) return [];
    return [{ kind, address: value === null ? null : normalizeContact(kind, value) }];
  });
  await contactsKysely(db)
    .transaction()
    .execute(async (trx) => {
      for (const { kind, address } of normalised) {
        if (address === null) {
          await trx
            .deleteFrom('citizen_contacts')
            .where('citizen_id', '=', citizenId)
            .where('kind', '=', kind)
            .execute();
          continue;
        }
        await trx
          .insertInto('citizen_contacts')
          .values({ citizen_id: citizenId, kind, address, updated_at: now })
          .onConflict((oc) => oc.columns(['citizen_id', 'kind']).doUpdateSet({ address, updated_at: now }))
          .execute();
      }
    });
  return readCitizenContacts(db, citizenId);
}

/**
 * A citizen's contacts (an empty object when there are none).
 *
 * @example
 * ```ts
 * const { email, mobile } = await readCitizenContacts(db, citizen.id);
 * ```
 */
export async function readCitizenContacts(db: Database, citizenId: number): Promise<CitizenContacts> {
  const rows = await contactsKysely(db)
    .selectFrom('citizen_contacts')
    .select(['kind', 'address'])
    .where('citizen_id', '=', citizenId)
    .execute();
  const contacts: CitizenContacts = {};
  for (const row of rows) contacts[row.kind] = row.address;
  return contacts;
}
