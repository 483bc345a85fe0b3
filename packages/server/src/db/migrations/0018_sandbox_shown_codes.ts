import type { Kysely, Migration } from 'kysely';
import type { Dialect } from '../url.js';

/**
 * Sandbox code pages show the one-time code (synthetic citizens, development staff): the code,
 * sealed (auth/signin/codes/shown-codes.ts), is kept beside its challenge instead of in one server
 * process's memory, so whichever process answers the code page can show it (`healthbank start
 * --workers`, several servers behind a load balancer). Null outside a sandbox, and for challenges
 * whose details matched nobody.
 */
export function sandboxShownCodes(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('signin_codes').addColumn('sandbox_code', 'text').execute();
      await db.schema.alterTable('staff_codes').addColumn('sandbox_code', 'text').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('staff_codes').dropColumn('sandbox_code').execute();
      await db.schema.alterTable('signin_codes').dropColumn('sandbox_code').execute();
    },
  };
}
