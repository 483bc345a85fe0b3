/**
 * Notifications: an inbox in the citizen portal and a pluggable channel (the sandbox logs), for an
 * ongoing consent's first use, its end a week ahead, a deletion receipt, and an overdue request.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/index.js';
import { loggingNotificationChannel, type NotificationChannel } from './channel.js';
import { NOTIFICATIONS_INTERVAL_MS, runNotificationsJob } from './job.js';

export { loggingNotificationChannel, type NotificationChannel } from './channel.js';
export { NOTIFICATIONS_INTERVAL_MS, notifyExpiringConsents, runNotificationsJob, sendNotifications } from './job.js';
export {
  EXPIRY_NOTICE_MS,
  NOTIFICATION_KINDS,
  type Notification,
  type NotificationKind,
  notificationHref,
} from './model.js';
export { listNotifications, markAllRead, notify, unreadCount } from './repository.js';

export interface NotificationDeps {
  db: Database;
  clock: Clock;
  /** Where notifications go besides the inbox: a channel, `'log'`, or none (the inbox alone). */
  channel?: NotificationChannel | 'log';
  /** Tests run the job by hand. */
  manual?: boolean;
}

/**
 * Starts the notifications job with the app and stops it when the app closes.
 *
 * @example
 * ```ts
 * registerNotifications(app, { db, clock, channel: myEmailChannel });
 * ```
 */
export function registerNotifications(app: FastifyInstance, deps: NotificationDeps): void {
  const channel = deps.channel === 'log' ? loggingNotificationChannel(app.log) : deps.channel;
  if (deps.manual) return;
  const run = () =>
    runNotificationsJob(deps.db, channel, deps.clock.now(), app.log).catch((error: unknown) =>
      app.log.warn({ err: error }, 'notifications job failed'),
    );
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    void run();
    timer = setInterval(run, NOTIFICATIONS_INTERVAL_MS);
    timer.unref();
  });
  app.addHook('onClose', async () => clearInterval(timer));
}
