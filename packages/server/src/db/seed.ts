import type { CitizenRecords } from '@healthbank/records';
import type { Database } from './connection.js';
import { type InsertCounts, insertPopulation } from './insert.js';

export interface SeedOptions {
  /** Citizens per transaction (default 500). */
  batchSize?: number;
  /**
   * Batches written at once, each in its own transaction on its own connection: by default 2 on
   * PostgreSQL, where one batch's COPY keeps a server process busy while the next batch is being
   * prepared and sent, and 1 on SQLite, whose single writer takes batches one at a time anyway.
   */
  concurrency?: number;
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
 * batches being written and the one being gathered in memory, so a generator of a million
 * citizens can feed it directly. A failing batch throws once the batches already being written
 * have finished; the batches before it stay committed, and no batch starts after it.
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
  const concurrency = opts.concurrency ?? (db.dialect === 'postgres' ? 2 : 1);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError('concurrency must be a positive integer');
  }
  const total: InsertCounts = { citizens: 0, records: 0 };
  const writing = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let batch: CitizenRecords[] = [];
  let batchRecords = 0;

  const write = async (citizens: CitizenRecords[]) => {
    const written = await insertPopulation(db, citizens);
    if (opts.synthetic === false) {
      // After the batch's commit: a crash in between leaves them synthetic, i.e. unseen by
      // production, never real citizens shown in the sandbox.
      await db.kysely
        .updateTable('citizens')
        .set({ synthetic: 0 })
        .where(
          'national_id',
          'in',
          citizens.map((c) => c.citizen.nationalId),
        )
        .execute();
    }
    total.citizens += written.citizens;
    total.records += written.records;
    opts.onProgress?.({ ...total });
  };

  const flush = async () => {
    const pending: Promise<void> = write(batch)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => writing.delete(pending));
    writing.add(pending);
    batch = [];
    batchRecords = 0;
    while (writing.size >= concurrency) await Promise.race(writing);
  };

  try {
    for await (const citizen of population) {
      if (failure) break;
      batch.push(citizen);
      batchRecords += citizen.records.length;
      if (batch.length >= batchSize || batchRecords >= MAX_BATCH_RECORDS) await flush();
      // Let I/O and timers run between citizens: a synchronous generator would otherwise hold the
      // event loop while it gathers a whole batch, starving the batches being written (their COPY
      // streams wait on socket events) and everything else the process serves.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (batch.length > 0 && !failure) await flush();
  } finally {
    // Never return, or pass on the population's own error, while a batch is still being written.
    await Promise.all(writing);
  }
  if (failure) throw failure.error;
  return total;
}
