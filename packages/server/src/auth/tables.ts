/**
 * Kysely's view of the authorization tables (migration 0003_oauth_and_consent), added to the
 * shared schema with `withTables` so the storage layer's `Schema` stays the records' own.
 */
import type { ColumnType, Kysely } from 'kysely';
import type { Database } from '../db/index.js';
import type { Schema } from '../db/schema.js';

/** Epoch milliseconds: written as numbers; PostgreSQL's bigint reads back as a string. */
type Millis = ColumnType<number | string, number, number>;
type OptionalText = ColumnType<string | null, string | null | undefined, string | null>;
type NullableMillis = ColumnType<number | string | null, number | null | undefined, number | null>;

export interface OauthArtifactsTable {
  model: string;
  /** SHA-256 (base64url) of the artifact's id: for opaque tokens the id is the credential. */
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: NullableMillis;
  consumed_at: NullableMillis;
}

export type OrganisationType = 'government' | 'company' | 'foundation' | 'medical_institution';

export interface OrganisationsTable {
  id: string;
  type: OrganisationType;
  name: string;
  identifier: string;
  created_at: Millis;
  /** Who answers for the organisation (migration 0013); null for organisations seeded by code. */
  contact_name: OptionalText;
  contact_email: OptionalText;
  contact_phone: OptionalText;
}

export interface AppsTable {
  client_id: string;
  organisation_id: string;
  name_zh: string;
  name_en: string;
  purpose_zh: string;
  purpose_en: string;
  privacy_policy_url: string;
  support_contact: string;
  redirect_uris: string;
  jwks: string | null;
  client_type: 'public' | 'confidential';
  categories: string;
  environment: 'sandbox' | 'production';
  status: 'active' | 'suspended';
  created_at: Millis;
  updated_at: Millis;
  /** Where deletion requests are delivered (migration 0010); null when none is registered. */
  deletion_webhook_url: string | null;
  /** JSON public JWK Set deletion receipts are signed with (migration 0010); null: `jwks`. */
  receipt_jwks: string | null;
  /** The application the app was issued for (migration 0013); null for apps seeded by code. */
  application_id: OptionalText;
  /** Why a suspended app is suspended: `reviewer` or `report_expired` (migration 0013). */
  suspended_reason: OptionalText;
}

export interface ConsentsTable {
  id: string;
  citizen_id: number;
  client_id: string;
  grant_id: string;
  categories: string;
  requested_categories: string;
  period: '1y' | '3y' | '5y' | 'all' | 'custom';
  period_from: string | null;
  period_to: string | null;
  excluded_institutions: string;
  duration: 'once' | 'ongoing';
  export_key_jkt: string | null;
  status: 'active' | 'revoked';
  created_at: Millis;
  expires_at: Millis;
  revoked_at: NullableMillis;
}

export type AuthTables = {
  oauth_artifacts: OauthArtifactsTable;
  organisations: OrganisationsTable;
  apps: AppsTable;
  consents: ConsentsTable;
};

/** The database with the authorization tables typed. */
export function authKysely(db: Database): Kysely<Schema & AuthTables> {
  return db.kysely.withTables<AuthTables>();
}

/** A stored millisecond time as a number (PostgreSQL returns bigint as text). */
export function millis(value: number | string): number;
export function millis(value: number | string | null): number | null;
export function millis(value: number | string | null): number | null {
  return value === null ? null : Number(value);
}
