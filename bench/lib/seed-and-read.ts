/**
 * Seeding a scratch database with the synthetic population in two steps (to `small`, then to
 * `large` citizens) and timing reads of one heavy citizen's whole record set after each: shared by
 * the storage benchmark (SQLite and PostgreSQL) and the scale benchmark (PostgreSQL, partitioned).
 */
import { stat } from 'node:fs/promises';
import { CATEGORY_IDS, type CitizenRecords } from '@healthbank/records';
import { generatePopulation, PERSONA_COUNT } from '@healthbank/synth';
import { sql } from 'kysely';
import {
  type Database,
  findCitizenByNationalId,
  readRecords,
  seedPopulation,
} from '../../packages/server/src/db/index.js';
import { createTestDatabase, type TestDatabase } from '../../packages/server/src/db/testing.js';
import { progressLine } from './progress.js';
import { timeRuns } from './stats.js';

export const SEED = 'healthbank-bench';
export const AS_OF = '2025-06-30';
export const BATCH_CITIZENS = 500;
/** Batches generated ahead and then seeded together (4,000 citizens, about 600 MB of records). */
export const WINDOW_BATCHES = 8;
export const READS = 300;
export const WARMUP = 30;

/** The two population sizes: `HEALTHBANK_BENCH_SCALE`, default `10000,200000`. */
export function populationSizes(): [number, number] {
  const [small, large] = (process.env.HEALTHBANK_BENCH_SCALE ?? '10000,200000').split(',').map(Number);
  if (
    !small ||
    !large ||
    !Number.isInteger(small) ||
    !Number.isInteger(large) ||
    small <= PERSONA_COUNT ||
    large <= small
  ) {
    throw new Error(`HEALTHBANK_BENCH_SCALE must be two increasing whole numbers above ${PERSONA_COUNT}`);
  }
  return [small, large];
}

export interface Phase {
  citizens: number;
  records: number;
  insertMs: number;
}

export interface TargetResult {
  label: 'sqlite' | 'postgres';
  phases: Phase[];
  reads: { citizens: number; samplesMs: number[] }[];
  diskBytes: number;
}

export interface Heavy {
  nationalId: string;
  payloads: string[];
}

/** Generator time and output over all passes: the baseline that seeding rates compare with. */
export const generator = { records: 0, ms: 0 };

/** Seeds one database to `small` citizens, reads, seeds on to `large`, reads again. */
export async function runTarget(
  label: TargetResult['label'],
  scratch: TestDatabase,
  small: number,
  large: number,
  /** Runs on the database seeded to `small` citizens, after its reads were timed. */
  atSmall?: (db: Database, heavy: Heavy) => Promise<void>,
): Promise<{ result: TargetResult; heavy: Heavy }> {
  const { db } = scratch;
  const population = generatePopulation({ citizens: large - PERSONA_COUNT, seed: SEED, asOf: AS_OF })[
    Symbol.iterator
  ]();
  const result: TargetResult = { label, phases: [], reads: [], diskBytes: 0 };
  let citizens = 0;
  let records = 0;
  let heavy: Heavy | undefined;

  // Generation happens between windows, untimed; each window of pre-generated batches is then
  // written through seedPopulation (two batches at once on PostgreSQL), so the insert time is the
  // product's seeding path alone, as the generator-free figures before it were.
  const seedUpTo = async (until: number) => {
    const phase: Phase = { citizens: until, records: 0, insertMs: 0 };
    const progress = progressLine(`${label}: seeding to ${until.toLocaleString('en-US')} citizens`, citizens, until);
    while (citizens < until) {
      const t0 = performance.now();
      const window: CitizenRecords[] = [];
      while (window.length < BATCH_CITIZENS * WINDOW_BATCHES && citizens + window.length < until) {
        const next = population.next();
        if (next.done) break;
        window.push(next.value);
        if (citizens + window.length <= small && next.value.records.length > (heavy?.payloads.length ?? -1)) {
          heavy = {
            nationalId: next.value.citizen.nationalId,
            payloads: next.value.records.map((r) => JSON.stringify(r)),
          };
        }
      }
      generator.ms += performance.now() - t0;
      if (window.length === 0) throw new Error('the generator ended early');
      const t1 = performance.now();
      const before = { citizens, records };
      const written = await seedPopulation(db, window, {
        batchSize: BATCH_CITIZENS,
        onProgress: (p) => {
          const rate = Math.round((phase.records + p.records) / ((phase.insertMs + performance.now() - t1) / 1000));
          progress.update(
            before.citizens + p.citizens,
            `${(before.records + p.records).toLocaleString('en-US')} records · ${rate.toLocaleString('en-US')} records/s`,
          );
        },
      });
      phase.insertMs += performance.now() - t1;
      phase.records += written.records;
      generator.records += written.records;
      citizens += written.citizens;
      records += written.records;
    }
    progress.end();
    result.phases.push(phase);
  };

  const measureReads = async () => {
    if (!heavy) throw new Error('no citizen seeded');
    // Measure the steady state after a bulk load, as an operator would leave it: statistics for
    // the planner and the load's dirty pages and hint bits settled. Otherwise the reads race the
    // checkpoint and autovacuum the load itself triggers.
    if (db.dialect === 'postgres') {
      await sql`vacuum (analyze) records`.execute(db.kysely);
      await sql`checkpoint`.execute(db.kysely);
    } else {
      await sql`analyze`.execute(db.kysely);
      await sql`pragma wal_checkpoint(truncate)`.execute(db.kysely);
    }
    const id = (await findCitizenByNationalId(db, heavy.nationalId))?.id;
    if (id === undefined) throw new Error('the heavy citizen is missing');
    const expected = heavy.payloads.length;
    const read = async () => {
      const records = await readRecords(db, id, { categories: CATEGORY_IDS });
      const n = Object.values(records).reduce((sum, list) => sum + (list?.length ?? 0), 0);
      if (n !== expected) throw new Error(`read ${n} records, expected ${expected}`);
    };
    result.reads.push({ citizens, samplesMs: await timeRuns(read, READS, WARMUP) });
  };

  await seedUpTo(small);
  await measureReads();
  if (atSmall && heavy) await atSmall(db, heavy);
  await seedUpTo(large);
  await measureReads();
  result.diskBytes = await sizeOf(db, scratch.url);
  if (!heavy) throw new Error('no citizen seeded');
  return { result, heavy };
}

export function open(label: TargetResult['label'], serverUrl?: string): Promise<TestDatabase> {
  return createTestDatabase(
    label === 'sqlite' ? { dialect: 'sqlite', label } : { dialect: 'postgres', label, serverUrl },
    { prefix: 'healthbank_bench' },
  );
}

export async function sizeOf(db: Database, url: string): Promise<number> {
  if (db.dialect === 'postgres') {
    const { rows } = await sql<{ bytes: string }>`select pg_database_size(current_database()) as bytes`.execute(
      db.kysely,
    );
    return Number(rows[0]?.bytes ?? 0);
  }
  const path = url.slice('sqlite:'.length);
  let bytes = 0;
  for (const file of [path, `${path}-wal`])
    bytes += await stat(file).then(
      (s) => s.size,
      () => 0,
    );
  return bytes;
}
