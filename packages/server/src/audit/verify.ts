/**
 * Checks the whole audit log: entries numbered without gaps from the first, each one's `prev_hash`
 * the hash of the one before, each hash recomputed from its fields. Reads in keyset-paged batches,
 * so the log never has to fit in memory.
 */
import type { Database } from '../db/index.js';
import { entryHash, GENESIS_HASH } from './chain.js';
import { auditKysely } from './tables.js';

/** Entries read per query: large enough that round trips do not dominate, small enough to stream. */
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
  const audit = auditKysely(db.kysely);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  for (;;) {
    const rows = await audit
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq)
        return { ok: false, entries, seq: expectedSeq, reason: `entry ${expectedSeq} is missing` };
      if (row.prev_hash !== prevHash) {
        return { ok: false, entries, seq, reason: 'it does not follow the entry before it (previous hash differs)' };
      }
      const hash = entryHash(prevHash, {
        seq,
        at: Number(row.at),
        type: row.type,
        citizenId: row.citizen_id,
        clientId: row.client_id,
        subject: row.subject,
        digest: row.digest,
        details: row.details,
      });
      if (hash !== row.hash) return { ok: false, entries, seq, reason: 'its content does not match its hash' };
      prevHash = hash;
      expectedSeq = seq + 1;
      entries++;
    }
    onProgress?.(entries);
    if (rows.length < BATCH) break;
  }
  return { ok: true, entries, lastSeq: entries > 0 ? expectedSeq - 1 : null, lastHash: prevHash };
}
