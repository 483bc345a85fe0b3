/**
 * Starts an example backend as its own process (`node examples/<name>/dist/server.mjs`), from the
 * environment `healthbank start` passes (or an operator sets):
 *
 * | variable | |
 * | --- | --- |
 * | `HEALTHBANK_ISSUER` | the platform's issuer (required) |
 * | `EXAMPLE_PORT`, `EXAMPLE_HOST` | where to listen (default the app's port, 127.0.0.1) |
 * | `EXAMPLE_PUBLIC_URL` | the app's own origin (default `http://localhost:<port>`) |
 * | `EXAMPLE_DATA_DIR` | its SQLite file (`<name>.db`) and, without `EXAMPLE_KEK`, its key file (`keys/kek`) |
 * | `EXAMPLE_KEK` | the key-encryption key, 32 bytes base64url (production: from a secret manager) |
 * | `EXAMPLE_CLIENT_KEY` | the client's private JWK (default: the published sandbox key) |
 * | `EXAMPLE_STAFF_PASSWORD` | the staff accounts' password (default: the sandbox one, printed) |
 */
import { join } from 'node:path';
import type { JWK } from '@healthbank/sdk/webhooks';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { addStaff } from './staff.js';
import { loadKek, Vault } from './vault.js';

export interface ExampleLaunch {
  name: string;
  defaultPort: number;
  sandboxKey: JWK;
  /** The sandbox staff accounts, made (or reset) at every start. */
  staff: { email: string; role: string; name: string }[];
  openDatabase(file: string): Database;
  build(o: {
    publicUrl: string;
    issuer: string;
    clientKey: JWK;
    db: Database;
    vault: Vault;
    webDir: string;
  }): FastifyInstance;
}

export const SANDBOX_STAFF_PASSWORD = 'sandbox-staff-2026';

export async function launch(l: ExampleLaunch, env: NodeJS.ProcessEnv, webDir: string): Promise<void> {
  const issuer = env.HEALTHBANK_ISSUER;
  if (!issuer) throw new Error('HEALTHBANK_ISSUER is required');
  // The sandbox's key, key file and password are published or guessable (ASVS V14.1): production
  // must bring its own.
  if (env.NODE_ENV === 'production') {
    const missing = ['EXAMPLE_KEK', 'EXAMPLE_CLIENT_KEY', 'EXAMPLE_STAFF_PASSWORD', 'EXAMPLE_PUBLIC_URL'].filter(
      (name) => !env[name],
    );
    if (missing.length > 0) throw new Error(`in production ${missing.join(', ')} must be set`);
  }
  const port = Number(env.EXAMPLE_PORT ?? l.defaultPort);
  const publicUrl = (env.EXAMPLE_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, '');
  const dataDir = env.EXAMPLE_DATA_DIR ?? join('data', 'examples', l.name);
  const vault = new Vault(loadKek(env.EXAMPLE_KEK, join(dataDir, 'keys', 'kek')));
  const db = l.openDatabase(join(dataDir, `${l.name}.db`));
  const password = env.EXAMPLE_STAFF_PASSWORD ?? SANDBOX_STAFF_PASSWORD;
  for (const member of l.staff) await addStaff(db, { ...member, password });
  const clientKey = env.EXAMPLE_CLIENT_KEY ? (JSON.parse(env.EXAMPLE_CLIENT_KEY) as JWK) : l.sandboxKey;
  const app = l.build({ publicUrl, issuer, clientKey, db, vault, webDir });
  await app.listen({ host: env.EXAMPLE_HOST ?? '127.0.0.1', port });
  // One line the parent process reads: where this example answers.
  console.log(`${l.name} listening at ${publicUrl}`);
  const stop = async () => {
    await app.close();
    db.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
