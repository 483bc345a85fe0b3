/**
 * Scratch databases for integration tests and benchmarks: the same suite runs on SQLite (always)
 * and on PostgreSQL when `HEALTHBANK_TEST_POSTGRES_URL` names a server where we may create
 * databases, e.g. `postgres://postgres@127.0.0.1:5432/postgres`.
 *
 * @example
 * ```ts
 * describe.each(testDatabases())('storage on $label', (target) => {
 *   let t: TestDatabase;
 *   beforeAll(async () => { t = await createTestDatabase(target); });
 *   afterAll(() => t.dispose());
 *   it('…', async () => { await findCitizenByNationalId(t.db, 'A123456789'); });
 * });
 * ```
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { type Database, openDatabase } from './connection.js';
import { migrateToLatest } from './migrate.js';
import type { Dialect } from './url.js';

export const TEST_POSTGRES_URL_ENV = 'HEALTHBANK_TEST_POSTGRES_URL';

export interface TestTarget {
  dialect: Dialect;
  /** For test titles: `sqlite` or `postgres`. */
  label: string;
  /** PostgreSQL: the server URL scratch databases are created through. */
  serverUrl?: string;
}

/** SQLite, plus PostgreSQL when the environment names a server. */
export function testDatabases(env: Record<string, string | undefined> = process.env): TestTarget[] {
  const targets: TestTarget[] = [{ dialect: 'sqlite', label: 'sqlite' }];
  const serverUrl = env[TEST_POSTGRES_URL_ENV];
  if (serverUrl) targets.push({ dialect: 'postgres', label: 'postgres', serverUrl });
  return targets;
}

export interface TestDatabase {
  /** The scratch database's URL, for code under test that opens its own connection. */
  url: string;
  db: Database;
  /** Closes `db` and deletes the scratch database (the temp folder, or DROP DATABASE). */
  dispose(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply all migrations before returning (default true). */
  migrate?: boolean;
  /** Name prefix of the scratch database or folder (default `healthbank_test`). */
  prefix?: string;
  /** Sees the SQL text of every statement (`OpenOptions.onQuery`). */
  onQuery?: (sql: string) => void;
}

/**
 * A fresh, empty database on the target: a SQLite file in a new temp folder, or a new
 * PostgreSQL database with a random name. Call `dispose()` when done (e.g. in `afterAll`).
 */
export async function createTestDatabase(target: TestTarget, opts: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const prefix = opts.prefix ?? 'healthbank_test';
  let url: string;
  let drop: () => Promise<void>;
  if (target.dialect === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
    url = `sqlite:${join(dir, 'healthbank.sqlite')}`;
    drop = () => rm(dir, { recursive: true, force: true });
  } else {
    if (!target.serverUrl) throw new Error('a PostgreSQL test target needs a server URL');
    const serverUrl = target.serverUrl;
    const name = `${prefix}_${randomBytes(6).toString('hex')}`;
    await admin(serverUrl, `create database "${name}"`);
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    url = u.toString();
    drop = () => admin(serverUrl, `drop database if exists "${name}" with (force)`);
  }
  let db: Database;
  try {
    db = await openDatabase(url, opts.onQuery ? { onQuery: opts.onQuery } : {});
    if (opts.migrate ?? true) await migrateToLatest(db);
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    url,
    db,
    async dispose() {
      await db.close();
      await drop();
    },
  };
}

/** Runs `fn` with a fresh database on the target and deletes the database afterwards. */
export async function withTestDatabase<T>(
  target: TestTarget,
  fn: (t: TestDatabase) => Promise<T>,
  opts?: TestDatabaseOptions,
): Promise<T> {
  const t = await createTestDatabase(target, opts);
  try {
    return await fn(t);
  } finally {
    await t.dispose();
  }
}

async function admin(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Every table's row count: the state a refused request must leave as it was (the fuzz and forms
 * batteries compare it before and after).
 */
export async function tableRowCounts(db: Database): Promise<Record<string, number>> {
  const names =
    db.dialect === 'sqlite'
      ? (
          await sql<{
            name: string;
          }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(db.kysely)
        ).rows
      : (
          await sql<{
            name: string;
          }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`.execute(
            db.kysely,
          )
        ).rows;
  const counts: Record<string, number> = {};
  for (const { name } of names) {
    const row = (await sql<{ n: number | string }>`SELECT count(*) AS n FROM ${sql.table(name)}`.execute(db.kysely))
      .rows[0];
    counts[name] = Number(row?.n ?? 0);
  }
  return counts;
}
