/**
 * What reviewers decide, each with its audit entry and the organisation's notice in one
 * transaction (ASVS V16.2.1): approving an application (its production client is registered
 * then), rejecting it with a reason the organisation reads, suspending and resuming a live app.
 * A reviewer never decides on their own organisation's application (ASVS V8.2.1, separation of
 * duties).
 */
import { randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/log.js';
import { findApp, registerApp } from '../auth/clients/apps.js';
import { RegistryError } from '../auth/clients/errors.js';
import type { StaffAccount } from '../auth/staff/accounts.js';
import { authKysely } from '../auth/tables.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/index.js';
import { inTransaction } from '../db/transaction.js';
import { type Application, applicationOf } from '../developer/applications.js';
import { addNotice } from '../developer/notices.js';
import { developerKysely } from '../developer/tables.js';

export class ReviewError extends Error {
  override name = 'ReviewError';
  constructor(readonly code: 'own_organisation' | 'not_pending' | 'reason_required' | 'not_live' | 'not_registrable') {
    super(code);
  }
}

/** An application by id, whatever its organisation (reviewers see them all). */
export async function findApplicationForReview(db: Database, id: string): Promise<Application | undefined> {
  const row = await developerKysely(db).selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
  return row && applicationOf(row);
}

/** The report waiting for a decision, if any. */
async function pendingReport(db: Database, applicationId: string) {
  return developerKysely(db)
    .selectFrom('security_reports')
    .select(['id', 'expires_at'])
    .where('application_id', '=', applicationId)
    .where('status', '=', 'pending')
    .orderBy('uploaded_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

function checkReviewer(reviewer: StaffAccount, application: Application): void {
  if (reviewer.organisationId !== null && reviewer.organisationId === application.organisationId) {
    throw new ReviewError('own_organisation');
  }
}

/**
 * Approves the pending report. A first approval registers the production client: the same app,
 * with its production redirect URIs, https only, and (for a backend) `private_key_jwt` with its
 * registered keys. A renewal approves the report and lifts a suspension for an expired one.
 */
export async function approveApplication(
  db: Database,
  o: { application: Application; reviewer: StaffAccount },
  clock: Clock,
): Promise<{ productionClientId: string }> {
  checkReviewer(o.reviewer, o.application);
  const now = clock.now();
  const a = o.application;
  return inTransaction(db, async (tx) => {
    const report = await pendingReport(tx, a.id);
    if (!report) throw new ReviewError('not_pending');
    let clientId = a.productionClientId;
    if (!clientId) {
      const app = await registerApp(
        tx,
        {
          clientId: `app_${randomBytes(12).toString('hex')}`,
          organisationId: a.organisationId,
          environment: 'production',
          clientType: a.clientType,
          name: a.name,
          purpose: a.description,
          privacyPolicyUrl: a.privacyPolicyUrl,
          supportContact: a.supportContact,
          redirectUris: a.productionRedirectUris ?? [],
          categories: a.categories.map((c) => c.category),
          ...(a.jwks ? { jwks: a.jwks } : {}),
          ...(a.receiptJwks ? { receiptJwks: a.receiptJwks } : {}),
          ...(a.productionWebhookUrl ? { deletionWebhookUrl: a.productionWebhookUrl } : {}),
        },
        clock,
      ).catch((error: unknown) => {
        // Phase 2 checked what production needs; an application that still fails is told, not a 500.
        if (error instanceof RegistryError) throw new ReviewError('not_registrable');
        throw error;
      });
      clientId = app.clientId;
      await authKysely(tx)
        .updateTable('apps')
        .set({ application_id: a.id })
        .where('client_id', '=', clientId)
        .execute();
    } else if ((await findApp(tx, clientId))?.status === 'suspended') {
      // A new report lifts a suspension for an expired one, never a reviewer's own suspension.
      await authKysely(tx)
        .updateTable('apps')
        .set({ status: 'active', suspended_reason: null, updated_at: now })
        .where('client_id', '=', clientId)
        .where('suspended_reason', '=', 'report_expired')
        .execute();
    }
    const store = developerKysely(tx);
    await store.updateTable('security_reports').set({ status: 'approved' }).where('id', '=', report.id).execute();
    await store
      .updateTable('applications')
      .set({
        status: 'approved',
        production_client_id: clientId,
        decision_reason: null,
        decided_by: o.reviewer.id,
        decided_at: now,
        updated_at: now,
      })
      .where('id', '=', a.id)
      .execute();
    await appendAudit(
      tx,
      { type: 'application.approved', clientId, subject: a.id, details: { report: report.id, by: o.reviewer.id } },
      now,
    );
    await addNotice(
      tx,
      { organisationId: a.organisationId, kind: 'application.approved', subject: report.id, app: a.name },
      now,
    );
    return { productionClientId: clientId };
  });
}

export const MAX_REASON_LENGTH = 2000;

/** Rejects the pending report with a reason the organisation reads; a live app stays live. */
export async function rejectApplication(
  db: Database,
  o: { application: Application; reviewer: StaffAccount; reason: string },
  clock: Clock,
): Promise<void> {
  checkReviewer(o.reviewer, o.application);
  const reason = o.reason.trim();
  if (!reason || reason.length > MAX_REASON_LENGTH) throw new ReviewError('reason_required');
  const now = clock.now();
  const a = o.application;
  await inTransaction(db, async (tx) => {
    const report = await pendingReport(tx, a.id);
    if (!report) throw new ReviewError('not_pending');
    const store = developerKysely(tx);
    await store.updateTable('security_reports').set({ status: 'rejected' }).where('id', '=', report.id).execute();
    await store
      .updateTable('applications')
      .set({
        status: a.productionClientId ? 'approved' : 'rejected',
        decision_reason: reason,
        decided_by: o.reviewer.id,
        decided_at: now,
        updated_at: now,
      })
      .where('id', '=', a.id)
      .execute();
    await appendAudit(
      tx,
      {
        type: 'application.rejected',
        clientId: a.productionClientId ?? a.sandboxClientId,
        subject: a.id,
        details: { report: report.id, by: o.reviewer.id },
      },
      now,
    );
    await addNotice(
      tx,
      { organisationId: a.organisationId, kind: 'application.rejected', subject: report.id, app: a.name },
      now,
    );
  });
}

/**
 * Suspends or resumes a live app. A suspended app's client is unknown to the authorization server
 * and its tokens and tickets are refused by the export API from the next request on.
 */
export async function setLiveAppStatus(
  db: Database,
  o: {
    application: Application;
    reviewer: StaffAccount;
    status: 'active' | 'suspended';
    reason: 'reviewer' | 'report_expired';
  },
  clock: Clock,
): Promise<void> {
  const clientId = o.application.productionClientId;
  if (!clientId) throw new ReviewError('not_live');
  const now = clock.now();
  await inTransaction(db, async (tx) => {
    await authKysely(tx)
      .updateTable('apps')
      .set({ status: o.status, suspended_reason: o.status === 'suspended' ? o.reason : null, updated_at: now })
      .where('client_id', '=', clientId)
      .execute();
    const type = o.status === 'suspended' ? 'app.suspended' : 'app.resumed';
    await appendAudit(
      tx,
      { type, clientId, subject: o.application.id, details: { reason: o.reason, by: o.reviewer.id } },
      now,
    );
    await addNotice(
      tx,
      {
        organisationId: o.application.organisationId,
        kind: type,
        subject: `${clientId}:${now}`,
        app: o.application.name,
      },
      now,
    );
  });
}
