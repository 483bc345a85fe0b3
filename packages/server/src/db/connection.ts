import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  type Compilable,
  CompiledQuery,
  Kysely,
  type KyselyConfig,
  PostgresDialect,
  type QueryResult,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { DatabaseError } from './errors.js';
import type { ReplicaReads } from './replica.js';
import type { Schema } from './schema.js';
import { cachingStatements } from './statement-cache.js';
import { type Dialect, parseDatabaseUrl, redactDatabaseUrl } from './url.js';

/** An open database: Kysely for queries, the dialect for the few places SQL differs. */
export interface Database {
  readonly kysely: Kysely<Schema>;
  readonly dialect: Dialect;
  /**
   * The read replica beside this (primary) database, when `DATABASE_REPLICA_URL` names one
   * (`db/replica.ts`). Never read it directly: `replicaRead(db, (reader) => …)` picks the replica
   * or the primary by the replica's health and lag, and retries on the primary.
   */
  readonly reads?: ReplicaReads;
  /** Closes the connection (SQLite) or the pool (PostgreSQL). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * What a read that may be a little stale runs on: the primary `Database` itself, or the read
 * replica inside `replicaRead` (at most `DATABASE_REPLICA_MAX_LAG_S` behind). Repositories take
 * one only for data where that is harmless: records and the provision history. Everything that
 * decides access (consents, tickets, tokens, sign-in, audit) takes a `Database`, which a replica
 * handle is not (it has no `close`), so the compiler refuses to read those from the replica.
 */
export interface StaleReader {
  readonly kysely: Kysely<Schema>;
  readonly dialect: Dialect;
}

/** The driver handle under Kysely, for bulk paths that Kysely's query compiler would slow down. */
export type NativeHandle =
  | { dialect: 'sqlite'; sqlite: SqliteDatabase.Database }
  | { dialect: 'postgres'; pool: pg.Pool };

const natives = new WeakMap<Database, NativeHandle>();

/** The driver handle of a database opened by {@link openDatabase}. Internal to the storage layer. */
export function nativeHandle(db: Database): NativeHandle {
  const native = natives.get(db);
  if (!native) throw new TypeError('not a database opened by openDatabase()');
  return native;
}

/**
 * How long to wait for a connection (a free one from the pool, or PostgreSQL accepting a new one)
 * before calling the database unreachable: a request during an outage gets its 503 well within
 * 5 s instead of hanging (db/availability.ts; `npm run chaos` measures it).
 */
const CONNECT_TIMEOUT_MS = 3_000;
/** SQLite's `synchronous` level for every commit but those of {@link executeWithoutSync}. */
const SYNC_DURABLE = 'FULL';

/** How long SQLite waits for another process's write lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * Opens the database a URL names and checks that it answers (`SELECT 1`). For SQLite the file's
 * folder is created if missing. Failing to connect throws `database_unreachable` with a one-line
 * message that names the target without its password.
 *
 * @example
 * ```ts
 * const db = await openDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
 * await migrateToLatest(db);
 * await db.close();
 * ```
 */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const target = parseDatabaseUrl(url);
  return target.dialect === 'postgres'
    ? openPostgres(target.connectionString ?? url, options)
    : openSqlite(target.path ?? ':memory:', options);
}

export interface OpenOptions {
  /**
   * Fail with `database_missing` instead of creating the SQLite file and its folder: for commands
   * that only read, which must leave no trace when pointed at the wrong place.
   */
  mustExist?: boolean;
  /**
   * Called with the SQL text of every statement run through Kysely, after it ran: for tests that
   * inspect what a journey asks of the database (`db/citizen-key.int.test.ts`). Parameters are not
   * passed, so no record contents or national IDs reach the observer.
   */
  onQuery?: (sql: string) => void;
}

