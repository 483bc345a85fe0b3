import cluster from 'node:cluster';
import {
  type Config,
  ConfigError,
  type Database,
  loadConfig,
  migrateToLatest,
  populationStats,
  type RunningRealms,
  registerSandboxApps,
  sandboxRealm,
  seedDevelopmentReviewer,
  serveRealms,
} from '@healthbank/server';
import { connect } from '../database.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { EXAMPLE_APPS, exampleDataDir, exampleUrls, type RunningExample, startExample } from './examples.js';
import { seedHistory, seedInto } from './seed.js';
import { reportFailure, reportReady, type ServedUrls, startWorkers, workerCount } from './workers.js';

const count = new Intl.NumberFormat('en-US');

/**
 * Starts the platform: migrate, seed a sandbox into an empty database (about 1,000 synthetic
 * citizens plus the personas), serve production and the sandbox (each its own origin), and print
 * where to go. Resolves with a stop function (calling it again returns the same stop).
 *
 * With `--workers N` (N > 1) this process does all of that but the serving, which N worker
 * processes do on the same ports (`workers.ts`); each worker runs this command again and takes the
 * branch for workers: it only serves.
 */
export async function startCommand(
  io: CliIo,
  flags: { database?: string; port?: string; citizens?: string; workers?: string },
): Promise<() => Promise<void>> {
  const workers = workerCount(flags.workers, io.env.HEALTHBANK_WORKERS);
  let config: Config;
  try {
    config = loadConfig(io.env, {
      ...(flags.database === undefined ? {} : { databaseUrl: flags.database }),
      ...(flags.port === undefined ? {} : { port: Number(flags.port) }),
      ...(flags.citizens === undefined ? {} : { sandboxCitizens: Number(flags.citizens) }),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  if (cluster.isWorker) return serveAsWorker(io, config);
  const examples = examplesOf(io, config);
  const db = await connect(io, config.databaseUrl);
  try {
    await migrateToLatest(db);
    // Synthetic citizens and example apps belong to the sandbox realm only: production serves real
    // citizens, loaded from NHI, and apps that went through review (ASVS V14.1: no test data or
    // test accounts in production).
    const sandbox = sandboxRealm(config);
    if (sandbox && config.environment !== 'production') await prepareSandbox(io, db, sandbox, examples);
    if (config.environment === 'development') await seedDevelopmentReviewer(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  if (workers > 1) {
    // The workers open their own connections; this process keeps none while they serve.
    const stats = await populationStats(db).finally(() => db.close());
    const served = await startWorkers(io, workers);
    const running = await startExamples(io, config, examples);
    io.stdout.write(banner(config, served.urls, running, stats, served.pids()));
    return once(async () => {
      await Promise.all(running.map((e) => e.stop()));
      await served.stop();
    });
  }
  const servers = await serve(config, db);
  const stats = await populationStats(db);
  const urls = servedUrls(servers);
  const running = await startExamples(io, config, examples);
  io.stdout.write(banner(config, urls, running, stats));
  return once(async () => {
    await Promise.all(running.map((e) => e.stop()));
    await servers.close();
  });
}

/**
 * A worker of `--workers N`: serves both realms on the shared ports over the database the primary
 * migrated and seeded, and tells the primary once it does. A worker that cannot serve tells the
 * primary why and exits.
 */
async function serveAsWorker(io: CliIo, config: Config): Promise<() => Promise<void>> {
  try {
    const servers = await serve(config, await connect(io, config.databaseUrl));
    reportReady(servedUrls(servers));
    return once(() => servers.close());
  } catch (error) {
    return reportFailure(error);
  }
}

/** Serves both realms over `db`; a listener that cannot start closes `db` and says why in one line. */
async function serve(config: Config, db: Database): Promise<RunningRealms> {
  try {
    return await serveRealms(config, db);
  } catch (error) {
    await db.close();
    throw listenError(error, config) ?? error;
  }
}

function servedUrls(servers: RunningRealms): ServedUrls {
  return { production: servers.production.url, ...(servers.sandbox ? { sandbox: servers.sandbox.url } : {}) };
}

/** A stop that runs once: a second signal (Ctrl+C, then SIGTERM) waits for the same stop. */
function once(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= stop();
    return stopping;
  };
}

/** What `healthbank start` prints once it serves: where to go. */
function banner(
  config: Config,
  urls: ServedUrls,
  running: RunningExample[],
  stats: { citizens: number; records: number },
  workerPids?: number[],
): string {
  const platform = urls.production;
  const sandboxUrl = urls.sandbox;
  return [
    '',
    'healthbank is running',
    `  Platform   ${platform}/  (production: real citizens, reviewed apps)`,
    ...(sandboxUrl
      ? [
          `  Sandbox    ${sandboxUrl}/  (synthetic citizens and sandbox clients only)`,
          `  Example    ${sandboxUrl}/examples/diabetes-diary/  (connect as A小姐)`,
          ...running.map(
            (e) => `  Example    ${e.url}/  (${EXAMPLE_APPS.find((a) => a.name === e.name)?.title ?? e.name})`,
          ),
          ...(running.length > 0
            ? [`  Staff      password ${SANDBOX_STAFF_PASSWORD} (sandbox staff of the examples)`]
            : []),
          `  Portal     ${sandboxUrl}/me  (a citizen's records, provision history, revocation, deletion)`,
        ]
      : [`  Portal     ${platform}/me  (a citizen's records, provision history, revocation, deletion)`]),
    `  Developers ${platform}/developers  (register an organisation, get a sandbox client)`,
    `  Reviewers  ${platform}/review${config.environment === 'development' ? '  (sign in as reviewer@healthbank.test)' : ''}`,
    `  Health     ${platform}/healthz`,
    ...(sandboxUrl ? [] : [`  Mode       ${config.environment}, no sandbox: real sign-in only`]),
    `  Database   ${config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'PostgreSQL'} (${count.format(stats.citizens)} citizens, ${count.format(stats.records)} records)`,
    ...(sandboxUrl ? ['  Personas   npm run healthbank -- personas'] : []),
    ...(workerPids
      ? [
          `  Workers    ${workerPids.length} processes on these ports (pids ${workerPids.join(', ')}), restarted if one stops`,
        ]
      : []),
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}

/** The sandbox staff accounts' password (examples/common/src/launch.ts), printed for the developer. */
const SANDBOX_STAFF_PASSWORD = 'sandbox-staff-2026';

/**
 * The example apps this start runs: in development, beside a sandbox on a fixed port (their redirect
 * URIs name it), unless `HEALTHBANK_EXAMPLES=false`.
 */
function examplesOf(io: CliIo, config: Config): ReturnType<typeof exampleUrls> | undefined {
  const sandbox = config.sandboxRealm;
  if (config.environment !== 'development' || !sandbox || sandbox.port === 0) return undefined;
  if (io.env.HEALTHBANK_EXAMPLES === 'false') return undefined;
  return exampleUrls(sandbox.port);
}

/** Starts the examples; one that cannot start is reported and the platform runs on without it. */
async function startExamples(
  io: CliIo,
  config: Config,
  urls: ReturnType<typeof exampleUrls> | undefined,
): Promise<RunningExample[]> {
  const issuer = config.sandboxRealm?.publicUrl;
  if (!urls || !issuer) return [];
  const started = await Promise.allSettled(
    EXAMPLE_APPS.map((app) =>
      startExample(app.name, {
        issuer,
        url: urls[app.name],
        dataDir: exampleDataDir(config.databaseUrl, app.name),
        env: io.env,
      }),
    ),
  );
  const running: RunningExample[] = [];
  for (const result of started) {
    if (result.status === 'fulfilled') running.push(result.value);
    else io.stderr.write(`healthbank: an example app did not start: ${(result.reason as Error).message}\n`);
  }
  return running;
}

/**
 * A sandbox start: the example apps (idempotent; it also points their redirect URIs at this start's
 * address) and, into an empty database, the synthetic population with the personas.
 */
async function prepareSandbox(
  io: CliIo,
  db: Database,
  config: Config,
  examples: ReturnType<typeof exampleUrls> | undefined,
): Promise<void> {
  // `config` is the sandbox realm's: its public URL is where the diary is served; the other
  // examples are on origins of their own.
  await registerSandboxApps(db, { publicUrl: config.publicUrl, ...(examples ? { examples } : {}) });
  if ((await populationStats(db)).citizens > 0) return;
  io.stderr.write(
    `seeding a sandbox of ${count.format(config.sandboxCitizens)} synthetic citizens and the personas…\n`,
  );
  await seedInto(io, db, { citizens: config.sandboxCitizens, seed: 'healthbank', asOf: io.today(), personas: true });
  await seedHistory(io, db, config);
}

/** A port that cannot be had is the user's to fix: say which and how, in one line (exit 2). */
function listenError(error: unknown, config: Config): CliError | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') {
    return new CliError(
      `port ${config.port} is already in use (${where}): stop the program using it, or choose another port with --port or PORT`,
    );
  }
  if (code === 'EACCES') {
    return new CliError(`not allowed to listen on ${where}: choose a port above 1023 with --port or PORT`);
  }
  return undefined;
}
