/**
 * A listening sandbox for browser tests: the diary built, a scratch SQLite database seeded with
 * the personas and a few citizens up to today, the real app on a free loopback port, the sandbox
 * apps registered, and Chromium launched alongside.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { generatePopulation, PERSONA_IDS } from '@healthbank/synth';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { buildApp } from '../../packages/server/src/app.js';
import { registerSandboxApps } from '../../packages/server/src/auth/clients/sandbox.js';
import { freePort } from '../../packages/server/src/auth/testing.js';
import { loadConfig } from '../../packages/server/src/config/config.js';
import type { Database } from '../../packages/server/src/db/index.js';
import { findCitizenByNationalId, seedPopulation } from '../../packages/server/src/db/index.js';
import { createTestDatabase, testDatabases } from '../../packages/server/src/db/testing.js';
import { launchBrowser } from './browser.js';

export interface Sandbox {
  url: string;
  db: Database;
  app: FastifyInstance;
  browser: Browser;
  /** A小姐's citizen id. */
  citizenId: number;
  close(): Promise<void>;
}

/** Today in Taiwan (UTC+8), the day the seeded histories run up to. */
export const taiwanToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

export async function startSandbox(): Promise<Sandbox> {
  execFileSync(process.execPath, [resolve(import.meta.dirname, '../../examples/diabetes-diary/build.mjs')]);
  const [sqlite] = testDatabases();
  if (!sqlite) throw new Error('no SQLite test target');
  const launching = launchBrowser();
  const t = await createTestDatabase(sqlite);
  await seedPopulation(t.db, generatePopulation({ citizens: 3, seed: 'healthbank', asOf: taiwanToday() }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = loadConfig({ NODE_ENV: 'test' }, { databaseUrl: t.url, publicUrl: url, port, host: '127.0.0.1' });
  // The sandbox: persona sign-in, example apps, webhooks to loopback (never in production).
  if (!config.sandbox) throw new Error('NODE_ENV=test should be a sandbox');
  const app = await buildApp({ config, db: t.db });
  await app.listen({ host: '127.0.0.1', port });
  await registerSandboxApps(t.db, { publicUrl: url });
  const citizen = await findCitizenByNationalId(t.db, PERSONA_IDS.A小姐);
  if (!citizen) throw new Error('A小姐 is not in the database');
  const browser = await launching;
  return {
    url,
    db: t.db,
    app,
    browser,
    citizenId: citizen.id,
    async close() {
      await browser.close();
      await app.close();
      await t.dispose();
    },
  };
}
