/**
 * Organisations and their applications. Registration creates the organisation and its first
 * developer (admin) together; phase 1 gives an application its sandbox client at once (the
 * brochure's "test API key"); phase 2 submits the security report for review. Every change is
 * written with its audit entry in one transaction (ASVS V16.2.1).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CategoryId } from '@healthbank/records';
import type { Selectable } from 'kysely';
import { appendAudit } from '../audit/log.js';
import { type App, registerApp } from '../auth/clients/apps.js';
import { type Organisation, registerOrganisation } from '../auth/clients/organisations.js';
import { createStaffAccount, type StaffAccount } from '../auth/staff/accounts.js';
import { authKysely } from '../auth/tables.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/index.js';
import { inTransaction } from '../db/transaction.js';
import type { ApplicationForm, OrganisationForm, PublicJwks, SubmissionForm } from './form.js';
import {
  type ApplicationStatus,
  type ApplicationsTable,
  developerKysely,
  type Platform,
  type ReportLevel,
} from './tables.js';

export interface Application {
  id: string;
  organisationId: string;
  name: { 'zh-TW': string; en: string };
  description: { 'zh-TW': string; en: string };
  platform: Platform;
  clientType: 'public' | 'confidential';
  redirectUris: string[];
  productionRedirectUris: string[] | null;
  productionWebhookUrl: string | null;
  categories: { category: CategoryId; purpose: string }[];
  privacyPolicyUrl: string;
  supportContact: string;
  appUrl: string | null;
  deletionWebhookUrl: string | null;
  jwks: PublicJwks | null;
  receiptJwks: PublicJwks | null;
  sandboxClientId: string;
  productionClientId: string | null;
  status: ApplicationStatus;
  decisionReason: string | null;
  decidedAt: number | null;
  submittedAt: number | null;
  createdAt: number;
}

const json = <T>(value: string | null): T | null => (value === null ? null : (JSON.parse(value) as T));

export function applicationOf(row: ApplicationsTable | Record<string, unknown>): Application {
  const r = row as Selectable<ApplicationsTable>;
  return {
    id: r.id,
    organisationId: r.organisation_id,
    name: { 'zh-TW': r.name_zh, en: r.name_en },
    description: { 'zh-TW': r.description_zh, en: r.description_en },
    platform: r.platform,
    clientType: r.client_type,
    redirectUris: JSON.parse(r.redirect_uris) as string[],
    productionRedirectUris: json<string[]>(r.production_redirect_uris),
    productionWebhookUrl: r.production_webhook_url,
    categories: JSON.parse(r.categories) as Application['categories'],
    privacyPolicyUrl: r.privacy_policy_url,
    supportContact: r.support_contact,
    appUrl: r.app_url,
    deletionWebhookUrl: r.deletion_webhook_url,
    jwks: json<PublicJwks>(r.jwks),
    receiptJwks: json<PublicJwks>(r.receipt_jwks),
    sandboxClientId: r.sandbox_client_id,
    productionClientId: r.production_client_id,
    status: r.status,
    decisionReason: r.decision_reason,
    decidedAt: r.decided_at === null ? null : Number(r.decided_at),
    submittedAt: r.submitted_at === null ? null : Number(r.submitted_at),
    createdAt: Number(r.created_at),
  };
}

export class DeveloperError extends Error {
  override name = 'DeveloperError';
  constructor(
    readonly field: string,
    readonly code: 'duplicate_identifier' | 'duplicate_email' | 'invalid_state',
  ) {
    super(`${field}: ${code}`);
  }
}

/** Registers an organisation with its contact and its first developer, who is its admin. */
export async function registerOrganisationWithAdmin(
  db: Database,
  form: OrganisationForm,
  clock: Clock,
): Promise<{ organisation: Organisation; admin: StaffAccount }> {
  const now = clock.now();
  return inTransaction(db, async (tx) => {
    const store = authKysely(tx);
    const taken = await store
      .selectFrom('organisations')
      .select('id')
      .where('identifier', '=', form.identifier)
      .executeTakeFirst();
    if (taken) throw new DeveloperError('identifier', 'duplicate_identifier');
    const organisation = await registerOrganisation(
      tx,
      { type: form.type, name: form.name, identifier: form.identifier },
      clock,
    );
    await developerKysely(tx)
      .updateTable('organisations')
      .set({ contact_name: form.contactName, contact_email: form.contactEmail, contact_phone: form.contactPhone })
      .where('id', '=', organisation.id)
      .execute();
    const admin = await createStaffAccount(
      tx,
      {
        kind: 'developer',
        email: form.developerEmail,
        name: form.developerName,
        organisationId: organisation.id,
        role: 'admin',
      },
      now,
    ).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'duplicate_email')
        throw new DeveloperError('developer_email', 'duplicate_email');
      throw error;
    });
    await appendAudit(
      tx,
      { type: 'organisation.registered', subject: organisation.id, details: { type: form.type, by: admin.id } },
      now,
    );
    return { organisation, admin };
  });
}

