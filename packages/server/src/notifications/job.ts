/**
 * The notifications job: tells citizens of ongoing consents that end within a week, and hands new
 * notifications to the channel. Safe on several servers: each notification is written once
 * (`notify`) and taken by one server (`markSent`).
 */
import type { FastifyBaseLogger } from 'fastify';
import { authKysely } from '../auth/tables.js';
import { type Database, inTransaction } from '../db/index.js';
import type { NotificationChannel } from './channel.js';
import { EXPIRY_NOTICE_MS } from './model.js';
import { markSent, notify, unsentNotifications } from './repository.js';
import { notificationKysely } from './tables.js';

/** How often the job runs: expiry notices are a week ahead, so a minute is prompt enough. */
export const NOTIFICATIONS_INTERVAL_MS = 60_000;
const BATCH = 100;

/** Writes the "ends in a week" notice of every active ongoing consent that ends within 7 days. */
export async function notifyExpiringConsents(db: Database, now: number): Promise<number> {
  const told = notificationKysely(db)
    .selectFrom('notifications')
    .select('subject')
    .where('kind', '=', 'consent.expiring');
  const due = await authKysely(db)
    .selectFrom('consents')
    .select(['id', 'citizen_id', 'client_id'])
    .where('status', '=', 'active')
    .where('duration', '=', 'ongoing')
    .where('expires_at', '>', now)
    .where('expires_at', '<=', now + EXPIRY_NOTICE_MS)
    .where('id', 'not in', told)
    .limit(BATCH)
    .execute();
  for (const consent of due) {
    await inTransaction(db, (tx) =>
      notify(
        tx,
        { citizenId: consent.citizen_id, kind: 'consent.expiring', subject: consent.id, clientId: consent.client_id },
        now,
      ),
    );
  }
  return due.length;
}

/**
 * Hands notifications no server has taken to the channel, each at most once (taken, then sent: a
 * crash in between loses the message, never the inbox entry, which stays the record).
 */
export async function sendNotifications(
  db: Database,
  channel: NotificationChannel,
  now: number,
  log: FastifyBaseLogger,
): Promise<number> {
  let sent = 0;
  for (const notification of await unsentNotifications(db, BATCH)) {
    if (!(await markSent(db, notification.id, now))) continue;
    try {
      await channel.send(notification);
      sent += 1;
    } catch (error) {
      log.warn({ notification: notification.id, channel: channel.name, err: error }, 'notification not sent');
    }
  }
  return sent;
}

/** One round: the expiry notices, then the channel's share (when there is a channel). */
export async function runNotificationsJob(
  db: Database,
  channel: NotificationChannel | undefined,
  now: number,
  log: FastifyBaseLogger,
): Promise<void> {
  await notifyExpiringConsents(db, now);
  if (channel) await sendNotifications(db, channel, now, log);
}
