import { migrateToLatest } from '@healthbank/server/db';
import { withDatabase } from '../database.js';
import type { CliIo } from '../io.js';

export async function migrateCommand(io: CliIo, opts: { database?: string }): Promise<void> {
  const applied = await withDatabase(io, opts.database, migrateToLatest);
  io.stdout.write(applied.length === 0 ? 'database is up to date\n' : `applied ${applied.join(', ')}\n`);
}
