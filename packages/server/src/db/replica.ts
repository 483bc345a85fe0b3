/**
 * Read replicas (issue 15, "National scale"): with `DATABASE_REPLICA_URL`, the reads that dominate
 * at national scale (records for exports and for the citizen portal, the provision history) go to
 * a PostgreSQL streaming replica of the primary, leaving the primary's CPU and I/O to the writes
 * and to the reads that must be exact. docs/operations.md, "Read replicas".
 *
 * What reads where:
 *
 * - Replica (through `replicaRead`, so only while it is healthy and close enough): the export
 *   route's record reads (`export/content.ts`: `readRecords`, `readRecordsJson`, the patient's sex
 *   and birth date), the consent page's list of visited institutions, and the portal's record
 *   pages, trends, record downloads and provision-history lists (`citizen/`).
 * - Primary, always: everything that decides access or must be read back after it was written:
 *   consents (a revocation takes effect at the next request even while the replica still shows
 *   the consent active), tickets, tokens and the authorization server's artifacts, sign-in,
 *   sessions, audit, webhooks, notifications, and every write. Those repositories take a
 *   `Database`, which the replica's `StaleReader` is not, so the compiler keeps them off it.
 *
 * The replica is used only while a monitor, every second, finds it reachable, still in recovery
 * from our primary's cluster, and at most `DATABASE_REPLICA_MAX_LAG_S` behind; otherwise reads go
 * to the primary until it is again. A read that fails on the replica is retried on the primary
 * (reads are idempotent). Without a replica `replicaRead` is one property test away from the
 * plain read.
 */
import { type Kysely, sql } from 'kysely';
import { type Clock, systemClock } from '../clock.js';
import { unavailabilityOf } from './availability.js';
import { type Database, replicaKysely, type StaleReader, withReads } from './connection.js';
import { DatabaseError } from './errors.js';
import type { Schema } from './schema.js';
import { parseDatabaseUrl } from './url.js';

/**
 * Where the replica stands (`/healthz` shows it as it is: coarse, no URL, no lag figure):
 *
 * - `starting`: not measured yet; reads go to the primary.
 * - `in_use`: reachable, a replica of our primary, within the lag bound: record reads go to it.
 * - `lagging`: further behind than the bound (or not known to be within it): reads go to the primary.
 * - `unreachable`: does not answer (stopped, restarting, network); reads go to the primary.
 * - `retired`: no longer a replica of our primary (promoted, or another cluster's). It is never
 *   used again by this process, even if it becomes a replica again: a node that was writable on its
 *   own may hold a history our primary never had. Restart the servers once it has been rebuilt.
 */
export type ReplicaState = 'starting' | 'in_use' | 'lagging' | 'unreachable' | 'retired';

export interface ReplicaOptions {
  /** `postgres://…` of a streaming replica of the primary's cluster (the same database name). */
  url: string;
  /** Seconds behind the primary beyond which reads go to the primary (`DATABASE_REPLICA_MAX_LAG_S`). */
  maxLagS: number;
  /** Milliseconds between measurements (default 1000). */
  intervalMs?: number;
  /** The time the lag is measured in (default the system clock; tests move a `ManualClock`). */
  clock?: Clock;
}

/** What transitions are logged through: pino's (and Fastify's) `log.info(fields, message)`. */
export interface ReplicaLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

const DEFAULT_INTERVAL_MS = 1_000;
/** A measurement that takes longer than this finds the replica unreachable (a hung server or network). */
const PROBE_TIMEOUT_MS = 2_000;
/** Primary positions kept while the replica falls behind (one per measurement); see `#measure`. */
const MAX_SAMPLES = 600;

