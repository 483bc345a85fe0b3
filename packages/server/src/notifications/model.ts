/**
 * What the platform tells a citizen without being asked (issue 10, part 5): that an ongoing
 * consent was used for the first time, that one ends in a week, that an app confirmed a deletion,
 * or that an app let a deletion request go overdue. Pure types; `repository.ts` stores them.
 */

export const NOTIFICATION_KINDS = [
  'consent.first_use',
  'consent.expiring',
  'deletion.acknowledged',
  'deletion.overdue',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  id: string;
  citizenId: number;
  kind: NotificationKind;
  /** The consent (`cns_…`) or deletion request (`del_…`) it is about. */
  subject: string;
  clientId: string;
  createdAt: number;
  readAt: number | null;
}

/** How long before an ongoing consent ends the citizen hears of it. */
export const EXPIRY_NOTICE_MS = 7 * 24 * 60 * 60 * 1000;

/** The portal page a notification leads to. */
export function notificationHref(n: Pick<Notification, 'kind' | 'subject'>): string {
  return n.kind.startsWith('deletion.') ? `/me/deletion-requests/${n.subject}` : `/me/consents/${n.subject}`;
}
