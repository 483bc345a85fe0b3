import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Organisations apply for access themselves (developer/) and the platform's reviewers decide
 * (review/).
 *
 * - `organisations` gain the contact who answers for them.
 * - `staff_accounts`: people who work for an organisation (`developer`, role `member` or `admin`)
 *   or for the platform (`reviewer`, role `reviewer` or `admin`). The two kinds never share an
 *   account: a developer's sign-in opens nothing of the console. A reviewer may belong to an
 *   organisation too, so that their own organisation's applications are not theirs to decide.
 *   `failures`/`locked_until`: five wrong one-time codes lock the account (資通系統防護基準).
 * - `staff_codes`, `staff_sessions`, `staff_passkeys`: their sign-in (auth/staff/).
 * - `applications`: what an organisation asks for (phase 1) and its review (phase 2); the sandbox
 *   and, once approved, the production client it was given.
 * - `security_reports`: the app security test reports (PDF), one row per upload; the approved one
 *   that expires last keeps the app live.
 * - `organisation_notices`: what the platform told an organisation (report expiry warnings,
 *   decisions), once per `(kind, subject)`.
 * - `apps` gain the application they belong to and why they are suspended.
 * - `audit_log` gains indexes by app and by time (the checklist, the reviewers' search).
 *
 * Times are epoch milliseconds (bigint).
 */
export function organisationPortal(dialect: Dialect): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('organisations').addColumn('contact_name', 'text').execute();
      await db.schema.alterTable('organisations').addColumn('contact_email', 'text').execute();
      await db.schema.alterTable('organisations').addColumn('contact_phone', 'text').execute();
      await db.schema.alterTable('apps').addColumn('application_id', key).execute();
      await db.schema.alterTable('apps').addColumn('suspended_reason', 'text').execute();

      // The integration checklist and the reviewers' audit search read one app's entries by time.
      await db.schema.createIndex('audit_log_by_client').on('audit_log').columns(['client_id', 'at']).execute();
      await db.schema.createIndex('audit_log_by_time').on('audit_log').column('at').execute();

      await db.schema
        .createTable('staff_accounts')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('developer', 'reviewer')`))
        // Lower-cased when stored, so one address is one account.
        .addColumn('email', key, (col) => col.notNull())
        .addColumn('name', 'text', (col) => col.notNull())
        .addColumn('organisation_id', key, (col) => col.references('organisations.id').onDelete('cascade'))
        .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('member', 'admin', 'reviewer')`))
        .addColumn('failures', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('locked_until', 'bigint')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('staff_accounts_email', ['kind', 'email'])
        .execute();
      await db.schema
        .createIndex('staff_accounts_by_organisation')
        .on('staff_accounts')
        .columns(['organisation_id', 'created_at'])
        .execute();

      await db.schema
        .createTable('staff_codes')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('account_id', key, (col) => col.notNull().references('staff_accounts.id').onDelete('cascade'))
        // HMAC of the code under the deployment's secret: a database reader learns no live code.
        .addColumn('code_mac', 'text', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('consumed_at', 'bigint')
        .execute();
      await db.schema.createIndex('staff_codes_by_account').on('staff_codes').column('account_id').execute();

      await db.schema
        .createTable('staff_sessions')
        // SHA-256 of the cookie's value: the cookie is the credential (ASVS V3.2.2).
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('account_id', key, (col) => col.notNull().references('staff_accounts.id').onDelete('cascade'))
        .addColumn('method', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('staff_sessions_by_account').on('staff_sessions').column('account_id').execute();

      await db.schema
        .createTable('staff_passkeys')
        .addColumn('credential_id', key, (col) => col.primaryKey())
        .addColumn('account_id', key, (col) => col.notNull().references('staff_accounts.id').onDelete('cascade'))
        .addColumn('public_key', 'text', (col) => col.notNull())
        .addColumn('counter', 'bigint', (col) => col.notNull())
        .addColumn('transports', 'text', (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('staff_passkeys_by_account').on('staff_passkeys').column('account_id').execute();

      await db.schema
        .createTable('applications')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('organisation_id', key, (col) => col.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('name_zh', 'text', (col) => col.notNull())
        .addColumn('name_en', 'text', (col) => col.notNull())
        .addColumn('description_zh', 'text', (col) => col.notNull())
        .addColumn('description_en', 'text', (col) => col.notNull())
        .addColumn('platform', 'text', (col) =>
          col.notNull().check(sql`platform in ('ios', 'android', 'web', 'backend')`),
        )
        .addColumn('client_type', 'text', (col) => col.notNull().check(sql`client_type in ('public', 'confidential')`))
        .addColumn('redirect_uris', 'text', (col) => col.notNull())
        // JSON: the production client's redirect URIs (https only), given at submission.
        .addColumn('production_redirect_uris', 'text')
        // JSON: [{ category, purpose }]: each category with why the app needs it.
        .addColumn('categories', 'text', (col) => col.notNull())
        .addColumn('privacy_policy_url', 'text', (col) => col.notNull())
        .addColumn('support_contact', 'text', (col) => col.notNull())
        .addColumn('app_url', 'text')
        .addColumn('deletion_webhook_url', 'text')
        .addColumn('jwks', 'text')
        .addColumn('receipt_jwks', 'text')
        .addColumn('sandbox_client_id', key, (col) => col.notNull())
        .addColumn('production_client_id', key)
        .addColumn('status', 'text', (col) =>
          col.notNull().check(sql`status in ('sandbox', 'submitted', 'approved', 'rejected')`),
        )
        .addColumn('decision_reason', 'text')
        .addColumn('decided_by', key)
        .addColumn('decided_at', 'bigint')
        .addColumn('submitted_at', 'bigint')
        .addColumn('created_by', key, (col) => col.notNull())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('applications_by_organisation')
        .on('applications')
        .columns(['organisation_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('applications_by_status')
        .on('applications')
        .columns(['status', 'updated_at'])
        .execute();

      await db.schema
        .createTable('security_reports')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('application_id', key, (col) => col.notNull().references('applications.id').onDelete('cascade'))
        .addColumn('lab', 'text', (col) => col.notNull())
        .addColumn('tested_on', 'text', (col) => col.notNull())
        .addColumn('level', 'text', (col) => col.notNull().check(sql`level in ('L1', 'L2', 'L3')`))
        .addColumn('file_name', 'text', (col) => col.notNull())
        .addColumn('pdf', bytes, (col) => col.notNull())
        .addColumn('sha256', 'text', (col) => col.notNull())
        .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('pending', 'approved', 'rejected')`))
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('uploaded_by', key, (col) => col.notNull())
        .addColumn('uploaded_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('security_reports_by_application')
        .on('security_reports')
        .columns(['application_id', 'uploaded_at'])
        .execute();

      await db.schema
        .createTable('organisation_notices')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('organisation_id', key, (col) => col.notNull().references('organisations.id').onDelete('cascade'))
        .addColumn('kind', 'text', (col) => col.notNull())
        .addColumn('subject', key, (col) => col.notNull())
        .addColumn('details', 'text')
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addUniqueConstraint('organisation_notices_once', ['kind', 'subject'])
        .execute();
      await db.schema
        .createIndex('organisation_notices_by_organisation')
        .on('organisation_notices')
        .columns(['organisation_id', 'created_at'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        'organisation_notices',
        'security_reports',
        'applications',
        'staff_passkeys',
        'staff_sessions',
        'staff_codes',
        'staff_accounts',
      ]) {
        await db.schema.dropTable(table).execute();
      }
      await db.schema.dropIndex('audit_log_by_time').execute();
      await db.schema.dropIndex('audit_log_by_client').execute();
      await db.schema.alterTable('apps').dropColumn('suspended_reason').execute();
      await db.schema.alterTable('apps').dropColumn('application_id').execute();
      for (const column of ['contact_phone', 'contact_email', 'contact_name']) {
        await db.schema.alterTable('organisations').dropColumn(column).execute();
      }
    },
  };
}
