/**
 * The workplace programme's SQLite file. Per employee: the department and age band they chose
 * (what the employer knows anyway), whether the nurse may see them, and two sealed values (the
 * vault's envelope encryption): the records as shared, and the summary the aggregates and the
 * nurse read (flags and latest values), so a dashboard never opens anyone's full records.
 * `secure_delete` and the rollback journal make a withdrawal erase the bytes, not just the row.
 */
import type { CategoryId, RecordsByCategory } from '@healthbank/sdk';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { createStaffTables } from '../../../common/src/staff.js';
import type { Vault } from '../../../common/src/vault.js';
import type { Flags } from '../domain/measures.js';

export const DEPARTMENTS = [
  { 'zh-TW': '生產部', en: 'Production' },
  { 'zh-TW': '研發部', en: 'R&D' },
  { 'zh-TW': '業務部', en: 'Sales' },
  { 'zh-TW': '管理部', en: 'Administration' },
] as const;

/** What the dashboard and the nurse read; sealed apart from the records. */
export interface Summary {
  name: string;
  flags: Flags;
  latest: { bp?: string; bmi?: number; hba1c?: number; screening?: string };
  categories: CategoryId[];
  counts: Record<string, number>;
}

export interface ParticipantRow {
  id: string;
  consentId: string;
  deviceHash: string;
  department: number;
  band: number;
  nurse: boolean;
  receivedAt: number;
}

export function openDatabase(file: string): Database {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = DELETE');
  db.pragma('secure_delete = ON');
  db.exec(`
    CREATE TABLE IF NOT EXISTS participants (
      id TEXT PRIMARY KEY, consent_id TEXT NOT NULL UNIQUE, device_hash TEXT NOT NULL,
      department INTEGER NOT NULL, band INTEGER NOT NULL, nurse INTEGER NOT NULL DEFAULT 0,
      records_key BLOB NOT NULL, records BLOB NOT NULL, summary_key BLOB NOT NULL, summary BLOB NOT NULL,
      received_at INTEGER NOT NULL);`);
  createStaffTables(db);
  return db;
}

const COLUMNS = `id, consent_id AS consentId, device_hash AS deviceHash, department, band, nurse, received_at AS receivedAt`;
const rowOf = (raw: unknown): ParticipantRow | undefined =>
  raw ? { ...(raw as ParticipantRow), nurse: (raw as { nurse: number }).nurse === 1 } : undefined;

export class ParticipantStore {
  constructor(
    private readonly db: Database,
    private readonly vault: Vault,
    private readonly now: () => number = Date.now,
  ) {}

  save(row: Omit<ParticipantRow, 'receivedAt'>, records: RecordsByCategory, summary: Summary): void {
    const r = this.vault.seal(records, `records:${row.id}`);
    const s = this.vault.seal(summary, `summary:${row.id}`);
    this.db
      .prepare(
        `INSERT INTO participants (id, consent_id, device_hash, department, band, nurse, records_key, records, summary_key, summary, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET department = excluded.department, band = excluded.band, nurse = excluded.nurse,
           records_key = excluded.records_key, records = excluded.records, summary_key = excluded.summary_key,
           summary = excluded.summary, received_at = excluded.received_at`,
      )
      .run(
        row.id,
        row.consentId,
        row.deviceHash,
        row.department,
        row.band,
        row.nurse ? 1 : 0,
        r.wrappedKey,
        r.ciphertext,
        s.wrappedKey,
        s.ciphertext,
        this.now(),
      );
  }

  byDevice(deviceHash: string): ParticipantRow | undefined {
    return rowOf(this.db.prepare(`SELECT ${COLUMNS} FROM participants WHERE device_hash = ?`).get(deviceHash));
  }

  byConsent(consentId: string): ParticipantRow | undefined {
    return rowOf(this.db.prepare(`SELECT ${COLUMNS} FROM participants WHERE consent_id = ?`).get(consentId));
  }

  summary(id: string): Summary | undefined {
    const raw = this.db.prepare('SELECT summary_key, summary FROM participants WHERE id = ?').get(id) as
      | { summary_key: Buffer; summary: Buffer }
      | undefined;
    return raw && this.vault.open<Summary>({ wrappedKey: raw.summary_key, ciphertext: raw.summary }, `summary:${id}`);
  }

  /** Everyone with their summary (for the aggregates), or only those who let the nurse see them. */
  all(opts: { nurseOnly?: boolean } = {}): (ParticipantRow & { summary: Summary })[] {
    const raw = this.db
      .prepare(`SELECT ${COLUMNS} FROM participants ${opts.nurseOnly ? 'WHERE nurse = 1' : ''} ORDER BY received_at`)
      .all();
    return raw.map((r) => {
      const row = rowOf(r) as ParticipantRow;
      return { ...row, summary: this.summary(row.id) as Summary };
    });
  }

  setNurse(id: string, allowed: boolean): void {
    this.db.prepare('UPDATE participants SET nurse = ? WHERE id = ?').run(allowed ? 1 : 0, id);
  }

  /** Removes the employee from every aggregate and every store at once: one row holds it all. */
  delete(where: { id?: string; consentId?: string }): boolean {
    const result = where.id
      ? this.db.prepare('DELETE FROM participants WHERE id = ?').run(where.id)
      : this.db.prepare('DELETE FROM participants WHERE consent_id = ?').run(where.consentId);
    return result.changes > 0;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM participants').get() as { n: number }).n;
  }
}
