/**
 * Telling a database that is down or full apart from a bug. PostgreSQL stopped or restarting,
 * a dropped connection, SQLite's disk full: none is the request's fault or a defect, and each
 * passes. The error handlers answer them with 503 and `Retry-After` (RFC 9110 §15.6.4, §10.2.3)
 * instead of a 500, so clients back off and retry rather than report a failure (ASVS V16.5.2:
 * fail gracefully when a resource is unavailable).
 */

export type Unavailability =
  /** The database does not answer now (stopped, restarting, connection lost, locked too long). */
  | 'unavailable'
  /** The disk or the database is out of space: nothing was written. */
  | 'full';

/** Seconds a client should wait before retrying, by cause. */
export const UNAVAILABLE_RETRY_AFTER_S: Record<Unavailability, number> = {
  // PostgreSQL restarts in seconds; the pool reconnects at the next query.
  unavailable: 5,
  // Space is freed by an operator: retrying sooner only adds load.
  full: 60,
};

/**
 * The `error_description` of the OAuth endpoints' 503 `temporarily_unavailable`, by cause: what
 * a client reads, and how the platform's own callers of those endpoints tell the cause again.
 */
export const UNAVAILABLE_DESCRIPTION: Record<Unavailability, string> = {
  unavailable: 'the database is unavailable',
  full: 'storage is full; nothing was saved',
};

/** The problem code (errors/problems.ts) each cause is answered with. */
export const UNAVAILABLE_PROBLEM = { unavailable: 'database_unavailable', full: 'storage_full' } as const;

/** The OAuth endpoints' body for a cause: `temporarily_unavailable` (RFC 6749 §4.1.2.1, §5.2). */
export function unavailableOAuthError(cause: Unavailability): { error: string; error_description: string } {
  return { error: 'temporarily_unavailable', error_description: UNAVAILABLE_DESCRIPTION[cause] };
}

/** The cause an OAuth endpoint's `error_description` names, if it is one of ours. */
export function unavailabilityOfDescription(description: unknown): Unavailability | undefined {
  return (Object.keys(UNAVAILABLE_DESCRIPTION) as Unavailability[]).find(
    (cause) => UNAVAILABLE_DESCRIPTION[cause] === description,
  );
}

/** Socket errors of a connection to PostgreSQL that is refused, reset or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs (Appendix A): class 08 connection exceptions; 57P01–57P03 the server
 * shutting down, crashed or starting up; 53300 too many connections; 53100 disk full.
 */
const PG_FULL = new Set(['53100']);
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres reports a lost or never-made connection by message only. */
const PG_LOST =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** better-sqlite3's codes: SQLITE_FULL (and an I/O error, which ENOSPC can surface as), lock timeouts. */
function sqliteCause(code: string): Unavailability | undefined {
  if (code === 'SQLITE_FULL') return 'full';
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_BUSY' || code === 'SQLITE_CANTOPEN') return 'unavailable';
  return undefined;
}

function causeOf(error: unknown): Unavailability | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_')) return sqliteCause(code);
    if (PG_FULL.has(code)) return 'full';
    if (NETWORK_CODES.has(code) || PG_UNAVAILABLE.has(code) || code.startsWith('08')) return 'unavailable';
  }
  return PG_LOST.test(error.message) ? 'unavailable' : undefined;
}

/**
 * Why `error` (or one of its causes) means the database cannot serve now, or `undefined` for any
 * other error.
 *
 * @example
 * ```ts
 * unavailabilityOf(Object.assign(new Error('the database system is shutting down'), { code: '57P03' })); // 'unavailable'
 * ```
 */
export function unavailabilityOf(error: unknown): Unavailability | undefined {
  let current: unknown = error;
  // A wrapped error (an aggregate, a `cause` chain) is followed a few levels, never around a cycle.
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const found = causeOf(current);
    if (found) return found;
    current = current instanceof AggregateError ? current.errors[0] : current.cause;
  }
  return undefined;
}
