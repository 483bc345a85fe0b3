/**
 * Stored deletion requests. Every query names the citizen or the request's own id; creating one
 * writes the request, its webhook (outbox) and its audit entry in one transaction.
 */
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { appendAudit } from '../../audit/index.js';
import { authKysely } from '../../auth/tables.js';
import type { Clock } from '../../clock.js';
import { type Database, inTransaction } from '../../db/index.js';
import { enqueueWebhook } from '../../webhooks/outbox.js';
import {
  DEFAULT_DELETION_RECEIPT_DAYS,
  DELETION_EVENT_TYPE,
  type DeletionRequest,
  deletionWebhookPayload,
  dueAtOf,
} from './model.js';
import { type DeletionRequestsTable, deletionKysely } from './tables.js';

export interface CreateDeletionOptions {
  /** Days the app has to send its receipt (`config.deletionReceiptDays`); default 30. */
  receiptDays?: number;
}

/**
 * Asks the app that received a consent's data to delete it: records the request, queues its
 * signed webhook and appends the audit entry, all in one transaction. Returns undefined when the
 * consent is not this citizen's (or does not exist): callers answer both with the same 404, so
 * nobody learns which consent ids exist (ASVS V8.2.2). While a request for the consent is open
 * (not acknowledged), asking again returns that request.
 *
 * @example
 * ```ts
 * const request = await createDeletionRequest(db, { citizenId, consentId }, clock);
 * if (!request) throw new ProblemError('not_found');
 * request.status; // 'pending' until the app's endpoint accepts the webhook
 * ```
 */
export async function createDeletionRequest(
  db: Database,
  input: { citizenId: number; consentId: string },
  clock: Clock,
  options: CreateDeletionOptions = {},
): Promise<DeletionRequest | undefined> {
  return inTransaction(db, async (tx) => {
    const consent = await authKysely(tx)
      .selectFrom('consents')
      .select(['id', 'client_id'])
      .where('id', '=', input.consentId)
      .where('citizen_id', '=', input.citizenId)
      .executeTakeFirst();
    if (!consent) return undefined;
    const open = await findOpenRequest(tx, input.citizenId, consent.id);
    if (open) return open;
    const app = await authKysely(tx)
      .selectFrom('apps')
      .select('deletion_webhook_url')
      .where('client_id', '=', consent.client_id)
      .executeTakeFirst();
    const now = clock.now();
    const request: DeletionRequest = {
      id: `del_${randomBytes(16).toString('base64url')}`,
      citizenId: input.citizenId,
      consentId: consent.id,
      clientId: consent.client_id,
      status: 'pending',
      createdAt: now,
      deliveredAt: null,
      acknowledgedAt: null,
      dueAt: dueAtOf(now, options.receiptDays ?? DEFAULT_DELETION_RECEIPT_DAYS),
      receiptDigest: null,
    };
    await deletionKysely(tx)
      .insertInto('deletion_requests')
      .values({
        id: request.id,
        citizen_id: request.citizenId,
        consent_id: request.consentId,
        client_id: request.clientId,
        status: request.status,
        created_at: request.createdAt,
        due_at: request.dueAt,
        delivered_at: null,
        acknowledged_at: null,
        receipt_digest: null,
        receipt_jws: null,
      })
      .execute();
    await enqueueWebhook(
      tx,
      {
        eventType: DELETION_EVENT_TYPE,
        clientId: request.clientId,
        subject: request.id,
        targetUrl: app?.deletion_webhook_url ?? null,
        payload: deletionWebhookPayload(request),
      },
      now,
    );
    await appendAudit(
      tx,
      {
        type: 'deletion.requested',
        citizenId: request.citizenId,
        clientId: request.clientId,
        subject: request.id,
        details: { consent_id: request.consentId, due_at: request.dueAt },
      },
      now,
    );
    return request;
  });
}

/**
 * One citizen's deletion requests, newest first (the portal's list).
 *
 * @example
 * ```ts
 * const [latest] = await listDeletionRequests(db, citizen.id);
 * latest?.status; // 'acknowledged' once the app's signed receipt arrived
 * ```
 */
export async function listDeletionRequests(db: Database, citizenId: number): Promise<DeletionRequest[]> {
  const rows = await deletionKysely(db)
    .selectFrom('deletion_requests')
    .selectAll()
    .where('citizen_id', '=', citizenId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toRequest);
}

/** The request with this id, whoever's it is: for the app-facing receipt endpoint and the worker. */
export async function findDeletionRequest(db: Database, id: string): Promise<DeletionRequest | undefined> {
  const row = await deletionKysely(db)
    .selectFrom('deletion_requests')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toRequest(row);
}

async function findOpenRequest(
  db: Database,
  citizenId: number,
  consentId: string,
): Promise<DeletionRequest | undefined> {
  const row = await deletionKysely(db)
    .selectFrom('deletion_requests')
    .selectAll()
    .where('citizen_id', '=', citizenId)
    .where('consent_id', '=', consentId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return row && toRequest(row);
}

/** Marks a pending request sent; true when it was pending (an overdue one keeps its status). */
export async function markDeletionDelivered(tx: Database, id: string, now: number): Promise<boolean> {
  const result = await deletionKysely(tx)
    .updateTable('deletion_requests')
    .set({ status: 'sent', delivered_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (result.numUpdatedRows > 0n) return true;
  // Delivered after falling overdue: keep the status, record when it arrived.
  await deletionKysely(tx)
    .updateTable('deletion_requests')
    .set({ delivered_at: now })
    .where('id', '=', id)
    .where('delivered_at', 'is', null)
    .execute();
  return false;
}

/**
 * Stores a verified receipt and marks the request acknowledged; false when it already was (the
 * first receipt stands).
 */
export async function markDeletionAcknowledged(
  tx: Database,
  id: string,
  receipt: { jws: string; digest: string },
  now: number,
): Promise<boolean> {
  const result = await deletionKysely(tx)
    .updateTable('deletion_requests')
    .set({ status: 'acknowledged', acknowledged_at: now, receipt_jws: receipt.jws, receipt_digest: receipt.digest })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Open requests past their due time, oldest first, at most `limit` (for the overdue job). */
export async function findOverdueCandidates(db: Database, now: number, limit: number): Promise<DeletionRequest[]> {
  const rows = await deletionKysely(db)
    .selectFrom('deletion_requests')
    .selectAll()
    .where('status', 'in', ['pending', 'sent'])
    .where('due_at', '<=', now)
    .orderBy('due_at')
    .limit(limit)
    .execute();
  return rows.map(toRequest);
}

/** Marks one open request overdue; false when it was acknowledged or marked in the meantime. */
export async function markDeletionOverdue(tx: Database, id: string): Promise<boolean> {
  const result = await deletionKysely(tx)
    .updateTable('deletion_requests')
    .set({ status: 'overdue' })
    .where('id', '=', id)
    .where('status', 'in', ['pending', 'sent'])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function toRequest(row: Selectable<DeletionRequestsTable>): DeletionRequest {
  return {
    id: row.id,
    citizenId: row.citizen_id,
    consentId: row.consent_id,
    clientId: row.client_id,
    status: row.status,
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    acknowledgedAt: row.acknowledged_at === null ? null : Number(row.acknowledged_at),
    dueAt: Number(row.due_at),
    receiptDigest: row.receipt_digest,
  };
}
