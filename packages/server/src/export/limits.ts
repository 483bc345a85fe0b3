/**
 * How much one consent, and one server process, may ask of the export service.
 *
 * - Per consent, files and tickets are bounded per rolling day: an ongoing consent lets an app
 *   sync whenever it likes (hourly, say) but not scrape; a one-time consent gets a few retries.
 *   Counted from the database (`exports`, `export_tickets`), so every server process sees the same
 *   count; requests racing each other may each pass the count before either is written, so the
 *   bound can be passed by the requests in flight at once for one consent (a few, not a scrape).
 * - Per process, the files being made at once are bounded, so a burst answers `busy` with a
 *   retry time instead of queueing until everything times out. In memory on purpose: it guards
 *   one process's memory and CPU, so N processes (`--workers N`, or N hosts) make up to N times as
 *   many files at once, each within its own bound.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** Files per consent per rolling 24 hours (one an hour, on average, for an ongoing sync). */
export const EXPORTS_PER_DAY = 24;
/** Tickets per consent per rolling 24 hours. */
export const TICKETS_PER_DAY = 24;
/** Files one process makes at once; beyond it the answer is `export_busy`. */
export const DEFAULT_MAX_CONCURRENT_EXPORTS = 32;
/** What `export_busy` tells the app to wait, in seconds. */
export const BUSY_RETRY_AFTER_S = 2;

/** The start of the rolling window that ends at `now`. */
export const windowStart = (now: number) => now - DAY_MS;

/**
 * Seconds until one more request fits in the window, given the times (oldest first) of the
 * requests already in it; 0 when it fits now.
 */
export function retryAfterSeconds(timesInWindow: readonly number[], limit: number, now: number): number {
  if (timesInWindow.length < limit) return 0;
  // The window admits another once enough of the oldest have left it.
  const leaving = timesInWindow[timesInWindow.length - limit] ?? now;
  return Math.max(1, Math.ceil((leaving + DAY_MS - now) / 1000));
}

/** Counts the files being made; `enter` refuses beyond the bound. */
export class ExportGate {
  private active = 0;
  constructor(readonly max: number) {}

  /** True (and counted) when there is room; call `leave` when done. */
  enter(): boolean {
    if (this.active >= this.max) return false;
    this.active++;
    return true;
  }

  leave(): void {
    this.active = Math.max(0, this.active - 1);
  }
}
