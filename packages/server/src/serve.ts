import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from './app.js';
import type { Clock } from './clock.js';
import type { Config } from './config/config.js';
import { productionRealm, sandboxRealm } from './config/realms.js';
import { attachReplica, type Database } from './db/index.js';

export interface RunningServer {
  app: FastifyInstance;
  /** The URL the server answers at, with the port actually bound (PORT=0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

/**
 * `db` with the read replica `config` names (`DATABASE_REPLICA_URL`) beside it, its lag measured
 * with `clock` (db/replica.ts); `db` itself when none is configured or it already has one.
 */
export function withConfiguredReplica(config: Config, db: Database, clock?: Clock): Database {
  if (!config.databaseReplicaUrl || db.reads) return db;
  return attachReplica(db, {
    url: config.databaseReplicaUrl,
    maxLagS: config.databaseReplicaMaxLagS,
    ...(clock ? { clock } : {}),
  });
}

/**
 * Builds the platform and listens; closing stops the server and then the database (and its read
 * replica, when `config` names one).
 */
export async function serve(
  config: Config,
  primary: Database,
  options: Omit<AppOptions, 'config' | 'db'> = {},
): Promise<RunningServer> {
  const db = withConfiguredReplica(config, primary, options.clock);
  let running: RunningServer;
  try {
    running = await listen(config, db, options);
  } catch (error) {
    // The caller closes the database it gave; the replica attached here is this function's to close.
    if (db !== primary) await db.reads?.close();
    throw error;
  }
  let closed = false;
  return {
    ...running,
    async close() {
      if (closed) return;
      closed = true;
      await running.close();
      await db.close();
    },
  };
}

export interface RunningRealms {
  production: RunningServer;
  /** Absent when the deployment serves no sandbox. */
  sandbox?: RunningServer;
  close(): Promise<void>;
}

/**
 * Serves production at the public URL and, when configured, the sandbox at its own origin
 * (`config/realms.ts`): two listeners over one database (and one read replica, when `config`
 * names one). Closing stops both, then the database.
 */
export async function serveRealms(
  config: Config,
  primary: Database,
  options: Omit<AppOptions, 'config' | 'db'> = {},
): Promise<RunningRealms> {
  const db = withConfiguredReplica(config, primary, options.clock);
  // The caller closes the database it gave; a replica attached here is this function's to close.
  const closeReplica = async () => {
    if (db !== primary) await db.reads?.close();
  };
  let production: RunningServer;
  try {
    production = await listen(productionRealm(config), db, options);
  } catch (error) {
    await closeReplica();
    throw error;
  }
  const sandboxConfig = sandboxRealm(config);
  let sandbox: RunningServer | undefined;
  try {
    // One audit log for both realms, checkpointed by production with production's keys.
    sandbox = sandboxConfig && (await listen(sandboxConfig, db, { ...options, auditCheckpoints: false }));
  } catch (error) {
    await production.close();
    await closeReplica();
    throw error;
  }
  let closed = false;
  return {
    production,
    ...(sandbox ? { sandbox } : {}),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([production.close(), sandbox?.close()]);
      await db.close();
    },
  };
}

/** Builds one realm's app and listens; closing stops it (the database stays open). */
async function listen(
  config: Config,
  db: Database,
  options: Omit<AppOptions, 'config' | 'db'>,
): Promise<RunningServer> {
  const app = await buildApp({ config, db, ...options });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    // A port in use must not leave the app's background work (workers, timers) running.
    await app.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = config.publicUrl.replace(/:\d+$/, '').replace(/\/$/, '');
  let closed = false;
  return {
    app,
    url: config.port === 0 || !/:\d+$/.test(config.publicUrl) ? `${url}:${port}` : config.publicUrl,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}
