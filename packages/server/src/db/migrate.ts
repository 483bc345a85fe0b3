import { Migrator } from 'kysely';
import type { Database } from './connection.js';
import { DatabaseError } from './errors.js';
import { migrations } from './migrations/index.js';

const migratorOf = (db: Database) =>
  new Migrator({ db: db.kysely, provider: { getMigrations: async () => migrations(db.dialect) } });

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
  const { error, results = [] } = await migratorOf(db).migrateToLatest();
  if (error) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseError('migration_failed', `migration ${failed ?? '(setup)'} failed: ${reason}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Throws `database_not_migrated` unless every migration has been applied; changes nothing (the
 * migration table is only read, and only if it exists). For commands that read and must not
 * answer "no such table".
 *
 * @example
 * ```ts
 * await assertMigrated(db); // before listPersonas(db) in a command that never migrates
 * ```
 */
export async function assertMigrated(db: Database): Promise<void> {
  const pending = (await migratorOf(db).getMigrations()).filter((m) => m.executedAt === undefined);
  if (pending.length === 0) return;
  const empty = pending.length === Object.keys(migrations(db.dialect)).length;
  throw new DatabaseError(
    'database_not_migrated',
    empty
      ? 'the database is empty: start the platform once (npm start), or run healthbank migrate and healthbank seed'
      : `the database schema is behind this version (${pending.length} migrations pending): run healthbank migrate`,
  );
}
