import { type Database, DatabaseError, DEFAULT_DATABASE_URL, openDatabase } from '@healthbank/server/db';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

/** `--database` wins over DATABASE_URL, which wins over the embedded SQLite default. */
export function databaseUrl(io: CliIo, flag: string | undefined): string {
  return flag ?? io.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
}

/** Opens the database, turning connection problems into one-line user errors. */
export async function connect(io: CliIo, flag: string | undefined): Promise<Database> {
  try {
    return await openDatabase(databaseUrl(io, flag));
  } catch (error) {
    if (error instanceof DatabaseError) throw new CliError(error.message);
    throw error;
  }
}

/** Runs `work` with an open database and always closes it. */
export async function withDatabase<T>(
  io: CliIo,
  flag: string | undefined,
  work: (db: Database) => Promise<T>,
): Promise<T> {
  const db = await connect(io, flag);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
