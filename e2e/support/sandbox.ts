/**
 * A listening sandbox for browser tests: the diary built, a scratch SQLite database seeded with
 * the personas and a few citizens up to today, the real app on a free loopback port, the sandbox
 * apps registered, and Chromium launched alongside.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generatePopulation, PERSONA_IDS } from '@healthbank/synth';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { type RunningExample, startExample } from '../../packages/cli/src/commands/examples.js';
import { buildApp } from '../../packages/server/src/app.js';
import { type ExampleOrigin, registerSandboxApps } from '../../packages/server/src/auth/clients/sandbox.js';
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
  /** The example apps started as their own processes, by name: their URLs and data directories. */
  examples: Partial<Record<ExampleOrigin, { url: string; dataDir: string }>>;
  close(): Promise<void>;
}

/** The sandbox staff password the example backends use when none is set. */
export { SANDBOX_STAFF_PASSWORD as EXAMPLE_STAFF_PASSWORD } from '../../examples/common/src/launch.js';

/** Today in Taiwan (UTC+8), the day the seeded histories run up to. */
export const taiwanToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

export async function startSandbox(opts: { examples?: ExampleOrigin[] } = {}): Promise<Sandbox> {
  execFileSync(process.execPath, [resolve(import.meta.dirname, '../../examples/diabetes-diary/build.mjs')]);
  const exampleNames = opts.examples ?? [];
  if (exampleNames.length > 0) {
    execFileSync(process.execPath, [resolve(import.meta.dirname, '../../examples/common/build.mjs'), ...exampleNames]);
  }
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
  // Each example on an origin of its own (localhost, another host than the sandbox's 127.0.0.1).
  const examples: Sandbox['examples'] = {};
  for (const name of exampleNames) {
    examples[name] = { url: `http://localhost:${await freePort()}`, dataDir: mkdtempSync(join(tmpdir(), `${name}-`)) };
  }
  const exampleUrls = Object.fromEntries(Object.entries(examples).map(([name, e]) => [name, e.url]));
  await registerSandboxApps(t.db, { publicUrl: url, examples: exampleUrls });
  const running: RunningExample[] = await Promise.all(
    Object.entries(examples).map(([name, e]) =>
      startExample(name as ExampleOrigin, { issuer: url, url: e.url, dataDir: e.dataDir }),
    ),
  );
  const citizen = await findCitizenByNationalId(t.db, PERSONA_IDS.A小姐);
  if (!citizen) throw new Error('A小姐 is not in the database');
  const browser = await launching;
  return {
    url,
    db: t.db,
    app,
    browser,
    citizenId: citizen.id,
    examples,
    async close() {
      await Promise.all(running.map((e) => e.stop()));
      for (const e of Object.values(examples)) rmSync(e.dataDir, { recursive: true, force: true });
      await browser.close();
      await app.close();
      await t.dispose();
    },
  };
}
