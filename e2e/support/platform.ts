/** Starts the real platform on a free loopback port over a fresh database, for browser tests. */
import { loadConfig, type RunningServer, serve } from '@healthbank/server';
import { createTestDatabase, testDatabases } from '@healthbank/server/testing';

export async function startPlatform(): Promise<RunningServer> {
  const [sqlite] = testDatabases();
  if (!sqlite) throw new Error('no SQLite test target');
  const t = await createTestDatabase(sqlite);
  const config = loadConfig({ NODE_ENV: 'test' }, { databaseUrl: t.url, port: 0, host: '127.0.0.1' });
  const server = await serve(config, t.db);
  return {
    ...server,
    async close() {
      await server.close();
      await t.dispose();
    },
  };
}
