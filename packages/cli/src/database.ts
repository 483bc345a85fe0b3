import {
  assertMigrated,
  type Database,
  DatabaseError,
  DEFAULT_DATABASE_URL,
  openDatabase,
} from '@healthbank/server/db';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

/** `--database` wins over DATABASE_URL, which wins over the embedded SQLite default. */
export function databaseUrl(io: CliIo, flag: string | undefined): string {
  return flag ?? io.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
}

/** Runs a storage step, turning its errors (unreachable, missing, unmigrated) into one-line user errors. */
async function asUserError<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof DatabaseError) throw new CliError(error.message);
    throw error;
  }
}

export interface ConnectOptions {
  /**
   * The database must already exist and be migrated: for commands that use one rather than make
   * one (`personas`, `records`, `contacts`). They create no file and say what to do instead of
   * failing on "no such table".
   */
  existing?: boolean;
}

/** Opens the database, turning connection problems into one-line user errors. */
export async function connect(io: CliIo, flag: string | undefined, { existing = false }: ConnectOptions = {}) {
  const db = await asUserError(() => openDatabase(databaseUrl(io, flag), { mustExist: existing }));
  if (!existing) return db;
  try {
    await asUserError(() => assertMigrated(db));
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/** Runs `work` with an open database and always closes it. */
export async function withDatabase<T>(
  io: CliIo,
  flag: string | undefined,
  work: (db: Database) => Promise<T>,
  options: ConnectOptions = {},
): Promise<T> {
  const db = await connect(io, flag, options);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
