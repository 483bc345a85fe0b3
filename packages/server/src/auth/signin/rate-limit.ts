/**
 * Fixed-window counters in the database, so every server instance shares them (the app servers
 * are stateless). One row per bucket and window; an increment is one atomic upsert.
 */
import { sql } from 'kysely';
import type { Database } from '../../db/index.js';
import { mac } from './keys.js';
import { signinKysely } from './tables.js';

export interface Limit {
  max: number;
  windowMs: number;
}

export type LimitResult = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * The bucket of one limit for one client address. Addresses are stored as keyed digests: a
 * counter table is no place for personal data (PDPA); `key` is a sign-in key of purpose `bucket`.
 */
export function addressBucket(key: Buffer, name: string, address: string): string {
  return `ip:${name}:${mac(key, address).toString('base64url')}`;
}

/**
 * Counts one hit on `bucket` and says whether it is within `limit`. Hits over the limit still
 * count, so hammering a closed window does not reopen it early.
 *
 * @example
 * ```ts
 * const r = await hitLimit(db, `ip:${digest}:code`, { max: 30, windowMs: 600_000 }, clock.now());
 * if (!r.allowed) reply.header('retry-after', Math.ceil(r.retryAfterMs / 1000));
 * ```
 */
export async function hitLimit(db: Database, bucket: string, limit: Limit, now: number): Promise<LimitResult> {
  const windowStart = Math.floor(now / limit.windowMs) * limit.windowMs;
  const expiresAt = windowStart + limit.windowMs;
  const row = await signinKysely(db)
    .insertInto('signin_rate_limits')
    .values({ bucket, window_start: windowStart, hits: 1, expires_at: expiresAt })
    .onConflict((oc) =>
      oc.columns(['bucket', 'window_start']).doUpdateSet({ hits: sql<number>`signin_rate_limits.hits + 1` }),
    )
    .returning('hits')
    .executeTakeFirstOrThrow();
  return Number(row.hits) <= limit.max ? { allowed: true } : { allowed: false, retryAfterMs: expiresAt - now };
}
