/**
 * Where notifications go besides the portal's inbox: a channel (e-mail, SMS, an app's push) is
 * plugged in by the deployment. The sandbox logs them. A channel gets the notification's kind and
 * ids only, never a record or a national ID (ASVS V14.1.x: the least a message can carry): it looks
 * up the citizen's own contact details itself, and says "open your portal", not what was shared.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Notification } from './model.js';

export interface NotificationChannel {
  /** A short name for logs. */
  readonly name: string;
  send(notification: Notification): Promise<void>;
}

/**
 * The sandbox's channel: one log line per notification, with the citizen's internal id and the
 * subject's id (ASVS V7.1.1: no personal data in logs).
 */
export function loggingNotificationChannel(log: FastifyBaseLogger): NotificationChannel {
  return {
    name: 'log',
    async send(n) {
      log.info(
        { notification: n.id, citizen: n.citizenId, kind: n.kind, subject: n.subject, client: n.clientId },
        'notification',
      );
    },
  };
}