/** A position in the WAL: PostgreSQL's `pg_lsn` text `X/Y` (two 32-bit hex halves) as a number. */
function lsnOf(text: string): bigint {
  const [hi = '0', lo = '0'] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

class ProbeTimeout extends Error {
  override name = 'ProbeTimeout';
}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeout(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A short reason for the log: an error code or SQLSTATE, never a message (which could name a host or user). */
function reasonOf(error: unknown): string {
  if (error instanceof ProbeTimeout) return 'timeout';
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && /^[A-Za-z0-9_]{1,32}$/.test(code)) return code;
  return unavailabilityOf(error) ? 'connection_lost' : 'error';
}

/**
 * Whether a read that failed on the replica is worth running on the primary: a lost connection, or
 * anything the replica's server answered with a SQLSTATE (a query cancelled by a recovery
 * conflict, 40001; a table a migration created that the replica has not replayed yet, 42P01).
 * Not our own input checks (`DatabaseError`), which the primary would refuse alike, and not 25006
 * (read-only transaction): a write routed to the replica is a bug to surface, not to hide.
 */
function retriable(error: unknown): boolean {
  if (error instanceof DatabaseError) return false;
  if (unavailabilityOf(error)) return true;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && code !== '25006';
}

/** A primary position and when it was seen there. */
interface Sample {
  lsn: bigint;
  at: number;
}

/**
 * The read replica of one primary and its monitor. Made by `attachReplica`; reads go through
 * `replicaRead`.
 */
export class ReplicaReads {
  readonly #primary: Database;
  readonly #replica: Kysely<Schema>;
  readonly #reader: StaleReader;
  readonly #maxLagMs: number;
  readonly #clock: Clock;
  readonly #timer: NodeJS.Timeout;
  #state: ReplicaState = 'starting';
  #lagMs: number | undefined;
  #samples: Sample[] = [];
  #probing: Promise<void> | undefined;
  #closed = false;
  #destroyed: Promise<void> | undefined;
  #log: ReplicaLogger | undefined;

  constructor(primary: Database, replica: Kysely<Schema>, options: ReplicaOptions) {
    this.#primary = primary;
    this.#replica = replica;
    this.#reader = Object.freeze({ kysely: replica, dialect: 'postgres' as const });
    this.#maxLagMs = options.maxLagS * 1000;
    this.#clock = options.clock ?? systemClock;
    // A tick that finds a measurement still running skips (a hung replica is timed out by it).
    // unref: the monitor alone never keeps a process (a CLI command, a test) alive.
    this.#timer = setInterval(() => {
      if (!this.#probing) void this.check();
    }, options.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.#timer.unref();
    void this.check();
  }

  /** Where the replica stands now. */
  get state(): ReplicaState {
    return this.#state;
  }

  /**
   * How far behind the replica was at the last measurement, in milliseconds (an upper bound; see
   * `#measure`), or undefined when not known. For benchmarks and the log, not for `/healthz`.
   */
  get lagMs(): number | undefined {
    return this.#lagMs;
  }

  /**
   * Measures now and returns the state it leads to. A call during a measurement waits for it and
   * then measures again, so the answer is never older than the call.
   */
  async check(): Promise<ReplicaState> {
    while (this.#probing) await this.#probing;
    if (this.#closed) return this.#state;
    // A measurement never throws; an unexpected failure counts as an unreachable replica.
    this.#probing = this.#measure()
      .catch((error: unknown) => this.#enter('unreachable', { reason: reasonOf(error) }))
      .finally(() => {
        this.#probing = undefined;
      });
    await this.#probing;
    return this.#state;
  }

  /**
   * Logs state changes through `log` (no URL, no secret: a state, a lag, a reason code). One
   * logger at a time: the first app served over this database logs them; the returned function
   * stops it.
   */
  logTo(log: ReplicaLogger): () => void {
    if (this.#log) return () => {};
    this.#log = log;
    log.info({ replica: this.#state }, 'read replica configured');
    return () => {
      if (this.#log === log) this.#log = undefined;
    };
  }

  /** Runs `read` on the replica when it is in use, else on the primary; see `replicaRead`. */
  async run<T>(read: (reader: StaleReader) => Promise<T>): Promise<T> {
    if (this.#state !== 'in_use') return read(this.#primary);
    try {
      return await read(this.#reader);
    } catch (error) {
      if (!retriable(error)) throw error;
      // The read is idempotent: the primary answers it. A lost connection also stops further
      // reads from trying the replica until the next measurement finds it back.
      if (unavailabilityOf(error)) this.#enter('unreachable', { reason: reasonOf(error) });
      return read(this.#primary);
    }
  }

  /** Stops the monitor and closes the replica's pool (the primary is closed by its owner). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#probing;
    await this.#destroy();
  }

  #destroy(): Promise<void> {
    this.#destroyed ??= this.#replica.destroy().catch(() => {});
    return this.#destroyed;
  }

  /**
   * One measurement. The lag is measured against the primary's own WAL position, not with the
   * replica's `now() - pg_last_xact_replay_timestamp()`: that is the age of the last transaction
   * replayed, which grows without bound while the primary is idle (an hour-old last commit reads as
   * an hour's lag although nothing is missing), and it compares two servers' clocks.
   *
   * Instead, each measurement reads the replica's replay position (`pg_last_wal_replay_lsn()`),
   * then the primary's flushed position (`pg_current_wal_flush_lsn()`, all a replica can have
   * received), and remembers that position with this process's clock time. A replica that has
   * replayed a position seen at time `t` holds everything the primary had committed at `t`, so it
   * is at most `now - t` behind: the lag is `now` minus the time of the newest remembered position
   * it has replayed, an upper bound (0 when it has replayed what the primary has, idle or not).
   * When it has replayed none of them (at start under writes, or after an outage), the lag is
   * unknown and counts as too much. Between measurements the lag can grow by one interval, so a
   * read on the replica is at most `DATABASE_REPLICA_MAX_LAG_S` plus about one second behind.
   */
  async #measure(): Promise<void> {
    if (this.#state === 'retired' || this.#closed) return;
    let standby: { recovery: boolean; replayed: string | null; system: string } | undefined;
    try {
      // The replica first: anything it has replayed the primary had flushed before we ask it.
      const { rows } = await within(
        PROBE_TIMEOUT_MS,
        sql<{ recovery: boolean; replayed: string | null; system: string }>`
          select pg_is_in_recovery() as recovery, pg_last_wal_replay_lsn()::text as replayed,
            (select system_identifier::text from pg_control_system()) as system`.execute(this.#replica),
      );
      standby = rows[0];
    } catch (error) {
      this.#enter('unreachable', { reason: reasonOf(error) });
      return;
    }
    if (!standby) return;
    if (!standby.recovery) return this.#retire('promoted');
    let primary: { flushed: string; system: string } | undefined;
    try {
      const { rows } = await within(
        PROBE_TIMEOUT_MS,
        sql<{ flushed: string; system: string }>`
          select pg_current_wal_flush_lsn()::text as flushed,
            (select system_identifier::text from pg_control_system()) as system`.execute(this.#primary.kysely),
      );
      primary = rows[0];
    } catch {
      // The primary does not answer: no new position, but the lag still grows with the clock from
      // the positions already seen, so a stalled replica still ends up `lagging`.
    }
    const now = this.#clock.now();
    const replayed = standby.replayed === null ? undefined : lsnOf(standby.replayed);
    if (primary) {
      // Physical replicas share their primary's system identifier; another cluster's never does.
      if (primary.system !== standby.system) return this.#retire('another_cluster');
      const flushed = lsnOf(primary.flushed);
      // Read after the replica, the primary's position can only be ahead of what it replayed;
      // a replica ahead of it followed another history (a timeline of its own).
      if (replayed !== undefined && replayed > flushed) return this.#retire('diverged');
      const last = this.#samples.at(-1);
      if (!last || flushed > last.lsn) this.#samples.push({ lsn: flushed, at: now });
      else if (flushed === last.lsn) last.at = now;
    }
    // Keep the newest position it has replayed and every one it has not.
    let newestReplayed = -1;
    this.#samples.forEach((s, i) => {
      if (replayed !== undefined && s.lsn <= replayed) newestReplayed = i;
    });
    if (newestReplayed > 0) this.#samples = this.#samples.slice(newestReplayed);
    // A replica stalled for long: forget the oldest positions it has not replayed, which only
    // makes the upper bound coarser (later, it may be judged further behind than it is).
    while (this.#samples.length > MAX_SAMPLES) this.#samples.splice(1, 1);
    const bound = this.#samples[0];
    this.#lagMs = newestReplayed >= 0 && bound ? Math.max(0, now - bound.at) : undefined;
    if (this.#lagMs !== undefined && this.#lagMs <= this.#maxLagMs) this.#enter('in_use', { lag_ms: this.#lagMs });
    else this.#enter('lagging', this.#lagMs === undefined ? {} : { lag_ms: this.#lagMs });
  }

  #retire(reason: 'promoted' | 'another_cluster' | 'diverged'): void {
    this.#enter('retired', { reason });
    this.#lagMs = undefined;
    void this.#destroy();
  }

  #enter(state: ReplicaState, fields: Record<string, unknown>): void {
    if (this.#state === state || this.#state === 'retired') return;
    const previous = this.#state;
    this.#state = state;
    const entry = { replica: state, previous, ...fields };
    if (state === 'in_use') this.#log?.info(entry, 'read replica in use');
    else if (state === 'retired') this.#log?.warn(entry, 'read replica retired: record reads stay on the primary');
    else this.#log?.warn(entry, `read replica ${state}: record reads go to the primary`);
  }
}

/**
 * `db` with a read replica beside it: its monitor starts at once, and record reads through
 * `replicaRead(result, …)` may go to it. Closing the result closes both. Throws
 * `invalid_database_url` unless both are PostgreSQL.
 *
 * @example
 * ```ts
 * const db = attachReplica(await openDatabase(primaryUrl), { url: replicaUrl, maxLagS: 5 });
 * const records = await replicaRead(db, (reader) => readRecords(reader, citizenId, query));
 * ```
 */
export function attachReplica(db: Database, options: ReplicaOptions): Database {
  const target = parseDatabaseUrl(options.url);
  if (db.dialect !== 'postgres' || target.dialect !== 'postgres') {
    throw new DatabaseError(
      'invalid_database_url',
      'a read replica needs PostgreSQL for both the primary and the replica',
    );
  }
  if (db.reads) throw new Error('the database already has a read replica');
  return withReads(db, new ReplicaReads(db, replicaKysely(target.connectionString ?? options.url), options));
}

/**
 * Runs a read that may be a little stale: on the replica when `db` has one in use, else on `db`
 * itself; a read that fails on the replica runs again on the primary. Only for reads whose
 * repositories take a `StaleReader` (records, the provision history): never for what decides
 * access, which must see the latest write.
 *
 * @example
 * ```ts
 * const stored = await replicaRead(db, (reader) => readRecordsJson(reader, citizenId, query));
 * ```
 */
export function replicaRead<T>(db: Database, read: (reader: StaleReader) => Promise<T>): Promise<T> {
  const reads = db.reads;
  return reads === undefined ? read(db) : reads.run(read);
}
