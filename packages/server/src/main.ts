/**
 * Production entry point: configuration from the environment, migrations, then listen.
 * (The `healthbank start` command does the same and also seeds a sandbox into an empty database.)
 */
import { loadConfig } from './config/config.js';
import { migrateToLatest, openDatabase } from './db/index.js';
import { serve } from './serve.js';

const config = loadConfig();
const db = await openDatabase(config.databaseUrl);
await migrateToLatest(db);
const server = await serve(config, db);
server.app.log.info(`healthbank listening at ${server.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
