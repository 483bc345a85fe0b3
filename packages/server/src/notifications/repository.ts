/** Stored notifications: written once per event, in the event's transaction; read by their citizen only. */
import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Database } from '../db/index.js';
import type { Notification, NotificationKind } from './model.js';
import { type NotificationsTable, notificationKysely } from './tables.js';

const COLUMNS = ['id', 'citizen_id', 'kind', 'subject', 'client_id', 'created_at', 'read_at'] as const;

function toNotification(r: Omit<Selectable<NotificationsTable>, 'sent_at'>): Notification {
  return {
    id: r.id,
    citizenId: r.citizen_id,
    kind: r.kind,
    subject: r.subject,
    clientId: r.client_id,
    createdAt: Number(r.created_at),
    readAt: r.read_at === null ? null : Number(r.read_at),
  };
}

export interface NewNotification {
  citizenId: number;
  kind: NotificationKind;
  subject: string;
  clientId: string;
}

/**
 * Records a notification unless this event was told already (`(kind, subject)` is unique), so a
 * retried job or a second server changes nothing. Call inside the event's transaction.
 *
 * @example
 * ```ts
 * await notify(tx, { citizenId, kind: 'deletion.acknowledged', subject: request.id, clientId }, now);
 * ```
 */
export async function notify(tx: Database, input: NewNotification, now: number): Promise<void> {
  await notificationKysely(tx)
    .insertInto('notifications')
    .values({
      id: `ntf_${randomBytes(16).toString('base64url')}`,
      citizen_id: input.citizenId,
      kind: input.kind,
      subject: input.subject,
      client_id: input.clientId,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['kind', 'subject']).doNothing())
    .execute();
}

/** One citizen's notifications, newest first (at most `limit`). */
export async function listNotifications(db: Database, citizenId: number, limit = 100): Promise<Notification[]> {
  const rows = await notificationKysely(db)
    .selectFrom('notifications')
    .select(COLUMNS)
    .where('citizen_id', '=', citizenId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toNotification);
}

/** How many of the citizen's notifications are unread. */
export async function unreadCount(db: Database, citizenId: number): Promise<number> {
  const row = await notificationKysely(db)
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('citizen_id', '=', citizenId)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Marks all of one citizen's notifications read; another citizen's are never touched. */
export async function markAllRead(db: Database, citizenId: number, now: number): Promise<void> {
  await notificationKysely(db)
    .updateTable('notifications')
    .set({ read_at: now })
    .where('citizen_id', '=', citizenId)
    .where('read_at', 'is', null)
    .execute();
}

/** Notifications no channel has taken yet, oldest first. */
export async function unsentNotifications(db: Database, limit: number): Promise<Notification[]> {
  const rows = await notificationKysely(db)
    .selectFrom('notifications')
    .select(COLUMNS)
    .where('sent_at', 'is', null)
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map(toNotification);
}

/** Records that the channel took a notification; false when another server already had. */
export async function markSent(db: Database, id: string, now: number): Promise<boolean> {
  const result = await notificationKysely(db)
    .updateTable('notifications')
    .set({ sent_at: now })
    .where('id', '=', id)
    .where('sent_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
