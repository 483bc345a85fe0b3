/**
 * When checkpoints are written and entries pruned. A checkpoint bounds what a tail truncation can
 * hide: entries after the newest checkpoint can be cut off without the chain showing it (the chain
 * only shows changes behind its head), so a checkpoint follows at most these many entries or
 * seconds after any entry.
 */

/** A checkpoint after this many new entries: at a busy platform's rate, about one a minute. */
export const CHECKPOINT_EVERY_ENTRIES = 1_000;

/** …or this long after the previous one, if anything was logged since: a quiet hour still gets them. */
export const CHECKPOINT_EVERY_MS = 5 * 60_000;

/** How often the job looks: the entry bound is kept to within this many seconds' worth of events. */
export const CHECKPOINT_POLL_MS = 10_000;

/** Pruning runs daily; retention is counted in years, so a day's slack changes nothing. */
export const PRUNE_EVERY_MS = 24 * 60 * 60_000;

/** The default retention: the specification keeps the audit log 6 years. */
export const DEFAULT_AUDIT_RETENTION_YEARS = 6;

/** Years as milliseconds (365.25-day years: leap days never shorten a retention period). */
export const yearsToMs = (years: number) => Math.round(years * 365.25 * 24 * 60 * 60_000);

/** Entries read per query when streaming the log (keyset pagination): small memory, few round trips. */
export const READ_BATCH = 5_000;