/** Adds a developer to an organisation (its admin's action). */
export async function addDeveloper(
  db: Database,
  o: { organisationId: string; by: StaffAccount; name: string; email: string; role: 'member' | 'admin' },
  clock: Clock,
): Promise<StaffAccount> {
  const now = clock.now();
  return inTransaction(db, async (tx) => {
    const account = await createStaffAccount(
      tx,
      { kind: 'developer', email: o.email, name: o.name, organisationId: o.organisationId, role: o.role },
      now,
    );
    await appendAudit(
      tx,
      {
        type: 'developer.added',
        subject: o.organisationId,
        details: { account: account.id, role: o.role, by: o.by.id },
      },
      now,
    );
    return account;
  });
}

/** The sandbox client's input: it can only ever reach synthetic citizens (see `auth/clients`). */
function clientInput(
  form: Pick<
    Application,
    | 'name'
    | 'clientType'
    | 'categories'
    | 'privacyPolicyUrl'
    | 'supportContact'
    | 'jwks'
    | 'receiptJwks'
    | 'deletionWebhookUrl'
  > & {
    description: Application['description'];
  },
  o: { organisationId: string; applicationId: string; environment: App['environment']; redirectUris: string[] },
) {
  return {
    organisationId: o.organisationId,
    environment: o.environment,
    clientType: form.clientType,
    name: form.name,
    purpose: form.description,
    privacyPolicyUrl: form.privacyPolicyUrl,
    supportContact: form.supportContact,
    redirectUris: o.redirectUris,
    categories: form.categories.map((c) => c.category),
    ...(form.jwks ? { jwks: form.jwks } : {}),
    ...(form.receiptJwks ? { receiptJwks: form.receiptJwks } : {}),
    ...(form.deletionWebhookUrl ? { deletionWebhookUrl: form.deletionWebhookUrl } : {}),
  };
}

