import type { CitizenRecords } from '@healthbank/records';
import type { Database } from './connection.js';
import { type InsertCounts, insertPopulation } from './insert.js';

export interface SeedOptions {
  /** Citizens per transaction (default 500). */
  batchSize?: number;
  /** Called after each committed batch with the running totals. */
  onProgress?: (progress: InsertCounts) => void;
  /**
   * False for citizens loaded from NHI, whom only production serves; the default (true) marks the
   * generated population the sandbox serves.
   */
  synthetic?: boolean;
}

/** A batch is also closed at this many records, so a run of heavy citizens stays bounded in memory. */
const MAX_BATCH_RECORDS = 50_000;

/**
 * Streams a population into the database in batches of one transaction each, holding only the
 * current batch in memory, so a generator of a million citizens can feed it directly. A failing
 * batch throws; the batches before it stay committed.
 *
 * @example
 * ```ts
 * await seedPopulation(db, generatePopulation({ citizens: 1000, seed: 1 }), {
 *   onProgress: ({ citizens, records }) => process.stderr.write(`\r${citizens} citizens, ${records} records`),
 * });
 * ```
 */
export async function seedPopulation(
  db: Database,
  population: Iterable<CitizenRecords> | AsyncIterable<CitizenRecords>,
  opts: SeedOptions = {},
): Promise<InsertCounts> {
  const batchSize = opts.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const total: InsertCounts = { citizens: 0, records: 0 };
  let batch: CitizenRecords[] = [];
  let batchRecords = 0;

  const flush = async () => {
    const written = await insertPopulation(db, batch);
    if (opts.synthetic === false) {
      // After the batch's commit: a crash in between leaves them synthetic, i.e. unseen by
      // production, never real citizens shown in the sandbox.
      await db.kysely
        .updateTable('citizens')
        .set({ synthetic: 0 })
        .where(
          'national_id',
          'in',
          batch.map((c) => c.citizen.nationalId),
        )
        .execute();
    }
    total.citizens += written.citizens;
    total.records += written.records;
    batch = [];
    batchRecords = 0;
    opts.onProgress?.({ ...total });
    // Let timers and I/O run between batches: a synchronous generator feeding synchronous
    // SQLite inserts would otherwise hold the event loop for the whole seed.
    await new Promise((resolve) => setImmediate(resolve));
  };

  for await (const citizen of population) {
    batch.push(citizen);
    batchRecords += citizen.records.length;
    if (batch.length >= batchSize || batchRecords >= MAX_BATCH_RECORDS) await flush();
  }
  if (batch.length > 0) await flush();
  return total;
}
