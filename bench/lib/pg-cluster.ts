/**
 * A private PostgreSQL cluster for benchmarks and fault injection, made with the machine's own
 * PostgreSQL binaries (Debian's `postgresql` package): `initdb` into a scratch folder, listening on
 * 127.0.0.1 only with trust authentication, removed on `destroy()`. Unlike the shared test server,
 * it can be stopped the hard way (`pg_ctl stop -m immediate`, PostgreSQL's own crash) and started
 * again.
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
  start(): void;
  stop(mode: StopMode): void;
  destroy(): void;
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

function run(bin: string, args: string[]): void {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  execFileSync(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Creates and starts a cluster on `port`. `settings` are extra `-c` server settings
 * (e.g. `{ max_connections: '200' }`); durability settings are left at PostgreSQL's defaults.
 */
export function createPgCluster(port: number, settings: Record<string, string> = {}): PgCluster {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const root = mkdtempSync(join(tmpdir(), 'healthbank-pg-'));
  if (asRoot) chownSync(root, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()), 0);
  const data = join(root, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  const options = [
    `-p ${port}`,
    `-k ${root}`,
    '-c listen_addresses=127.0.0.1',
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ');
  const cluster: PgCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    // -w waits until the server accepts connections (after crash recovery, when there was one).
    start: () => run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(root, 'log'), '-w', '-o', options, 'start']),
    stop: (mode) => run(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']),
    destroy() {
      try {
        cluster.stop('immediate');
      } catch {
        // Already stopped.
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  cluster.start();
  return cluster;
}
