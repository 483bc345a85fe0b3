/** Reading the log in order, in keyset-paged batches, and turning entry hashes into Merkle leaves. */
import { leafHash } from '@healthbank/records';
import type { Selectable } from 'kysely';
import type { Database } from '../db/index.js';
import type { ChainedFields } from './chain.js';
import { READ_BATCH } from './limits.js';
import { type AuditLogTable, auditKysely } from './tables.js';

export type EntryRow = Selectable<AuditLogTable>;

/** The RFC 6962 leaf of an entry: SHA-256(0x00 || its 32-byte chain hash). */
export const leafOf = (hash: string): Uint8Array => leafHash(Buffer.from(hash, 'base64url'));

/** The fields an entry's chain hash covers, from its row. */
export function fieldsOf(row: EntryRow): ChainedFields {
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    type: row.type,
    citizenId: row.citizen_id,
    clientId: row.client_id,
    subject: row.subject,
    digest: row.digest,
    details: row.details,
  };
}

/** Runs `read` over keyset batches (`seq > after`), in order, until a batch comes back short. */
async function* keysetBatches<R extends { seq: number | string }>(
  afterSeq: number,
  read: (after: number) => Promise<R[]>,
): AsyncGenerator<R[]> {
  let after = afterSeq;
  for (;;) {
    const rows = await read(after);
    if (rows.length > 0) yield rows;
    if (rows.length < READ_BATCH) return;
    after = Number(rows[rows.length - 1]?.seq);
  }
}

/** Entries after `afterSeq` (and up to `uptoSeq`), in order, a batch at a time. */
export function readEntries(db: Database, afterSeq: number, uptoSeq = Number.MAX_SAFE_INTEGER) {
  const audit = auditKysely(db.kysely);
  return keysetBatches(afterSeq, (after) =>
    audit
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>', after)
      .where('seq', '<=', uptoSeq)
      .orderBy('seq')
      .limit(READ_BATCH)
      .execute(),
  );
}

/** The chain hashes of entries after `afterSeq` up to `uptoSeq`, in order, a batch at a time. */
export function readHashes(db: Database, afterSeq: number, uptoSeq = Number.MAX_SAFE_INTEGER) {
  const audit = auditKysely(db.kysely);
  return keysetBatches(afterSeq, (after) =>
    audit
      .selectFrom('audit_log')
      .select(['seq', 'hash'])
      .where('seq', '>', after)
      .where('seq', '<=', uptoSeq)
      .orderBy('seq')
      .limit(READ_BATCH)
      .execute(),
  );
}
