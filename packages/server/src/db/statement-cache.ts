import type SqliteDatabase from 'better-sqlite3';
import type { SqliteDatabase as KyselySqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct statements kept prepared; Kysely's queries are a few dozen shapes, bulk `IN` lists vary. */
const DEFAULT_CAPACITY = 256;

/**
 * The better-sqlite3 handle as Kysely's SQLite dialect sees it, with the statements it prepares
 * kept for reuse. Kysely prepares every query afresh, and on the authorization server's hot path
 * (a dozen small queries per token request) SQLite's parser and planner cost more than running the
 * statements. The cache is keyed by SQL text and forgets the least recently used statement beyond
 * `capacity`.
 *
 * Reusing a statement is safe here because Kysely runs one query at a time on this connection
 * (its SQLite driver holds a mutex, streams included), so a statement is never in use twice.
 */
export function cachingStatements(handle: SqliteDatabase.Database, capacity = DEFAULT_CAPACITY): KyselySqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => handle.close(),
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement) {
        // Re-inserting moves it to the end: the Map's order is least to most recently used.
        statements.delete(sql);
      } else {
        statement = handle.prepare(sql);
        if (statements.size >= capacity) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