/** Phase 1: the application and, at once, its sandbox client. */
export async function createApplication(
  db: Database,
  o: { organisationId: string; by: StaffAccount; form: ApplicationForm },
  clock: Clock,
): Promise<Application> {
  const now = clock.now();
  const id = `apl_${randomBytes(12).toString('base64url')}`;
  const f = o.form;
  return inTransaction(db, async (tx) => {
    const app = await registerApp(
      tx,
      {
        ...clientInput(
          {
            ...f,
            jwks: f.jwks ?? null,
            receiptJwks: f.receiptJwks ?? null,
            deletionWebhookUrl: f.deletionWebhookUrl ?? null,
          },
          { organisationId: o.organisationId, applicationId: id, environment: 'sandbox', redirectUris: f.redirectUris },
        ),
        clientId: `sbx_${randomBytes(12).toString('hex')}`,
      },
      clock,
    );
    await authKysely(tx)
      .updateTable('apps')
      .set({ application_id: id })
      .where('client_id', '=', app.clientId)
      .execute();
    await developerKysely(tx)
      .insertInto('applications')
      .values({
        id,
        organisation_id: o.organisationId,
        name_zh: f.name['zh-TW'],
        name_en: f.name.en,
        description_zh: f.description['zh-TW'],
        description_en: f.description.en,
        platform: f.platform,
        client_type: f.clientType,
        redirect_uris: JSON.stringify(f.redirectUris),
        production_redirect_uris: null,
        categories: JSON.stringify(f.categories),
        privacy_policy_url: f.privacyPolicyUrl,
        support_contact: f.supportContact,
        app_url: f.appUrl ?? null,
        deletion_webhook_url: f.deletionWebhookUrl ?? null,
        jwks: f.jwks ? JSON.stringify(f.jwks) : null,
        receipt_jwks: f.receiptJwks ? JSON.stringify(f.receiptJwks) : null,
        sandbox_client_id: app.clientId,
        production_client_id: null,
        status: 'sandbox',
        decision_reason: null,
        decided_by: null,
        decided_at: null,
        submitted_at: null,
        created_by: o.by.id,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await appendAudit(
      tx,
      {
        type: 'application.created',
        clientId: app.clientId,
        subject: id,
        details: { organisation: o.organisationId, by: o.by.id },
      },
      now,
    );
    const created = await findApplication(tx, o.organisationId, id);
    if (!created) throw new Error('the application just created is missing');
    return created;
  });
}

/** An organisation's applications, newest first. */
export async function listApplications(db: Database, organisationId: string): Promise<Application[]> {
  const rows = await developerKysely(db)
    .selectFrom('applications')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(applicationOf);
}

/**
 * One application of one organisation: looked up by both, so another organisation's id answers
 * exactly like an unknown one (ASVS V8.2.2).
 */
export async function findApplication(
  db: Database,
  organisationId: string,
  id: string,
): Promise<Application | undefined> {
  const row = await developerKysely(db)
    .selectFrom('applications')
    .selectAll()
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row && applicationOf(row);
}

export interface ReportUpload {
  fileName: string;
  pdf: Buffer;
}

/** A report keeps an app live for a year after its test date. */
export function reportExpiry(testedOn: string): number {
  const date = new Date(`${testedOn}T00:00:00+08:00`);
  date.setUTCFullYear(date.getUTCFullYear() + 1);
  return date.getTime();
}

/**
 * Phase 2: the security report (a PDF the caller has checked) and the production redirect URIs;
 * the application joins the review queue. Allowed from `sandbox`, `rejected`, and `approved` (a
 * renewed report for a live app).
 */
export async function submitApplication(
  db: Database,
  o: { application: Application; by: StaffAccount; form: SubmissionForm; report: ReportUpload },
  clock: Clock,
): Promise<void> {
  const now = clock.now();
  if (o.application.status === 'submitted') throw new DeveloperError('application', 'invalid_state');
  await inTransaction(db, async (tx) => {
    const store = developerKysely(tx);
    const reportId = `rpt_${randomBytes(12).toString('base64url')}`;
    await store
      .insertInto('security_reports')
      .values({
        id: reportId,
        application_id: o.application.id,
        lab: o.form.lab,
        tested_on: o.form.testedOn,
        level: o.form.level,
        file_name: o.report.fileName.slice(0, 200),
        pdf: o.report.pdf,
        sha256: createHash('sha256').update(o.report.pdf).digest('hex'),
        status: 'pending',
        expires_at: reportExpiry(o.form.testedOn),
        uploaded_by: o.by.id,
        uploaded_at: now,
      })
      .execute();
    // A live app stays live while its renewed report is reviewed.
    const status: ApplicationStatus = o.application.status === 'approved' ? 'approved' : 'submitted';
    await store
      .updateTable('applications')
      .set({
        status,
        production_redirect_uris: JSON.stringify(o.form.productionRedirectUris),
        production_webhook_url: o.form.productionWebhookUrl,
        submitted_at: now,
        updated_at: now,
      })
      .where('id', '=', o.application.id)
      .execute();
    await appendAudit(
      tx,
      {
        type: 'application.submitted',
        clientId: o.application.sandboxClientId,
        subject: o.application.id,
        details: { report: reportId, level: o.form.level, by: o.by.id },
      },
      now,
    );
  });
}

export interface SecurityReport {
  id: string;
  applicationId: string;
  lab: string;
  testedOn: string;
  level: ReportLevel;
  fileName: string;
  sha256: string;
  size: number;
  status: 'pending' | 'approved' | 'rejected';
  expiresAt: number;
  uploadedAt: number;
}

/** An application's reports, newest first (the PDF itself is read only when downloaded). */
export async function listReports(db: Database, applicationId: string): Promise<SecurityReport[]> {
  const rows = await developerKysely(db)
    .selectFrom('security_reports')
    .select([
      'id',
      'application_id',
      'lab',
      'tested_on',
      'level',
      'file_name',
      'sha256',
      'status',
      'expires_at',
      'uploaded_at',
      'pdf',
    ])
    .where('application_id', '=', applicationId)
    .orderBy('uploaded_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    applicationId: r.application_id,
    lab: r.lab,
    testedOn: r.tested_on,
    level: r.level,
    fileName: r.file_name,
    sha256: r.sha256,
    size: r.pdf.length,
    status: r.status,
    expiresAt: Number(r.expires_at),
    uploadedAt: Number(r.uploaded_at),
  }));
}
