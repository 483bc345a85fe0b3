import { type CitizenRecords, type HealthRecord, institutionOf } from '@healthbank/records';
import type SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { type Database, nativeHandle } from './connection.js';
import { integerArrayLiteral, textArrayLiteral } from './pg-array.js';

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
 * per table, so a batch costs two round trips whatever its size.
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
    await insertPostgres(db, batch);
  }
  return counts;
}

const CITIZEN_COLUMNS = `national_id, nhi_card_number, name, sex, birth_date, county, township, persona, employer_ubn`;
const RECORD_COLUMNS = `citizen_id, id, category, date, institution_code, institution_name, payload`;

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
    const record = handle.prepare(`INSERT INTO records (${RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
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
          const institution = institutionOf(r);
          record.run(
            citizenId,
            r.id,
            r.category,
            r.date,
            institution?.code ?? null,
            institution?.name ?? null,
            JSON.stringify(r),
          );
        }
      }
    });
    statements = { citizen, record, transaction };
    sqliteStatements.set(handle, statements);
  }
  statements.transaction(batch);
}

async function insertPostgres(db: Database, batch: readonly CitizenRecords[]): Promise<void> {
  const citizens = batch.map((c) => c.citizen);
  await db.kysely.transaction().execute(async (trx) => {
    const inserted = await sql<{ id: number; national_id: string }>`
      insert into citizens (${sql.raw(CITIZEN_COLUMNS)})
      select * from unnest(
        ${textArrayLiteral(citizens.map((c) => c.nationalId))}::text[],
        ${textArrayLiteral(citizens.map((c) => c.nhiCardNumber))}::text[],
        ${textArrayLiteral(citizens.map((c) => c.name))}::text[],
        ${textArrayLiteral(citizens.map((c) => c.sex))}::text[],
        ${textArrayLiteral(citizens.map((c) => c.birthDate))}::text[],
        ${textArrayLiteral(citizens.map((c) => c.county))}::text[],
        ${textArrayLiteral(citizens.map((c) => c.township))}::text[],
        ${textArrayLiteral(citizens.map((c) => c.persona ?? null))}::text[],
        ${textArrayLiteral(citizens.map((c) => c.employerUbn ?? null))}::text[]
      )
      returning id, national_id`.execute(trx);
    // RETURNING does not promise input order, so ids are matched by national ID.
    const idOf = new Map(inserted.rows.map((row) => [row.national_id, row.id]));

    const columns = {
      citizenId: [] as number[],
      id: [] as string[],
      category: [] as string[],
      date: [] as string[],
      institutionCode: [] as (string | null)[],
      institutionName: [] as (string | null)[],
      payload: [] as string[],
    };
    for (const { citizen, records } of batch) {
      const citizenId = idOf.get(citizen.nationalId);
      if (citizenId === undefined) throw new Error('inserted citizen missing from RETURNING');
      for (const r of records) appendRecord(columns, citizenId, r);
    }
    if (columns.id.length === 0) return;
    await sql`
      insert into records (${sql.raw(RECORD_COLUMNS)})
      select * from unnest(
        ${integerArrayLiteral(columns.citizenId)}::integer[],
        ${textArrayLiteral(columns.id)}::text[],
        ${textArrayLiteral(columns.category)}::text[],
        ${textArrayLiteral(columns.date)}::text[],
        ${textArrayLiteral(columns.institutionCode)}::text[],
        ${textArrayLiteral(columns.institutionName)}::text[],
        ${textArrayLiteral(columns.payload)}::text[]
      )`.execute(trx);
  });
}

function appendRecord(
  columns: {
    citizenId: number[];
    id: string[];
    category: string[];
    date: string[];
    institutionCode: (string | null)[];
    institutionName: (string | null)[];
    payload: string[];
  },
  citizenId: number,
  record: HealthRecord,
): void {
  const institution = institutionOf(record);
  columns.citizenId.push(citizenId);
  columns.id.push(record.id);
  columns.category.push(record.category);
  columns.date.push(record.date);
  columns.institutionCode.push(institution?.code ?? null);
  columns.institutionName.push(institution?.name ?? null);
  columns.payload.push(JSON.stringify(record));
}
