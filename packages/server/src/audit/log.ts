/**
 * Appending to the audit log, inside the transaction of the event it records: the event and its
 * entry commit together or not at all (ASVS V16.2.1). Metadata and digests only.
 */
import { sql } from 'kysely';
import type { Database } from '../db/index.js';
import { entryHash, GENESIS_HASH } from './chain.js';
import { auditKysely } from './tables.js';

export const AUDIT_EVENT_TYPES = [
  'signin',
  'consent.given',
  'consent.declined',
  'consent.revoked',
  'token.issued',
  'export.file',
  'export.refused',
  'integration.test_files',
  'deletion.requested',
  'deletion.delivered',
  'deletion.receipt',
  'deletion.overdue',
  'portal.download',
  'organisation.registered',
  'developer.added',
  'reviewer.added',
  'application.created',
  'application.submitted',
  'application.approved',
  'application.rejected',
  'app.suspended',
  'app.resumed',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export interface AuditEventInput {
  type: AuditEventType;
  citizenId?: number | null;
  clientId?: string | null;
  /** The object's id: a consent id, an export's jti, a request id. */
  subject?: string | null;
  /** A digest of what was handed over (an export file's content digest). */
  digest?: string | null;
  /** Scalars only: never a record, never a national ID. */
  details?: Record<string, string | number | boolean | null>;
}

/** One PostgreSQL advisory lock serialises appenders, so the chain never forks (two entries on one head). */
const CHAIN_LOCK = 0x68626175; // 'hbau'

/**
 * Appends an entry. `tx` must be bound to the transaction of the event being recorded
 * (`inTransaction`).
 *
 * @example
 * ```ts
 * await inTransaction(db, async (tx) => {
 *   await markConsentRevoked(tx, id, now);
 *   await appendAudit(tx, { type: 'consent.revoked', citizenId, clientId, subject: id }, now);
 * });
 * ```
 */
export async function appendAudit(tx: Database, event: AuditEventInput, now: number): Promise<void> {
  if (!tx.kysely.isTransaction) throw new TypeError('appendAudit runs inside the transaction of the event it records');
  // SQLite runs one write transaction at a time; PostgreSQL needs the lock, held until commit.
  if (tx.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${CHAIN_LOCK})`.execute(tx.kysely);
  const audit = auditKysely(tx.kysely);
  const head = await audit
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const fields = {
    seq: head ? Number(head.seq) + 1 : 1,
    at: now,
    type: event.type,
    citizenId: event.citizenId ?? null,
    clientId: event.clientId ?? null,
    subject: event.subject ?? null,
    digest: event.digest ?? null,
    details: event.details ? JSON.stringify(event.details) : null,
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  await audit
    .insertInto('audit_log')
    .values({
      seq: fields.seq,
      at: fields.at,
      type: fields.type,
      citizen_id: fields.citizenId,
      client_id: fields.clientId,
      subject: fields.subject,
      digest: fields.digest,
      details: fields.details,
      prev_hash: prevHash,
      hash: entryHash(prevHash, fields),
    })
    .execute();
}
