/** Kysely's view of applications, security reports and notices (migration 0013_organisation_portal). */
import type { ColumnType, Kysely } from 'kysely';
import type { StaffTables } from '../auth/staff/tables.js';
import type { Database } from '../db/index.js';
import type { Schema } from '../db/schema.js';

type Millis = ColumnType<number | string, number, number>;
type NullableMillis = ColumnType<number | string | null, number | null | undefined, number | null>;

export type ApplicationStatus = 'sandbox' | 'submitted' | 'approved' | 'rejected';
export type Platform = 'ios' | 'android' | 'web' | 'backend';
export type ReportLevel = 'L1' | 'L2' | 'L3';

export interface ApplicationsTable {
  id: string;
  organisation_id: string;
  name_zh: string;
  name_en: string;
  description_zh: string;
  description_en: string;
  platform: Platform;
  client_type: 'public' | 'confidential';
  redirect_uris: string;
  production_redirect_uris: string | null;
  /** Migration 0016; null until phase 2. */
  production_webhook_url: ColumnType<string | null, string | null | undefined, string | null>;
  categories: string;
  privacy_policy_url: string;
  support_contact: string;
  app_url: string | null;
  deletion_webhook_url: string | null;
  jwks: string | null;
  receipt_jwks: string | null;
  sandbox_client_id: string;
  production_client_id: string | null;
  status: ApplicationStatus;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: NullableMillis;
  submitted_at: NullableMillis;
  created_by: string;
  created_at: Millis;
  updated_at: Millis;
}

export interface SecurityReportsTable {
  id: string;
  application_id: string;
  lab: string;
  tested_on: string;
  level: ReportLevel;
  file_name: string;
  pdf: Buffer;
  sha256: string;
  status: 'pending' | 'approved' | 'rejected';
  expires_at: Millis;
  uploaded_by: string;
  uploaded_at: Millis;
}

export interface OrganisationNoticesTable {
  id: string;
  organisation_id: string;
  kind: string;
  subject: string;
  details: string | null;
  created_at: Millis;
}

export type DeveloperTables = StaffTables & {
  applications: ApplicationsTable;
  security_reports: SecurityReportsTable;
  organisation_notices: OrganisationNoticesTable;
};

export function developerKysely(db: Database): Kysely<Schema & DeveloperTables> {
  return db.kysely.withTables<DeveloperTables>();
}
