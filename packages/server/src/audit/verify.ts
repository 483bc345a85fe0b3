/**
 * Checks the whole audit log: entries numbered without gaps from the first, each one's `prev_hash`
 * the hash of the one before, each hash recomputed from its fields. Streams the log, so it never
 * has to fit in memory.
 */
import { nativeHandle } from '../db/connection.js';
import type { Database } from '../db/index.js';
import { entryHash, GENESIS_HASH } from './chain.js';
import { auditKysely } from './tables.js';

/** Entries per PostgreSQL query (and per progress report): round trips do not dominate, memory stays small. */
const BATCH = 5_000;

export type AuditVerification =
  | { ok: true; entries: number; lastSeq: number | null; lastHash: string }
  | { ok: false; entries: number; seq: number; reason: string };

/**
 * Verifies the chain and names the first bad entry.
 *
 * @example
 * ```ts
 * const result = await verifyAuditLog(db);
 * if (!result.ok) console.error(`entry ${result.seq}: ${result.reason}`);
 * ```
 */
export async function verifyAuditLog(db: Database, onProgress?: (checked: number) => void): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  for await (const row of entriesOf(db)) {
    const seq = Number(row[0]);
    if (seq !== expectedSeq) return { ok: false, entries, seq: expectedSeq, reason: `entry ${expectedSeq} is missing` };
    if (row[8] !== prevHash) {
      return { ok: false, entries, seq, reason: 'it does not follow the entry before it (previous hash differs)' };
    }
    const hash = entryHash(prevHash, {
      seq,
      at: Number(row[1]),
      type: row[2],
      citizenId: row[3],
      clientId: row[4],
      subject: row[5],
      digest: row[6],
      details: row[7],
    });
    if (hash !== row[9]) return { ok: false, entries, seq, reason: 'its content does not match its hash' };
    prevHash = hash;
    expectedSeq = seq + 1;
    entries++;
    if (onProgress && entries % BATCH === 0) onProgress(entries);
  }
  onProgress?.(entries);
  return { ok: true, entries, lastSeq: entries > 0 ? expectedSeq - 1 : null, lastHash: prevHash };
}

/** seq, at, type, citizen_id, client_id, subject, digest, details, prev_hash, hash. */
type EntryRow = [
  number | string,
  number | string,
  string,
  number | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
  string,
];

const COLUMNS = [
  'seq',
  'at',
  'type',
  'citizen_id',
  'client_id',
  'subject',
  'digest',
  'details',
  'prev_hash',
  'hash',
] as const;

/**
 * Every entry in order. SQLite: one statement stepped row by row as arrays (no objects, no
 * batches); PostgreSQL: keyset-paged batches, so the log never has to fit in memory.
 */
async function* entriesOf(db: Database): AsyncGenerator<EntryRow> {
  const native = db.kysely.isTransaction ? undefined : nativeHandle(db);
  if (native?.dialect === 'sqlite') {
    yield* native.sqlite
      .prepare(`select ${COLUMNS.join(', ')} from audit_log order by seq`)
      .raw()
      .iterate() as IterableIterator<EntryRow>;
    return;
  }
  const audit = auditKysely(db.kysely);
  let after = 0;
  for (;;) {
    const rows = await audit
      .selectFrom('audit_log')
      .select(COLUMNS)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      yield [r.seq, r.at, r.type, r.citizen_id, r.client_id, r.subject, r.digest, r.details, r.prev_hash, r.hash];
    }
    if (rows.length < BATCH) return;
    after = Number(rows[rows.length - 1]?.seq);
  }
}
