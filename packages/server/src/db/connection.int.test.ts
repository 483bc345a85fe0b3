import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeWithoutSync, nativeHandle, openDatabase } from './connection.js';
import { DatabaseError } from './errors.js';

async function rejection(promise: Promise<unknown>): Promise<DatabaseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseError);
  return error as DatabaseError;
}

describe('openDatabase on SQLite', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'healthbank-conn-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('creates the folder and sets WAL, synchronous=FULL, foreign keys and a busy timeout', async () => {
    const path = join(dir, 'nested', 'deeper', 'hb.sqlite');
    const db = await openDatabase(`sqlite:${path}`);
    try {
      expect((await stat(path)).isFile()).toBe(true);
      const native = nativeHandle(db);
      if (native.dialect !== 'sqlite') throw new Error('expected SQLite');
      expect(native.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(native.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(native.sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(native.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db.kysely);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
      await db.close();
    }
  });

  it('runs a write without syncing, and only that write: every other query keeps synchronous=FULL', async () => {
    const db = await openDatabase(`sqlite:${join(dir, 'relaxed.sqlite')}`);
    try {
      const level = sql<{ synchronous: number }>`select synchronous from pragma_synchronous()`;
      await sql`create table t (n integer primary key)`.execute(db.kysely);
      // Issued together: the ordinary query must not run while the level is lowered.
      const [relaxed, ordinary] = await Promise.all([
        executeWithoutSync(db, level.compile(db.kysely)),
        level.execute(db.kysely),
      ]);
      expect(relaxed.rows).toEqual([{ synchronous: 1 }]); // NORMAL
      expect(ordinary.rows).toEqual([{ synchronous: 2 }]); // FULL
      const inserted = await executeWithoutSync(db, sql`insert into t (n) values (1)`.compile(db.kysely));
      expect(inserted.numAffectedRows).toBe(1n);
      // A failing write changes nothing and still restores the level.
      await expect(executeWithoutSync(db, sql`insert into t (n) values (1)`.compile(db.kysely))).rejects.toThrow(
        /UNIQUE/,
      );
      expect((await level.execute(db.kysely)).rows).toEqual([{ synchronous: 2 }]);
      expect((await sql`select n from t`.execute(db.kysely)).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('opens an in-memory database', async () => {
    const db = await openDatabase('sqlite::memory:');
    expect(db.dialect).toBe('sqlite');
    await db.close();
  });

  it('reports a path it cannot open as database_unreachable', async () => {
    const error = await rejection(openDatabase(`sqlite:${dir}`));
    expect(error.code).toBe('database_unreachable');
    expect(error.message).toContain(dir);
  });
});

describe('openDatabase on PostgreSQL', () => {
  it.each([
    ['127.0.0.1', 'postgres://healthbank:s3cret-Pw@127.0.0.1:1/healthbank'],
    ['localhost', 'postgresql://healthbank:s3cret-Pw@localhost:1/healthbank?password=s3cret-Pw'],
  ])('rejects an unreachable server (%s) as database_unreachable without the password', async (_host, url) => {
    const error = await rejection(openDatabase(url));
    expect(error.code).toBe('database_unreachable');
    expect(error.message).toMatch(/^cannot connect to PostgreSQL at \S+:1\/healthbank: \S/);
    expect(error.message).not.toContain('s3cret-Pw');
    expect(error.message).not.toContain('\n');
  });
});

describe('openDatabase with a bad URL', () => {
  it('rejects with invalid_database_url', async () => {
    const error = await rejection(openDatabase('mysql://root@db/hb'));
    expect(error.code).toBe('invalid_database_url');
  });
});
