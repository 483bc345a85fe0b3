import type { FastifyInstance } from 'fastify';
import { type AppOptions, buildApp } from './app.js';
import type { Config } from './config/config.js';
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
      await db.close();
    },
  };
}
