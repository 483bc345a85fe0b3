/**
 * Deletes sign-in state nobody can use any more. Run periodically; correctness never depends on
 * it (every read also checks expiry), only the tables' size does.
 */
import type { Database } from '../../db/index.js';
import { CODE_SEND_WINDOW_MS } from './limits.js';
import { signinKysely } from './tables.js';
import { purgeUpstreamStates } from './upstream/states.js';

/** Consecutive code failures are forgotten after a day without any attempt. */
export const FAILURE_MEMORY_MS = 24 * 60 * 60_000;

/** Deletes expired rows and returns how many went. */
export async function purgeSigninState(db: Database, now: number): Promise<number> {
  const store = signinKysely(db);
  const results = await Promise.all([
    // Codes stay one send window, for the hourly send count, well past their own expiry.
    store
      .deleteFrom('signin_codes')
      .where('created_at', '<=', now - CODE_SEND_WINDOW_MS)
      .executeTakeFirst(),
    store.deleteFrom('signin_rate_limits').where('expires_at', '<=', now).executeTakeFirst(),
    store.deleteFrom('signin_pending').where('expires_at', '<=', now).executeTakeFirst(),
    store.deleteFrom('signin_spent_challenges').where('expires_at', '<=', now).executeTakeFirst(),
    purgeUpstreamStates(db, now),
    store
      .deleteFrom('signin_failures')
      .where('updated_at', '<=', now - FAILURE_MEMORY_MS)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .executeTakeFirst(),
  ]);
  return results.reduce((sum, r) => sum + Number(r.numDeletedRows), 0);
}
