/**
 * The platform the HTTP benchmarks load: the real server (`buildApp`) listening on 127.0.0.1 over
 * a scratch database seeded with a synthetic population, with a test organisation registered.
 */
import { generatePopulation } from '@healthbank/synth';
import { sql } from 'kysely';
import { buildApp } from '../../packages/server/src/app.js';
import { registerOrganisation } from '../../packages/server/src/auth/clients/organisations.js';
import { freePort, type TestPlatform } from '../../packages/server/src/auth/testing.js';
import { loadConfig } from '../../packages/server/src/config/config.js';
import { type Database, type InsertCounts, seedPopulation } from '../../packages/server/src/db/index.js';
import { createTestDatabase, type TestTarget } from '../../packages/server/src/db/testing.js';

/** What the bench helpers need of a platform: where it answers, its database and its test organisation. */
export type PlatformRef = Pick<TestPlatform, 'url' | 'db' | 'organisationId'>;

/**
 * Starts the platform; `platform.close()` stops the server and deletes the scratch database.
 * The OAuth rate limit is raised out of the way: every request of a benchmark comes from one address.
 */
export async function startSeededPlatform(
  target: TestTarget,
  opts: { citizens: number; seed: string; asOf: string; prefix: string },
): Promise<{ platform: TestPlatform; seeded: InsertCounts }> {
  const scratch = await createTestDatabase(target, { prefix: opts.prefix });
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    const seeded = await seedPopulation(
      scratch.db,
      generatePopulation({ citizens: opts.citizens, seed: opts.seed, asOf: opts.asOf }),
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // An empty environment: nothing from the caller's shell (DATABASE_URL, LOG_LEVEL …) leaks in.
    const config = loadConfig(
      {},
      {
        databaseUrl: scratch.url,
        publicUrl: url,
        host: '127.0.0.1',
        port,
        logLevel: 'warn',
        oauthRateLimit: 1_000_000,
      },
    );
    app = await buildApp({ config, db: scratch.db });
    await app.listen({ host: '127.0.0.1', port });
    const org = await registerOrganisation(scratch.db, {
      type: 'company',
      name: '效能測試股份有限公司',
      identifier: '24502181',
    });
    const running = app;
    const platform: TestPlatform = {
      url,
      config,
      db: scratch.db,
      app: running,
      organisationId: org.id,
      async close() {
        await running.close();
        await scratch.dispose();
      },
    };
    return { platform, seeded };
  } catch (error) {
    await app?.close();
    await scratch.dispose();
    throw error;
  }
}

/**
 * PostgreSQL: the backends connected to the bench's scratch database and the server-wide writer
 * processes our writes keep busy. SQLite runs inside the server, so there are none.
 */
export function databaseProcesses(db: Database): (() => Promise<number[]>) | undefined {
  if (db.dialect !== 'postgres') return undefined;
  return async () => {
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity
      where datname = current_database()
        or backend_type in ('walwriter', 'checkpointer', 'background writer')`.execute(db.kysely);
    return rows.map((r) => Number(r.pid));
  };
}
