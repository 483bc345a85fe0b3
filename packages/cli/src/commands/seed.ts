import { isIsoDate } from '@healthbank/records';
import type { Config } from '@healthbank/server';
import { type Database, migrateToLatest, populationStats, seedPopulation } from '@healthbank/server/db';
import { generatePopulation, populationSize } from '@healthbank/synth';
import { withDatabase } from '../database.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';
import { ProgressBar } from '../progress.js';

/** National IDs get a distinct 7-digit serial per citizen, which bounds one population. */
export const MAX_CITIZENS = 9_000_000;

export interface SeedOptions {
  citizens: number;
  seed: string;
  asOf: string;
  personas: boolean;
}

export function parseSeedOptions(
  io: CliIo,
  raw: { citizens?: string; seed?: string; asOf?: string; personas?: boolean },
): SeedOptions {
  const citizens = Number(raw.citizens);
  if (raw.citizens === undefined || !/^\d+$/.test(raw.citizens) || citizens > MAX_CITIZENS) {
    throw new CliError(`--citizens must be a whole number from 0 to ${MAX_CITIZENS.toLocaleString('en-US')}`);
  }
  const asOf = raw.asOf ?? io.today();
  if (!isIsoDate(asOf)) throw new CliError(`invalid --as-of date "${asOf}" (expected YYYY-MM-DD)`);
  return { citizens, seed: raw.seed ?? 'healthbank', asOf, personas: raw.personas ?? true };
}

const rate = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * Streams a synthetic population into an empty database with a progress bar. Refuses a database
 * that already has citizens: the generator's identities would collide with theirs.
 */
export async function seedInto(
  io: CliIo,
  db: Database,
  opts: SeedOptions,
): Promise<{ citizens: number; records: number }> {
  await migrateToLatest(db);
  const existing = await populationStats(db);
  if (existing.citizens > 0) {
    throw new CliError(
      `the database already holds ${rate.format(existing.citizens)} citizens; seed an empty database (another --database or DATABASE_URL)`,
    );
  }
  const total = populationSize(opts);
  const bar = new ProgressBar({ total, unit: 'citizens', rateUnit: 'records', stream: io.stderr });
  const started = performance.now();
  const result = await seedPopulation(db, generatePopulation(opts), {
    onProgress: (p) => bar.update(p.citizens, p.records),
  });
  bar.finish();
  const seconds = (performance.now() - started) / 1000;
  io.stderr.write(
    `seeded ${rate.format(result.citizens)} citizens and ${rate.format(result.records)} records in ${seconds.toFixed(1)}s (${rate.format(result.records / seconds)} records/s)\n`,
  );
  return result;
}

/**
 * Gives the personas (with the sandbox apps registered) a past with the sandbox's example apps (consents, files, a revocation, an
 * answered deletion request), so the portal's history and the audit log are not empty.
 */
export async function seedHistory(io: CliIo, db: Database, config: Config): Promise<void> {
  // The platform (oidc-provider and all) loads only for the commands that need it, as for start.
  const { seedSandboxHistory } = await import('@healthbank/server');
  const history = await seedSandboxHistory(db, config, Date.now());
  if (history.consents === 0) return;
  io.stderr.write(
    `gave the personas a history: ${history.consents} consents, ${history.files} files, ${history.revocations} revocation, ${history.deletionRequests} answered deletion request\n`,
  );
}

export async function seedCommand(
  io: CliIo,
  raw: { database?: string; citizens?: string; seed?: string; asOf?: string; personas?: boolean },
): Promise<void> {
  const opts = parseSeedOptions(io, raw);
  await withDatabase(io, raw.database, async (db) => {
    await seedInto(io, db, opts);
    if (!opts.personas) return;
    const { ConfigError, loadConfig } = await import('@healthbank/server');
    let config: Config;
    try {
      config = loadConfig(io.env, raw.database === undefined ? {} : { databaseUrl: raw.database });
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(error.message);
      throw error;
    }
    // Example apps and their history are sandbox data (ASVS V14.1: none in production).
    const { registerSandboxApps, sandboxRealm } = await import('@healthbank/server');
    const sandbox = config.environment === 'production' ? undefined : sandboxRealm(config);
    if (!sandbox) return;
    await registerSandboxApps(db, { publicUrl: sandbox.publicUrl });
    await seedHistory(io, db, sandbox);
  });
}