function openSqlite(path: string, { mustExist = false, onQuery }: OpenOptions): Database {
  if (mustExist && path !== ':memory:' && !existsSync(path)) {
    throw new DatabaseError(
      'database_missing',
      `no database at ${path}: start the platform once (npm start), or run healthbank migrate and healthbank seed`,
    );
  }
  let handle: SqliteDatabase.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    handle = new SqliteDatabase(path);
    // Wait for a concurrent writer (e.g. `healthbank seed` while the server runs) instead of
    // failing at once with SQLITE_BUSY. Set first so that the journal-mode switch below waits too.
    handle.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Write-ahead log: readers keep reading while one writer commits, and a commit appends to the
    // log instead of rewriting pages in place.
    handle.pragma('journal_mode = WAL');
    // In WAL mode NORMAL can lose the last commits on power loss; FULL syncs the log at every
    // commit, so a consent, an audit entry or a seeded batch that was acknowledged stays written.
    handle.pragma(`synchronous = ${SYNC_DURABLE}`);
    // SQLite enforces foreign keys only when asked, per connection; records must never outlive
    // or point past their citizen.
    handle.pragma('foreign_keys = ON');
    handle.prepare('SELECT 1').get();
  } catch (error) {
    throw new DatabaseError('database_unreachable', `cannot open SQLite database at ${path}: ${describe(error)}`, {
      cause: error,
    });
  }
  const kysely = new Kysely<Schema>({
    dialect: immediateTransactions(
      rollbackTolerant(new SqliteDialect({ database: cachingStatements(handle) }), handle),
    ),
    ...observed(onQuery),
  });
  return register(kysely, 'sqlite', { dialect: 'sqlite', sqlite: handle });
}

/**
 * SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR, out of
 * memory). Kysely then issues ROLLBACK anyway, which fails with "cannot rollback - no transaction
 * is active" and replaces the error that mattered: a full disk surfaced as an internal error
 * instead of `storage_full` (found by `npm run chaos`). Here ROLLBACK is skipped when SQLite has
 * no transaction open, as SQLite's documentation of those errors advises.
 */
function rollbackTolerant(dialect: SqliteDialect, handle: SqliteDatabase.Database): SqliteDialect {
  const createDriver = dialect.createDriver.bind(dialect);
  dialect.createDriver = () => {
    const driver = createDriver();
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.rollbackTransaction = async (connection) => {
      if (handle.inTransaction) await rollback(connection);
    };
    return driver;
  };
  return dialect;
}

/**
 * Transactions begin with `BEGIN IMMEDIATE`, taking SQLite's write lock at once (waiting up to the
 * busy timeout for it). Kysely's plain `BEGIN` is deferred: a transaction that reads before it
 * writes (the audit chain's head, a code's row) fails at its first write with SQLITE_BUSY, or
 * SQLITE_BUSY_SNAPSHOT when another process committed since its read, without waiting, whenever
 * several processes share the file (`healthbank start --workers`, `healthbank seed` beside a
 * server). Within one process nothing changes: Kysely runs one transaction at a time on SQLite's
 * one connection.
 */
function immediateTransactions(dialect: SqliteDialect): SqliteDialect {
  const createDriver = dialect.createDriver.bind(dialect);
  dialect.createDriver = () => {
    const driver = createDriver();
    driver.beginTransaction = async (connection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  };
  return dialect;
}

async function openPostgres(connectionString: string, { onQuery }: OpenOptions): Promise<Database> {
  const pool = postgresPool(connectionString, 'healthbank');
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), ...observed(onQuery) });
  try {
    await sql`select 1`.execute(kysely);
  } catch (error) {
    await kysely.destroy().catch(() => {});
    const password = passwordOf(connectionString);
    let reason = describe(error);
    if (password) reason = reason.replaceAll(password, '***');
    throw new DatabaseError(
      'database_unreachable',
      `cannot connect to PostgreSQL at ${describeServer(connectionString)}: ${reason}`,
      { cause: error },
    );
  }
  return register(kysely, 'postgres', { dialect: 'postgres', pool });
}

/**
 * Kysely over a pool to a read replica, with the primary's pool settings. It connects at its first
 * query, not here: a replica that is down must not keep the platform from starting, since the
 * primary can serve every read (`db/replica.ts` finds out and routes around it).
 */
export function replicaKysely(connectionString: string): Kysely<Schema> {
  // A distinct application_name tells the replica's connections apart in pg_stat_activity.
  return new Kysely<Schema>({
    dialect: new PostgresDialect({ pool: postgresPool(connectionString, 'healthbank-replica') }),
  });
}

