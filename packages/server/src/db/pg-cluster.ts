/**
 * Private PostgreSQL clusters for tests, benchmarks and fault injection, made with the machine's
 * own PostgreSQL binaries (Debian's `postgresql` package): `initdb` into a scratch folder,
 * listening on 127.0.0.1 only with trust authentication, removed on `destroy()`. Unlike the shared
 * test server, a cluster can be stopped the hard way (`pg_ctl stop -m immediate`, PostgreSQL's own
 * crash) and started again, and it can have a streaming replica (`createReplica`: `pg_basebackup
 * -R`) whose replay can be paused (a replica lagging on purpose) and which can be promoted.
 *
 * Test and benchmark support only: not exported from the server's public index (`db/index.ts`).
 * `scripts/pg-replica.ts` starts a primary and a replica from the command line (docs/operations.md).
 *
 * @example
 * ```ts
 * const primary = createPgCluster(54331, { fsync: 'off' });
 * const replica = createReplica(primary, 54332);
 * replica.pauseReplay();   // the replica keeps serving, frozen at this point of the primary's history
 * replica.resumeReplay();
 * replica.destroy();
 * primary.destroy();
 * ```
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `pg_ctl stop` modes: `immediate` is a crash (recovery replays the WAL at the next start). */
export type StopMode = 'smart' | 'fast' | 'immediate';

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  port: number;
  /** The extra `-c` server settings it runs with (a replica gets the same by default). */
  settings: Readonly<Record<string, string>>;
  start(): void;
  stop(mode: StopMode): void;
  /** Stops the cluster (as a crash) and deletes its folder. */
  destroy(): void;
  /**
   * Runs SQL with `psql` as the `postgres` superuser in the `postgres` database and returns what
   * it printed (unaligned, without headers), e.g. `sql('select pg_is_in_recovery()')` → `'t'`.
   */
  sql(statement: string, database?: string): string;
}

export interface PgReplica extends PgCluster {
  /** Ends recovery (`pg_ctl promote`): the replica becomes a primary of its own, writable. */
  promote(): void;
  /**
   * Stops applying the primary's WAL (`pg_wal_replay_pause()`): the replica keeps receiving it and
   * answering queries, but its data stays as it is, so its lag grows with every write on the
   * primary. Returns once replay is paused.
   */
  pauseReplay(): void;
  /** Applies the WAL again (`pg_wal_replay_resume()`). */
  resumeReplay(): void;
  /** Resolves once the replica has replayed everything the primary had written when called. */
  caughtUp(timeoutMs?: number): Promise<void>;
}

/** The newest PostgreSQL's `bin` folder on this machine, or undefined. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest ? join(root, newest, 'bin') : undefined;
}

/** PostgreSQL refuses to run as root; as root, the cluster belongs to the `postgres` user. */
const asRoot = process.getuid?.() === 0;

function run(bin: string, args: string[]): string {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

function binaries(): string {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  return bin;
}

/** A scratch folder the cluster's user owns. */
function scratchFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'healthbank-pg-'));
  if (asRoot) chownSync(root, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), 0);
  return root;
}

/** The cluster in `root/data`, not started. */
function clusterAt(bin: string, root: string, port: number, settings: Record<string, string>): PgCluster {
  const data = join(root, 'data');
  const options = [
    `-p ${port}`,
    `-k ${root}`,
    '-c listen_addresses=127.0.0.1',
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ');
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    settings: { ...settings },
    // -w waits until the server accepts connections (after crash recovery, when there was one).
    start: () => void run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(root, 'log'), '-w', '-o', options, 'start']),
    stop: (mode) => void run(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']),
    destroy() {
      try {
        cluster.stop('immediate');
      } catch {
        // Already stopped.
      }
      rmSync(root, { recursive: true, force: true });
    },
    sql: (statement, database = 'postgres') =>
      run(join(bin, 'psql'), [
        '-X',
        '-q',
        '-A',
        '-t',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        database,
        '-c',
        statement,
      ]).trim(),
  };
  return cluster;
}

/**
 * Creates and starts a cluster on `port`. `settings` are extra `-c` server settings
 * (e.g. `{ max_connections: '200' }`, or `{ fsync: 'off' }` for tests that never crash it);
 * durability settings are left at PostgreSQL's defaults. PostgreSQL's defaults also make it a
 * primary that replicas can stream from (`wal_level = replica`, ten WAL senders, and initdb's
 * trust rule for replication connections from 127.0.0.1).
 */
export function createPgCluster(port: number, settings: Record<string, string> = {}): PgCluster {
  const bin = binaries();
  const root = scratchFolder();
  run(join(bin, 'initdb'), ['-D', join(root, 'data'), '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const cluster = clusterAt(bin, root, port, settings);
  cluster.start();
  return cluster;
}

/**
 * Creates and starts a streaming replica of a running `primary` on `port`: a base backup with
 * `pg_basebackup -R` (which writes `standby.signal` and the `primary_conninfo` to stream from),
 * started with the primary's settings unless others are given. It answers read-only queries (hot
 * standby) and applies the primary's changes as they come, usually within milliseconds.
 */
export function createReplica(
  primary: PgCluster,
  port: number,
  settings: Record<string, string> = { ...primary.settings },
): PgReplica {
  const bin = binaries();
  const root = scratchFolder();
  // -X stream: the WAL written during the copy comes along, so the replica starts consistent;
  // -c fast: the backup's checkpoint now rather than spread over minutes.
  run(join(bin, 'pg_basebackup'), [
    '-h',
    '127.0.0.1',
    '-p',
    String(primary.port),
    '-U',
    'postgres',
    '-D',
    join(root, 'data'),
    '-R',
    '-X',
    'stream',
    '-c',
    'fast',
    '--no-sync',
  ]);
  const cluster = clusterAt(bin, root, port, settings);
  cluster.start();
  const replica: PgReplica = {
    ...cluster,
    promote: () => void run(join(bin, 'pg_ctl'), ['-D', join(root, 'data'), '-w', 'promote']),
    pauseReplay() {
      cluster.sql('select pg_wal_replay_pause()');
      // PostgreSQL 14+: a pause is first only requested; the startup process pauses at its next record.
      for (let i = 0; i < 500 && cluster.sql('select pg_get_wal_replay_pause_state()') !== 'paused'; i++) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    },
    resumeReplay: () => void cluster.sql('select pg_wal_replay_resume()'),
    async caughtUp(timeoutMs = 10_000) {
      const target = primary.sql('select pg_current_wal_flush_lsn()');
      const deadline = Date.now() + timeoutMs;
      while (cluster.sql(`select pg_last_wal_replay_lsn() >= '${target}'::pg_lsn`) !== 't') {
        if (Date.now() > deadline)
          throw new Error(`the replica on port ${port} did not catch up within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
  return replica;
}
