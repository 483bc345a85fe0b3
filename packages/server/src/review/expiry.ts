/**
 * Security reports expire a year after their test date. The organisation is warned 60, 30 and 7
 * days before; on expiry the live app is suspended until a new report is approved (the brochure:
 * the app security test is renewed every year). Safe on several servers: a notice is written once
 * per `(kind, report)` and a suspension is a no-op the second time.
 */
import { appendAudit } from '../audit/log.js';
import { authKysely } from '../auth/tables.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/index.js';
import { inTransaction } from '../db/transaction.js';
import { addNotice, type NoticeKind } from '../developer/notices.js';
import { developerKysely } from '../developer/tables.js';

const DAY_MS = 86_400_000;
/** Warning thresholds, nearest last: only the nearest one reached is told. */
export const EXPIRY_WARNING_DAYS = [60, 30, 7] as const;
/** How often the job looks: warnings are days ahead, so an hour is prompt enough. */
export const EXPIRY_INTERVAL_MS = 3_600_000;

export interface ExpiryResult {
  warned: number;
  suspended: number;
}

/** One pass over every live app's newest approved report. */
export async function runReportExpiry(db: Database, clock: Clock): Promise<ExpiryResult> {
  const now = clock.now();
  const store = developerKysely(db);
  const live = await store
    .selectFrom('applications')
    .innerJoin('security_reports', 'security_reports.application_id', 'applications.id')
    .innerJoin('apps', 'apps.client_id', 'applications.production_client_id')
    .select([
      'applications.id',
      'applications.organisation_id',
      'applications.name_zh',
      'applications.name_en',
      'applications.production_client_id',
      'apps.status',
      (eb) => eb.fn.max('security_reports.expires_at').as('expires_at'),
    ])
    .where('security_reports.status', '=', 'approved')
    .groupBy([
      'applications.id',
      'applications.organisation_id',
      'applications.name_zh',
      'applications.name_en',
      'applications.production_client_id',
      'apps.status',
    ])
    .execute();
  const result: ExpiryResult = { warned: 0, suspended: 0 };
  for (const app of live) {
    const expiresAt = Number(app.expires_at);
    const name = { 'zh-TW': app.name_zh, en: app.name_en };
    // Notices are about the report that expires: one per report and threshold.
    const subject = `${app.id}:${expiresAt}`;
    if (expiresAt <= now) {
      if (app.status !== 'active' || !app.production_client_id) continue;
      const clientId = app.production_client_id;
      await inTransaction(db, async (tx) => {
        const changed = await authKysely(tx)
          .updateTable('apps')
          .set({ status: 'suspended', suspended_reason: 'report_expired', updated_at: now })
          .where('client_id', '=', clientId)
          .where('status', '=', 'active')
          .executeTakeFirst();
        if (Number(changed.numUpdatedRows) === 0) return;
        await appendAudit(
          tx,
          { type: 'app.suspended', clientId, subject: app.id, details: { reason: 'report_expired', by: 'platform' } },
          now,
        );
        await addNotice(tx, { organisationId: app.organisation_id, kind: 'report.expired', subject, app: name }, now);
        result.suspended++;
      });
      continue;
    }
    const days = EXPIRY_WARNING_DAYS.filter((d) => expiresAt - now <= d * DAY_MS).at(-1);
    if (days === undefined) continue;
    const kind = `report.expiring.${days}` as NoticeKind;
    if (await addNotice(db, { organisationId: app.organisation_id, kind, subject, app: name }, now)) result.warned++;
  }
  return result;
}
