import { isValidNationalId } from '@healthbank/records';
import {
  type CitizenContacts,
  type ContactKind,
  DatabaseError,
  findCitizenByNationalId,
  maskContact,
  normalizeEmail,
  normalizeMobile,
  setCitizenContacts,
} from '@healthbank/server/db';
import { withDatabase } from '../database.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';

export interface ContactsSetFlags {
  database?: string;
  email?: string;
  mobile?: string;
}

/** Validates everything before touching the database, so bad input never opens a connection. */
export function parseContactsSet(nationalId: string, flags: ContactsSetFlags): { email?: string; mobile?: string } {
  if (!isValidNationalId(nationalId)) {
    throw new CliError('invalid national ID (expected a capital letter, 1 or 2, 8 digits and a valid check digit)');
  }
  if (flags.email === undefined && flags.mobile === undefined) {
    throw new CliError('nothing to set: give --email <address>, --mobile <09…> or both');
  }
  const normalised = (flag: string, normalize: (input: string) => string, input: string) => {
    try {
      return normalize(input);
    } catch (error) {
      // The repository's messages never repeat the input: terminal output ends up in logs.
      if (error instanceof DatabaseError) throw new CliError(`${flag}: ${error.message}`);
      throw error;
    }
  };
  return {
    ...(flags.email === undefined ? {} : { email: normalised('--email', normalizeEmail, flags.email) }),
    ...(flags.mobile === undefined ? {} : { mobile: normalised('--mobile', normalizeMobile, flags.mobile) }),
  };
}

const LABELS: Record<ContactKind, string> = { email: 'e-mail', mobile: 'mobile' };

/** The stored contacts, masked as in the server's logs. */
function describeContacts(contacts: CitizenContacts): string {
  const kinds = (Object.keys(LABELS) as ContactKind[]).filter((kind) => contacts[kind] !== undefined);
  return kinds.map((kind) => `${LABELS[kind]} ${maskContact(kind, contacts[kind] as string)}`).join(', ');
}

/**
 * Sets or replaces where a citizen's one-time sign-in codes are sent. Prints the stored contacts,
 * masked, never the national ID.
 */
export async function contactsSetCommand(io: CliIo, nationalId: string, flags: ContactsSetFlags): Promise<void> {
  const changes = parseContactsSet(nationalId, flags);
  const saved = await withDatabase(
    io,
    flags.database,
    async (db) => {
      const citizen = await findCitizenByNationalId(db, nationalId);
      if (!citizen) throw new CliError('no citizen with this national ID in the database');
      return setCitizenContacts(db, citizen.id, changes);
    },
    { existing: true },
  );
  io.stdout.write(`contacts saved: ${describeContacts(saved)}\n`);
}
