import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testDatabases } from '../../db/testing.js';
import { spendChallenge } from './challenges.js';
import { hitLimit } from './rate-limit.js';

describe.each(testDatabases())('sign-in counters on $label', (target) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(target);
  });
  afterAll(() => t?.dispose());

  it('allows max hits per window, then says how long until the next window', async () => {
    const limit = { max: 3, windowMs: 60_000 };
    const start = 600_000; // on a window boundary
    for (let i = 0; i < 3; i++) expect(await hitLimit(t.db, 'b1', limit, start + i)).toEqual({ allowed: true });
    expect(await hitLimit(t.db, 'b1', limit, start + 15_000)).toEqual({ allowed: false, retryAfterMs: 45_000 });
    // Other buckets are independent.
    expect(await hitLimit(t.db, 'b2', limit, start + 15_000)).toEqual({ allowed: true });
    // The next window starts afresh.
    expect(await hitLimit(t.db, 'b1', limit, start + 60_000)).toEqual({ allowed: true });
  });

  it('counts concurrent hits exactly', async () => {
    const limit = { max: 10, windowMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 25 }, () => hitLimit(t.db, 'burst', limit, 0)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it('spends a challenge once', async () => {
    expect(await spendChallenge(t.db, 'challenge-1', 1_000)).toBe(true);
    expect(await spendChallenge(t.db, 'challenge-1', 1_000)).toBe(false);
    expect(await spendChallenge(t.db, 'challenge-2', 1_000)).toBe(true);
  });
});
