/**
 * Claiming outbox rows on SQLite and PostgreSQL: concurrent claimers never take the same row, a
 * claim is a lease that expires (a dead worker's rows come back), and delivered rows never return.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../db/index.js';
import { createTestDatabase, type TestDatabase, testDatabases } from '../db/testing.js';
import { claimDueWebhooks, enqueueWebhook, markWebhookDelivered } from './outbox.js';

const T0 = Date.UTC(2026, 11, 3);
const LEASE = 30_000;

describe.each(testDatabases())('the webhook outbox on $label', (target) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(target);
  });
  afterEach(() => t.dispose());

  const enqueue = (n: number) =>
    inTransaction(t.db, async (tx) => {
      for (let i = 0; i < n; i++) {
        await enqueueWebhook(
          tx,
          { eventType: 'test', clientId: 'app', subject: `s${i}`, targetUrl: null, payload: { i } },
          T0,
        );
      }
    });

  it('gives each due row to one claimer at a time', async () => {
    await enqueue(30);
    const claims = await Promise.all(Array.from({ length: 4 }, () => claimDueWebhooks(t.db, T0, 10, LEASE)));
    const ids = claims.flat().map((r) => r.id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.length).toBeLessThanOrEqual(30);
    // What is left is claimed by the next round, and nothing twice.
    const rest = await claimDueWebhooks(t.db, T0, 100, LEASE);
    expect(new Set([...ids, ...rest.map((r) => r.id)]).size).toBe(30);
    expect(await claimDueWebhooks(t.db, T0 + LEASE - 1, 100, LEASE)).toEqual([]);
  });

  it('returns a dead worker’s rows after the lease, counting attempts; delivered rows never return', async () => {
    await enqueue(2);
    const [first, second] = await claimDueWebhooks(t.db, T0, 10, LEASE);
    expect(first?.attempts).toBe(1);
    if (!first || !second) throw new Error('two rows expected');
    await inTransaction(t.db, (tx) => markWebhookDelivered(tx, first.id, 'https://app.example/hook', T0 + 1));
    const again = await claimDueWebhooks(t.db, T0 + LEASE, 10, LEASE);
    expect(again.map((r) => [r.id, r.attempts])).toEqual([[second.id, 2]]);
  });
});
