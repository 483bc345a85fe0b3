/**
 * The webhook outbox: events written in the same transaction as the change they announce, then
 * claimed and delivered by workers (`worker.ts`), at least once. Claims are leases: a worker that
 * dies mid-delivery (kill -9, a lost machine) leaves a claim that simply expires, and the row is
 * delivered again, under the same `webhook-id`, so receivers deduplicate.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../db/index.js';
import { webhookKysely } from './tables.js';

export interface NewWebhook {
  eventType: string;
  clientId: string;
  /** The object the event is about (a deletion request id). */
  subject: string;
  targetUrl: string | null;
  /** The body to sign and send. */
  payload: unknown;
}

export interface OutboxRow {
  id: string;
  eventType: string;
  clientId: string;
  subject: string;
  targetUrl: string | null;
  payload: string;
  /** Attempts made so far, this claim's included. */
  attempts: number;
}

/** A new `webhook-id` (Standard Webhooks uses the `msg_` prefix in its examples). */
export const newWebhookId = () => `msg_${randomBytes(16).toString('base64url')}`;

/**
 * Adds an event to the outbox, due at once. Call inside the transaction of the change it announces.
 *
 * @example
 * ```ts
 * await inTransaction(db, async (tx) => {
 *   await insertRequest(tx, request);
 *   await enqueueWebhook(tx, { eventType: 'deletion.requested', clientId, subject: request.id, targetUrl, payload }, now);
 * });
 * ```
 */
export async function enqueueWebhook(tx: Database, webhook: NewWebhook, now: number): Promise<string> {
  const id = newWebhookId();
  await webhookKysely(tx)
    .insertInto('webhook_outbox')
    .values({
      id,
      event_type: webhook.eventType,
      client_id: webhook.clientId,
      subject: webhook.subject,
      target_url: webhook.targetUrl,
      payload: JSON.stringify(webhook.payload),
      attempts: 0,
      next_attempt_at: now,
      claimed_until: null,
      delivered_at: null,
      last_error: null,
      created_at: now,
    })
    .execute();
  return id;
}

/**
 * Claims up to `limit` due rows for `leaseMs` and counts the attempt (counted at the claim, so a
 * worker that crashes mid-delivery still moves the row along its backoff). On PostgreSQL the
 * candidates are locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers on other servers take
 * different rows instead of waiting on each other; on SQLite the one statement is atomic (one
 * writer at a time), and the condition on `claimed_until` keeps a row claimed once.
 */
export async function claimDueWebhooks(
  db: Database,
  now: number,
  limit: number,
  leaseMs: number,
  environment?: 'sandbox' | 'production',
): Promise<OutboxRow[]> {
  const kysely = webhookKysely(db);
  let due = kysely
    .selectFrom('webhook_outbox')
    .select('id')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
    .orderBy('next_attempt_at')
    .limit(limit);
  // Each realm delivers its own apps' webhooks, under its own address policy (a development
  // sandbox may call loopback receivers; production never does).
  if (environment) {
    due = due.where(sql<boolean>`client_id in (select client_id from apps where environment = ${environment})`);
  }
  const rows = await kysely
    .updateTable('webhook_outbox')
    .set({ claimed_until: now + leaseMs, attempts: sql<number>`attempts + 1` })
    .where('id', 'in', db.dialect === 'postgres' ? due.forUpdate().skipLocked() : due)
    // Re-checked here: on PostgreSQL a row another worker claimed between our read and our lock.
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
    .returning(['id', 'event_type', 'client_id', 'subject', 'target_url', 'payload', 'attempts'])
    .execute();
  return rows.map((row) => ({
    id: row.id,
    eventType: row.event_type,
    clientId: row.client_id,
    subject: row.subject,
    targetUrl: row.target_url,
    payload: row.payload,
    attempts: Number(row.attempts),
  }));
}

/** Marks a row delivered (it is never claimed again). Call in the transaction recording the delivery. */
export async function markWebhookDelivered(tx: Database, id: string, targetUrl: string, now: number): Promise<void> {
  await webhookKysely(tx)
    .updateTable('webhook_outbox')
    .set({ delivered_at: now, next_attempt_at: null, claimed_until: null, target_url: targetUrl, last_error: null })
    .where('id', '=', id)
    .execute();
}

/**
 * Records a failed attempt: due again at `nextAttemptAt`, or never (null) once the retries are
 * spent. `error` is a short reason of our own making (status code, "timeout"), never a response body.
 */
export async function markWebhookFailed(
  db: Database,
  id: string,
  failure: { error: string; targetUrl: string | null; nextAttemptAt: number | null },
): Promise<void> {
  await webhookKysely(db)
    .updateTable('webhook_outbox')
    .set({
      next_attempt_at: failure.nextAttemptAt,
      claimed_until: null,
      last_error: failure.error.slice(0, 200),
      target_url: failure.targetUrl,
    })
    .where('id', '=', id)
    .execute();
}

export interface OutboxEntry {
  id: string;
  subject: string;
  attempts: number;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
  lastError: string | null;
}

/** The outbox rows about one subject, oldest first (for the reviewers' view and tests). */
export async function outboxEntriesFor(db: Database, subject: string): Promise<OutboxEntry[]> {
  const rows = await webhookKysely(db)
    .selectFrom('webhook_outbox')
    .select(['id', 'subject', 'attempts', 'next_attempt_at', 'delivered_at', 'last_error'])
    .where('subject', '=', subject)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    subject: row.subject,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at === null ? null : Number(row.next_attempt_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    lastError: row.last_error,
  }));
}
