import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CitizenRecords, type HealthRecord, institutionOf } from '@healthbank/records';
import type SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { type Database, nativeHandle } from './connection.js';
import { textArrayLiteral } from './pg-array.js';
import { storedPayload } from './record-json.js';

/** Counts of what a bulk insert wrote. */
export interface InsertCounts {
  citizens: number;
  records: number;
}

/**
 * Inserts a batch of citizens with all their records in one transaction: either the whole batch
 * is written or nothing is. Records are stored as given (the generator and importers validate
 * them); a duplicate national ID or record id fails the batch.
 *
 * SQLite goes through prepared better-sqlite3 statements (compiling a Kysely query per row would
 * cost more than the insert itself); PostgreSQL gets one multi-row `INSERT … SELECT FROM unnest()`
 * for the citizens (their generated ids come back) and one `COPY … FROM STDIN` for their records,
 * PostgreSQL's fastest way in: rows stream in its own text format without per-row statements.
 *
 * @example
 * ```ts
 * await insertPopulation(db, [{ citizen, records }]); // { citizens: 1, records: records.length }
 * ```
 */
export async function insertPopulation(db: Database, batch: readonly CitizenRecords[]): Promise<InsertCounts> {
  const counts = { citizens: batch.length, records: batch.reduce((n, c) => n + c.records.length, 0) };
  if (batch.length === 0) return counts;
  const native = nativeHandle(db);
  if (native.dialect === 'sqlite') {
    // Holding Kysely's connection keeps its own queries (and transactions) out while the
    // synchronous better-sqlite3 transaction runs on the same handle.
    await db.kysely.connection().execute(async () => insertSqlite(native.sqlite, batch));
  } else {
    await insertPostgres(native.pool, batch);
  }
  return counts;
}

const CITIZEN_COLUMNS = `national_id, nhi_card_number, name, sex, birth_date, county, township, persona, employer_ubn`;
const RECORD_COLUMNS = `citizen_id, id, category, date, institution_code, payload`;

interface SqliteStatements {
  citizen: SqliteDatabase.Statement;
  record: SqliteDatabase.Statement;
  transaction: (batch: readonly CitizenRecords[]) => void;
}

const sqliteStatements = new WeakMap<SqliteDatabase.Database, SqliteStatements>();

function insertSqlite(handle: SqliteDatabase.Database, batch: readonly CitizenRecords[]): void {
  let statements = sqliteStatements.get(handle);
  if (!statements) {
    const citizen = handle.prepare(`INSERT INTO citizens (${CITIZEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const record = handle.prepare(`INSERT INTO records (${RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`);
    const transaction = handle.transaction((rows: readonly CitizenRecords[]) => {
      for (const { citizen: c, records } of rows) {
        const citizenId = Number(
          citizen.run(
            c.nationalId,
            c.nhiCardNumber,
            c.name,
            c.sex,
            c.birthDate,
            c.county,
            c.township,
            c.persona ?? null,
            c.employerUbn ?? null,
          ).lastInsertRowid,
        );
        for (const r of records) {
          record.run(citizenId, r.id, r.category, r.date, institutionOf(r)?.code ?? null, storedPayload(r));
        }
      }
    });
    statements = { citizen, record, transaction };
    sqliteStatements.set(handle, statements);
  }
  statements.transaction(batch);
}

async function insertPostgres(pool: pg.Pool, batch: readonly CitizenRecords[]): Promise<void> {
  const citizens = batch.map((c) => c.citizen);
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('begin');
    const inserted = await client.query<{ id: number; national_id: string }>(
      `insert into citizens (${CITIZEN_COLUMNS})
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
       returning id, national_id`,
      [
        textArrayLiteral(citizens.map((c) => c.nationalId)),
        textArrayLiteral(citizens.map((c) => c.nhiCardNumber)),
        textArrayLiteral(citizens.map((c) => c.name)),
        textArrayLiteral(citizens.map((c) => c.sex)),
        textArrayLiteral(citizens.map((c) => c.birthDate)),
        textArrayLiteral(citizens.map((c) => c.county)),
        textArrayLiteral(citizens.map((c) => c.township)),
        textArrayLiteral(citizens.map((c) => c.persona ?? null)),
        textArrayLiteral(citizens.map((c) => c.employerUbn ?? null)),
      ],
    );
    // RETURNING does not promise input order, so ids are matched by national ID.
    const idOf = new Map(inserted.rows.map((row) => [row.national_id, row.id]));
    const rows = batch.map(({ citizen, records }) => {
      const citizenId = idOf.get(citizen.nationalId);
      if (citizenId === undefined) throw new Error('inserted citizen missing from RETURNING');
      return { citizenId, records };
    });
    if (rows.some((r) => r.records.length > 0)) {
      await pipeline(
        Readable.from(copyText(rows)),
        client.query(copyStreams.from(`COPY records (${RECORD_COLUMNS}) FROM STDIN`)),
      );
    }
    await client.query('commit');
  } catch (error) {
    failed = true;
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    // A client that failed mid-batch (perhaps mid-COPY, or with its connection gone) is closed
    // rather than handed to the next query; the pool opens a fresh one.
    client.release(failed);
  }
}

/** About this many characters per chunk handed to the COPY stream. */
const COPY_CHUNK = 1 << 18;

/**
 * The records in COPY's text format: one line per row, columns separated by tabs, `\N` for NULL,
 * and backslash, tab, newline and carriage return escaped with a backslash (PostgreSQL's COPY
 * documentation, "Text Format"). JSON never holds a raw tab or newline, but a backslash is common.
 */
function* copyText(rows: readonly { citizenId: number; records: readonly HealthRecord[] }[]): Generator<string> {
  let chunk = '';
  for (const { citizenId, records } of rows) {
    for (const r of records) {
      chunk += `${citizenId}\t${copyField(r.id)}\t${r.category}\t${r.date}\t${copyField(institutionOf(r)?.code)}\t${copyJson(storedPayload(r))}\n`;
      if (chunk.length >= COPY_CHUNK) {
        yield chunk;
        chunk = '';
      }
    }
  }
  if (chunk) yield chunk;
}

const COPY_ESCAPES = /[\\\t\n\r]/g;
const COPY_ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyField(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return value.replace(COPY_ESCAPES, (c) => COPY_ESCAPED[c] as string);
}

/**
 * {@link copyField} for JSON.stringify's output, which never holds a raw tab, newline or carriage
 * return (RFC 8259 §7 escapes them), so only backslashes need doubling; most records have none,
 * and this is the longest field of every row.
 */
function copyJson(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}
