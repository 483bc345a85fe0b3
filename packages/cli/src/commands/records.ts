import {
  CATEGORY_IDS,
  isValidInstitutionCode,
  isValidNationalId,
  parseCategoryList,
  periodError,
  type RecordQuery,
} from '@healthbank/records';
import { findCitizenByNationalId, readRecords } from '@healthbank/server/db';
import { withDatabase } from '../database.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { writeJson } from '../io.js';

export interface RecordsFlags {
  database?: string;
  categories?: string;
  from?: string;
  to?: string;
  exclude?: string;
}

/** Validates everything before touching the database, so bad input never opens a connection. */
export function parseRecordQuery(nationalId: string, flags: RecordsFlags): RecordQuery {
  if (!isValidNationalId(nationalId)) {
    throw new CliError('invalid national ID (expected a capital letter, 1 or 2, 8 digits and a valid check digit)');
  }
  let categories: RecordQuery['categories'] = CATEGORY_IDS;
  if (flags.categories !== undefined) {
    try {
      categories = parseCategoryList(flags.categories);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  }
  const problem = periodError(flags.from, flags.to);
  if (problem) throw new CliError(problem);
  const excludeInstitutions = flags.exclude?.split(',').map((s) => s.trim()) ?? [];
  const badCode = excludeInstitutions.find((code) => !isValidInstitutionCode(code));
  if (badCode !== undefined) throw new CliError(`invalid institution code "${badCode}" (expected 10 digits)`);
  return {
    categories,
    ...(flags.from === undefined ? {} : { from: flags.from }),
    ...(flags.to === undefined ? {} : { to: flags.to }),
    ...(excludeInstitutions.length === 0 ? {} : { excludeInstitutions }),
  };
}

export async function recordsCommand(io: CliIo, nationalId: string, flags: RecordsFlags): Promise<void> {
  const query = parseRecordQuery(nationalId, flags);
  const records = await withDatabase(
    io,
    flags.database,
    async (db) => {
      const citizen = await findCitizenByNationalId(db, nationalId);
      // The ID is not repeated in the message: terminal output ends up in logs (ASVS V7.1.1).
      if (!citizen) throw new CliError('no citizen with this national ID in the database');
      return readRecords(db, citizen.id, query);
    },
    { existing: true },
  );
  writeJson(io, records);
}
