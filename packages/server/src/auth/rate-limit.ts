/**
 * A fixed-window request counter per key, in memory, reading an injectable clock.
 *
 * In memory on purpose: the token endpoint must answer hundreds of requests a second, and a
 * database write per request would cost more than the request. Each server process limits on its
 * own, so with N processes (`healthbank start --workers N`, times the hosts behind a load balancer)
 * a client gets at most N times the limit: still a bound (ASVS V11.1.4), and the load balancer's
 * own limits come first at national scale. It is a throughput bound, not a lockout: limits that
 * stop guessing (sign-in attempts, codes) are counted in the database instead
 * (`signin/rate-limit.ts`), where every process sees the same count.
 */
import type { Clock } from '../clock.js';

export interface RateLimitDecision {
  allowed: boolean;
  /** Milliseconds until the window resets (when refused). */
  retryAfterMs: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { start: number; hits: number }>();
  private lastSweep: number;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {
    this.lastSweep = clock.now();
  }

  /** Counts one request for `key` and says whether it is within the limit. */
  hit(key: string): RateLimitDecision {
    const now = this.clock.now();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, hits: 0 };
      this.windows.set(key, window);
    }
    window.hits += 1;
    const retryAfterMs = window.start + this.windowMs - now;
    return { allowed: window.hits <= this.limit, retryAfterMs };
  }

  /** Forgets finished windows now and then, so memory stays bounded by the active clients. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}
