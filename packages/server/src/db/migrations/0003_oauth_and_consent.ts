import { type Kysely, type Migration, sql } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * The authorization server's state, the registry of organisations and their apps, and consents.
 *
 * - `oauth_artifacts`: everything oidc-provider persists (sessions, interactions, pushed requests,
 *   codes, tokens, grants, replay markers), one row per artifact. Ids are stored as SHA-256 digests,
 *   because for opaque tokens the id *is* the bearer credential (ASVS V3.5.2 / V6.4: a copy of the
 *   database must not hand out working tokens).
 * - `organisations` and `apps`: who may ask, and which OAuth clients they run.
 * - `consents`: what a citizen agreed to, bound to the grant its tokens come from. Keyed and indexed
 *   by citizen first, like records, so the portal's history stays one citizen's rows.
 *
 * Times are epoch milliseconds (bigint), as in the sign-in tables.
 */
export function oauthAndConsent(dialect: Dialect): Migration {
  const key = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('oauth_artifacts')
        .addColumn('model', key, (col) => col.notNull())
        .addColumn('id', key, (col) => col.notNull())
        .addColumn('payload', 'text', (col) => col.notNull())
        .addColumn('grant_id', key)
        .addColumn('user_code', key)
        .addColumn('uid', key)
        .addColumn('expires_at', 'bigint')
        .addColumn('consumed_at', 'bigint')
        .addPrimaryKeyConstraint('oauth_artifacts_pkey', ['model', 'id'])
        .execute();
      // Revoking a grant deletes every artifact issued from it (RFC 6749 §4.1.2, RFC 7009 §2.1).
      await db.schema
        .createIndex('oauth_artifacts_by_grant')
        .on('oauth_artifacts')
        .column('grant_id')
        .where(sql.ref('grant_id'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('oauth_artifacts_by_uid')
        .on('oauth_artifacts')
        .columns(['model', 'uid'])
        .where(sql.ref('uid'), 'is not', null)
        .execute();
      await db.schema
        .createIndex('oauth_artifacts_by_user_code')
        .on('oauth_artifacts')
        .columns(['model', 'user_code'])
        .where(sql.ref('user_code'), 'is not', null)
        .execute();
      await db.schema.createIndex('oauth_artifacts_by_expiry').on('oauth_artifacts').column('expires_at').execute();

      await db.schema
        .createTable('organisations')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('type', 'text', (col) =>
          col.notNull().check(sql`type in ('government', 'company', 'foundation', 'medical_institution')`),
        )
        .addColumn('name', 'text', (col) => col.notNull())
        // 統一編號 (8 digits) or 醫事機構代碼 (10 characters): one organisation per identifier.
        .addColumn('identifier', key, (col) => col.notNull().unique())
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .execute();

      await db.schema
        .createTable('apps')
        .addColumn('client_id', key, (col) => col.primaryKey())
        .addColumn('organisation_id', key, (col) => col.notNull().references('organisations.id'))
        .addColumn('name_zh', 'text', (col) => col.notNull())
        .addColumn('name_en', 'text', (col) => col.notNull())
        .addColumn('purpose_zh', 'text', (col) => col.notNull())
        .addColumn('purpose_en', 'text', (col) => col.notNull())
        .addColumn('privacy_policy_url', 'text', (col) => col.notNull())
        .addColumn('support_contact', 'text', (col) => col.notNull())
        // JSON array of exact redirect URIs.
        .addColumn('redirect_uris', 'text', (col) => col.notNull())
        // JSON public JWK Set for private_key_jwt; null for public clients.
        .addColumn('jwks', 'text')
        .addColumn('client_type', 'text', (col) => col.notNull().check(sql`client_type in ('public', 'confidential')`))
        // JSON array of category ids the app may ask for.
        .addColumn('categories', 'text', (col) => col.notNull())
        .addColumn('environment', 'text', (col) => col.notNull().check(sql`environment in ('sandbox', 'production')`))
        .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('active', 'suspended')`))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('updated_at', 'bigint', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('apps_by_organisation').on('apps').column('organisation_id').execute();

      await db.schema
        .createTable('consents')
        .addColumn('id', key, (col) => col.primaryKey())
        .addColumn('citizen_id', 'integer', (col) => col.notNull().references('citizens.id').onDelete('cascade'))
        .addColumn('client_id', key, (col) => col.notNull().references('apps.client_id'))
        .addColumn('grant_id', key, (col) => col.notNull().unique())
        // JSON arrays of category ids: what the citizen agreed to, and what the app asked for.
        .addColumn('categories', 'text', (col) => col.notNull())
        .addColumn('requested_categories', 'text', (col) => col.notNull())
        .addColumn('period', 'text', (col) => col.notNull().check(sql`period in ('1y', '3y', '5y', 'all', 'custom')`))
        .addColumn('period_from', 'text')
        .addColumn('period_to', 'text')
        // JSON array of 醫事機構代碼 whose records are left out.
        .addColumn('excluded_institutions', 'text', (col) => col.notNull())
        .addColumn('duration', 'text', (col) => col.notNull().check(sql`duration in ('once', 'ongoing')`))
        // RFC 7638 thumbprint of the device's export encryption key, when the app named one.
        .addColumn('export_key_jkt', 'text')
        .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('active', 'revoked')`))
        .addColumn('created_at', 'bigint', (col) => col.notNull())
        .addColumn('expires_at', 'bigint', (col) => col.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      // The portal's provision history: one citizen's consents, newest first.
      await db.schema.createIndex('consents_by_citizen').on('consents').columns(['citizen_id', 'created_at']).execute();
      await db.schema.createIndex('consents_by_client').on('consents').columns(['client_id', 'created_at']).execute();
    },
  };
}
