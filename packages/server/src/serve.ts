import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from './app.js';
import type { Config } from './config/config.js';
import { productionRealm, sandboxRealm } from './config/realms.js';
import type { Database } from './db/index.js';

export interface RunningServer {
  app: FastifyInstance;
  /** The URL the server answers at, with the port actually bound (PORT=0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

/** Builds the platform and listens; closing stops the server and then the database. */
export async function serve(
  config: Config,
  db: Database,
  options: Omit<AppOptions, 'config' | 'db'> = {},
): Promise<RunningServer> {
  const running = await listen(config, db, options);
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
 * (`config/realms.ts`): two listeners over one database. Closing stops both, then the database.
 */
export async function serveRealms(
  config: Config,
  db: Database,
  options: Omit<AppOptions, 'config' | 'db'> = {},
): Promise<RunningRealms> {
  const production = await listen(productionRealm(config), db, options);
  const sandboxConfig = sandboxRealm(config);
  let sandbox: RunningServer | undefined;
  try {
    // One audit log for both realms, checkpointed by production with production's keys.
    sandbox = sandboxConfig && (await listen(sandboxConfig, db, { ...options, auditCheckpoints: false }));
  } catch (error) {
    await production.close();
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
