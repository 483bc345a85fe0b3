/**
 * The teleconsult backend's own SQLite file. Everything that comes from a citizen's records, and
 * the name they gave, is sealed by the vault (envelope encryption, key outside this file); the
 * plaintext columns are random ids, hashes and times. `secure_delete` overwrites what a deletion
 * frees and the rollback journal (not WAL) leaves no old pages beside the file, so a deleted
 * patient is gone from the file itself, not only from queries.
 */
import type { CategoryId, RecordsByCategory } from '@healthbank/sdk';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { createStaffTables } from '../../../common/src/staff.js';
import type { Sealed, Vault } from '../../../common/src/vault.js';

/** What the backend keeps for one patient, sealed as one value. */
export interface PatientFile {
  name: string;
  consentId: string;
  categories: CategoryId[];
  counts: Record<string, number>;
  /** The export's `jti` and when the platform signed it. */
  exportId: string;
  signedAt: string;
  records: RecordsByCategory;
}

export interface PatientRow {
  id: string;
  consentId: string;
  deviceHash: string;
  receivedAt: number;
}

export function openDatabase(file: string): Database {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = DELETE');
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.exec(`
    CREATE TABLE IF NOT EXISTS patients (
      id TEXT PRIMARY KEY, consent_id TEXT NOT NULL UNIQUE, device_hash TEXT NOT NULL,
      wrapped_key BLOB NOT NULL, ciphertext BLOB NOT NULL, received_at INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS deletions (
      request_id TEXT PRIMARY KEY, consent_id TEXT NOT NULL, deleted_at INTEGER NOT NULL);`);
  createStaffTables(db);
  return db;
}

export class PatientStore {
  constructor(
    private readonly db: Database,
    private readonly vault: Vault,
    private readonly now: () => number = Date.now,
  ) {}

  private static aad = (id: string) => `teleconsult-patient:${id}`;

  save(id: string, deviceHash: string, file: PatientFile): void {
    const sealed = this.vault.seal(file, PatientStore.aad(id));
    this.db
      .prepare(
        `INSERT INTO patients (id, consent_id, device_hash, wrapped_key, ciphertext, received_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET wrapped_key = excluded.wrapped_key, ciphertext = excluded.ciphertext,
           received_at = excluded.received_at`,
      )
      .run(id, file.consentId, deviceHash, sealed.wrappedKey, sealed.ciphertext, this.now());
  }

  row(where: { id?: string; consentId?: string; deviceHash?: string }): PatientRow | undefined {
    const [column, value] = where.id
      ? ['id', where.id]
      : where.consentId
        ? ['consent_id', where.consentId]
        : ['device_hash', where.deviceHash];
    return this.db
      .prepare(
        `SELECT id, consent_id AS consentId, device_hash AS deviceHash, received_at AS receivedAt FROM patients WHERE ${column} = ?`,
      )
      .get(value) as PatientRow | undefined;
  }

  open(id: string): PatientFile | undefined {
    const row = this.db.prepare('SELECT wrapped_key, ciphertext FROM patients WHERE id = ?').get(id) as
      | { wrapped_key: Buffer; ciphertext: Buffer }
      | undefined;
    if (!row) return undefined;
    const sealed: Sealed = { wrappedKey: row.wrapped_key, ciphertext: row.ciphertext };
    return this.vault.open<PatientFile>(sealed, PatientStore.aad(id));
  }

  /** Every patient, newest upload first, with the name and categories opened. */
  list(): (PatientRow & { name: string; categories: CategoryId[] })[] {
    const rows = this.db
      .prepare(
        'SELECT id, consent_id AS consentId, device_hash AS deviceHash, received_at AS receivedAt FROM patients ORDER BY received_at DESC',
      )
      .all() as PatientRow[];
    return rows.map((row) => {
      const file = this.open(row.id) as PatientFile;
      return { ...row, name: file.name, categories: file.categories };
    });
  }

  /** Deletes the patient (and with the row, the only copy of its data key). */
  delete(where: { id?: string; consentId?: string }): boolean {
    const result = where.id
      ? this.db.prepare('DELETE FROM patients WHERE id = ?').run(where.id)
      : this.db.prepare('DELETE FROM patients WHERE consent_id = ?').run(where.consentId);
    return result.changes > 0;
  }

  recordDeletion(requestId: string, consentId: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO deletions (request_id, consent_id, deleted_at) VALUES (?, ?, ?)')
      .run(requestId, consentId, this.now());
  }
}
