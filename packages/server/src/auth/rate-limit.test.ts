import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { RateLimiter } from './rate-limit.js';

describe('RateLimiter', () => {
  it('allows exactly the limit per window and per key, then says when to retry', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(3, 60_000, clock);
    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, true]);
    clock.advance(20_000);
    expect(limiter.hit('a')).toEqual({ allowed: false, retryAfterMs: 40_000 });
    expect(limiter.hit('b').allowed).toBe(true);
    clock.advance(40_000);
    expect(limiter.hit('a')).toEqual({ allowed: true, retryAfterMs: 60_000 });
  });

  it('forgets finished windows', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter(1, 1_000, clock);
    for (let i = 0; i < 100; i++) limiter.hit(`key-${i}`);
    clock.advance(1_000);
    limiter.hit('fresh');
    expect((limiter as unknown as { windows: Map<string, unknown> }).windows.size).toBe(1);
  });
});