/** A pool to PostgreSQL with the platform's connection settings, not yet connected. */
function postgresPool(connectionString: string, applicationName: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // TCP keepalive finds a connection to a server that vanished without closing it.
    keepAlive: true,
    application_name: applicationName,
  });
  // An idle pooled connection that the server drops emits 'error' on the pool; without a
  // listener Node would exit. The pool discards that client and the next query reconnects or
  // fails with its own error, so there is nothing more to do here.
  pool.on('error', () => {});
  // A client that is checked out (between two statements of a transaction) has no such listener:
  // PostgreSQL going away then emitted an unhandled 'error' and killed the process (found by
  // `npm run chaos`). The statement in flight still fails with its own error, and the pool
  // discards the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** Kysely's query log, narrowed to the statement's text. */
function observed(onQuery: OpenOptions['onQuery']): Pick<KyselyConfig, 'log'> {
  return onQuery ? { log: (event) => onQuery(event.query.sql) } : {};
}

/**
 * Runs one write that may be lost on power failure without waiting for the disk: on SQLite its
 * commit does not sync the write-ahead log (`synchronous = NORMAL` for this statement only); the
 * next ordinary commit syncs it along with its own, because the log is synced in order. The
 * database stays consistent either way: a crash can only forget the newest such writes, never
 * half of one. On PostgreSQL it is an ordinary, durable write.
 *
 * Only for state whose loss fails closed, such as the authorization server's short-lived
 * artifacts (a forgotten token stops working; see the adapter). Deletions and anything a citizen
 * or an auditor relies on (consents, revocations, export history) must use ordinary writes.
 */
export async function executeWithoutSync<R>(
  db: Database,
  query: Compilable<R> | CompiledQuery<R>,
): Promise<QueryResult<R>> {
  const native = nativeHandle(db);
  if (native.dialect !== 'sqlite') return db.kysely.executeQuery(query);
  // Holding Kysely's only SQLite connection keeps every other query out while the level is lowered.
  return db.kysely.connection().execute(async (connection) => {
    native.sqlite.pragma('synchronous = NORMAL');
    try {
      return await connection.executeQuery(query);
    } finally {
      native.sqlite.pragma(`synchronous = ${SYNC_DURABLE}`);
    }
  });
}

/**
 * `db` with a read replica beside it: the same primary, with `reads` set; closing it stops the
 * replica's monitor and closes both. Internal to the storage layer (`attachReplica`).
 */
export function withReads(db: Database, reads: ReplicaReads): Database {
  let closing: Promise<void> | undefined;
  const attached: Database = {
    kysely: db.kysely,
    dialect: db.dialect,
    reads,
    close() {
      closing ??= reads.close().finally(() => db.close());
      return closing;
    },
  };
  natives.set(attached, nativeHandle(db));
  return attached;
}

function register(kysely: Kysely<Schema>, dialect: Dialect, native: NativeHandle): Database {
  let closing: Promise<void> | undefined;
  const db: Database = {
    kysely,
    dialect,
    close() {
      closing ??= kysely.destroy();
      return closing;
    },
  };
  natives.set(db, native);
  return db;
}

/** `host:port/database` without user or password. */
function describeServer(connectionString: string): string {
  try {
    const u = new URL(connectionString);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `${host}:${u.port || '5432'}${u.pathname.length > 1 ? u.pathname : ''}`;
  } catch {
    return redactDatabaseUrl(connectionString);
  }
}

function passwordOf(connectionString: string): string | undefined {
  try {
    const u = new URL(connectionString);
    return (u.password ? decodeURIComponent(u.password) : undefined) ?? u.searchParams.get('password') ?? undefined;
  } catch {
    return undefined;
  }
}

/** A one-line reason; Node reports a refused dual-stack connect as an AggregateError with no message. */
function describe(error: unknown): string {
  if (error instanceof AggregateError && !error.message) {
    return [...new Set(error.errors.map(describe))].join('; ');
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const message = error.message || (typeof code === 'string' ? code : error.name);
    return message.replace(/\s+/g, ' ').trim();
  }
  return String(error);
}
