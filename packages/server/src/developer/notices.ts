/**
 * What the platform tells an organisation: report expiry warnings, decisions, suspensions. Each is
 * written once per `(kind, subject)` in the transaction of the event, shown on the portal's home
 * page, and sent to the organisation's contact by the deployment's channel when it has one.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '../db/index.js';
import type { Locale } from '../pages/i18n.js';
import { developerMessages } from './messages.js';
import { developerKysely } from './tables.js';

export type NoticeKind =
  | 'report.expiring.60'
  | 'report.expiring.30'
  | 'report.expiring.7'
  | 'report.expired'
  | 'application.approved'
  | 'application.rejected'
  | 'app.suspended'
  | 'app.resumed';

export interface NoticeInput {
  organisationId: string;
  kind: NoticeKind;
  /** What it is about (a report, an application, a suspension); with `kind`, told once. */
  subject: string;
  /** The app's name in both languages, for the words. */
  app: { 'zh-TW': string; en: string };
}

/** Adds a notice unless the same `(kind, subject)` was already told; true when added. */
export async function addNotice(db: Database, n: NoticeInput, now: number): Promise<boolean> {
  const result = await developerKysely(db)
    .insertInto('organisation_notices')
    .values({
      id: `ntc_${randomBytes(12).toString('base64url')}`,
      organisation_id: n.organisationId,
      kind: n.kind,
      subject: n.subject,
      details: JSON.stringify({ app: n.app }),
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['kind', 'subject']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export interface Notice {
  kind: NoticeKind;
  at: number;
  text(locale: Locale): string;
}

/** An organisation's latest notices, newest first. */
export async function listNotices(db: Database, organisationId: string, limit = 20): Promise<Notice[]> {
  const rows = await developerKysely(db)
    .selectFrom('organisation_notices')
    .select(['kind', 'details', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => {
    const kind = row.kind as NoticeKind;
    const app = (JSON.parse(row.details ?? '{}') as { app?: NoticeInput['app'] }).app ?? { 'zh-TW': '', en: '' };
    return {
      kind,
      at: Number(row.created_at),
      text(locale: Locale) {
        const t = developerMessages(locale);
        if (kind.startsWith('report.expiring.')) {
          return t('notice.report.expiring', { app: app[locale], days: kind.slice('report.expiring.'.length) });
        }
        return t(`notice.${kind as 'report.expired'}`, { app: app[locale] });
      },
    };
  });
}
