import { Migrator } from 'kysely';
import type { Database } from './connection.js';
import { DatabaseError } from './errors.js';
import { migrations } from './migrations/index.js';

/**
 * Applies every migration not yet applied, in order, and returns their names (empty when the
 * database is already current). Concurrent callers are serialised by Kysely's migration lock.
 *
 * @example
 * ```ts
 * const applied = await migrateToLatest(db); // ['0001_citizens_and_records'] on a new database
 * ```
 */
export async function migrateToLatest(db: Database): Promise<string[]> {
  const migrator = new Migrator({
    db: db.kysely,
    provider: { getMigrations: async () => migrations(db.dialect) },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseError('migration_failed', `migration ${failed ?? '(setup)'} failed: ${reason}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
