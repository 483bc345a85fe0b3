import SqliteDatabase from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { cachingStatements } from './statement-cache.js';

describe('cachingStatements', () => {
  const handle = new SqliteDatabase(':memory:');
  afterEach(() => {
    handle.exec('DROP TABLE IF EXISTS t');
  });

  it('hands back the same prepared statement for the same SQL, which still binds new parameters', () => {
    const db = cachingStatements(handle);
    handle.exec('CREATE TABLE t (n INTEGER)');
    const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
    expect(db.prepare('INSERT INTO t (n) VALUES (?)')).toBe(insert);
    insert.run([1]);
    db.prepare('INSERT INTO t (n) VALUES (?)').run([2]);
    expect(db.prepare('SELECT n FROM t ORDER BY n').all([])).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('forgets the least recently used statement beyond its capacity', () => {
    const db = cachingStatements(handle, 2);
    const one = db.prepare('SELECT 1');
    const two = db.prepare('SELECT 2');
    expect(db.prepare('SELECT 1')).toBe(one); // now the most recently used
    db.prepare('SELECT 3'); // evicts SELECT 2
    expect(db.prepare('SELECT 1')).toBe(one);
    expect(db.prepare('SELECT 2')).not.toBe(two);
  });

  it('closes the handle when Kysely closes it', () => {
    const own = new SqliteDatabase(':memory:');
    cachingStatements(own).close();
    expect(own.open).toBe(false);
  });
});
