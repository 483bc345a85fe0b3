import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Phase 2 names the production deletion webhook (https only), as it names the production redirect
 * URIs: the sandbox's may be a development address.
 */
export function productionWebhook(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('applications').addColumn('production_webhook_url', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('applications').dropColumn('production_webhook_url').execute();
    },
  };
}
