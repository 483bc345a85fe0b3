import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { unavailabilityOf } from './availability.js';

/** A server error as node-postgres builds it from the wire (pg-protocol's DatabaseError). */
function pgError(sqlstate: string, message = 'from the server'): Error {
  return Object.assign(new pg.DatabaseError(message, 0, 'error'), { code: sqlstate });
}

const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code });

describe('unavailabilityOf', () => {
  it('tells PostgreSQL stopping, crashing, starting up or full', () => {
    expect(unavailabilityOf(pgError('57P01', 'terminating connection due to administrator command'))).toBe(
      'unavailable',
    );
    expect(unavailabilityOf(pgError('57P03', 'the database system is starting up'))).toBe('unavailable');
    expect(unavailabilityOf(pgError('08006'))).toBe('unavailable');
    expect(unavailabilityOf(pgError('53300', 'sorry, too many clients already'))).toBe('unavailable');
    expect(unavailabilityOf(pgError('53100', 'could not extend file: No space left on device'))).toBe('full');
  });

  it('tells a refused, reset or lost connection', () => {
    expect(unavailabilityOf(socketError('ECONNREFUSED'))).toBe('unavailable');
    expect(unavailabilityOf(socketError('ECONNRESET'))).toBe('unavailable');
    expect(unavailabilityOf(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(unavailabilityOf(new Error('timeout exceeded when trying to connect'))).toBe('unavailable');
    // An aggregate (happy eyeballs over two addresses) and a wrapped cause are followed.
    expect(unavailabilityOf(new AggregateError([socketError('ECONNREFUSED')], 'connect failed'))).toBe('unavailable');
    expect(unavailabilityOf(new Error('query failed', { cause: socketError('EPIPE') }))).toBe('unavailable');
  });

  it('tells SQLite out of space or locked too long', () => {
    expect(unavailabilityOf(new SqliteDatabase.SqliteError('database or disk is full', 'SQLITE_FULL'))).toBe('full');
    expect(unavailabilityOf(new SqliteDatabase.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE'))).toBe(
      'unavailable',
    );
    expect(unavailabilityOf(new SqliteDatabase.SqliteError('database is locked', 'SQLITE_BUSY'))).toBe('unavailable');
  });

  it('leaves every other error a defect', () => {
    // A constraint violation, a syntax error, a bug: the request or the code is wrong, not the database's state.
    expect(unavailabilityOf(pgError('23505', 'duplicate key value'))).toBeUndefined();
    expect(unavailabilityOf(pgError('42601', 'syntax error'))).toBeUndefined();
    expect(
      unavailabilityOf(new SqliteDatabase.SqliteError('UNIQUE constraint failed', 'SQLITE_CONSTRAINT_UNIQUE')),
    ).toBeUndefined();
    expect(unavailabilityOf(new TypeError('x is undefined'))).toBeUndefined();
    expect(unavailabilityOf('ECONNREFUSED')).toBeUndefined();
    // A cycle of causes ends.
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(unavailabilityOf(a)).toBeUndefined();
  });
});
