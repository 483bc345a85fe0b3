/**
 * A PostgreSQL primary and a streaming replica of it on this machine, for benchmarks and for
 * trying `DATABASE_REPLICA_URL` (docs/operations.md, "Read replicas"): two private clusters made
 * with the machine's own PostgreSQL binaries (`packages/server/src/db/pg-cluster.ts`: initdb, then
 * `pg_basebackup -R`), listening on 127.0.0.1 with trust authentication. Prints both URLs and runs
 * until Ctrl+C (or SIGTERM), which stops and deletes both.
 *
 *   npm run pg:replica                                    # primary on 54331, replica on 54332
 *   npm run pg:replica -- --port 6432 --replica-port 6433 --no-fsync
 */
import { parseArgs } from 'node:util';
import {
  createPgCluster,
  createReplica,
  type PgCluster,
  postgresBinaries,
} from '../packages/server/src/db/pg-cluster.js';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '54331' },
    'replica-port': { type: 'string', default: '54332' },
    // Faster, for throwaway runs: a crash of this machine may then corrupt both clusters.
    'no-fsync': { type: 'boolean', default: false },
  },
});

function port(name: 'port' | 'replica-port'): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    process.stderr.write(`--${name} must be a port number\n`);
    process.exit(2);
  }
  return value;
}

if (!postgresBinaries()) {
  process.stderr.write('PostgreSQL is not installed (apt-get install postgresql)\n');
  process.exit(2);
}

const made: PgCluster[] = [];
function destroyAll(): void {
  for (const cluster of made.reverse()) cluster.destroy();
  made.length = 0;
}

try {
  const primary = createPgCluster(port('port'), args['no-fsync'] ? { fsync: 'off' } : {});
  made.push(primary);
  const replica = createReplica(primary, port('replica-port'));
  made.push(replica);
  process.stdout.write(
    [
      `primary  ${primary.url}`,
      `replica  ${replica.url}  (streaming from the primary, read-only)`,
      '',
      'For example:',
      `  DATABASE_URL=${primary.url} DATABASE_REPLICA_URL=${replica.url} npx healthbank start`,
      '',
      'Ctrl+C stops and deletes both.',
      '',
    ].join('\n'),
  );
} catch (error) {
  destroyAll();
  const stderr = (error as { stderr?: unknown }).stderr;
  process.stderr.write(`${String(stderr || (error as Error).message).trim()}\n`);
  process.exit(2);
}

// Signal handlers alone do not keep Node running.
const keepAlive = setInterval(() => {}, 2 ** 30);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(keepAlive);
    destroyAll();
  });
}
