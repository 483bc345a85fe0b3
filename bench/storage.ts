/**
 * Storage benchmark: seeding rate into SQLite (and PostgreSQL), and the latency of reading one
 * heavy citizen's full record set as the population grows from 10,000 to 200,000 citizens.
 *
 *   node --conditions=@healthbank/source --import tsx bench/storage.ts
 *
 * Environment:
 * - HEALTHBANK_BENCH_POSTGRES_URL: a PostgreSQL server URL with the right to create databases
 *   (e.g. postgres://postgres@127.0.0.1:5432/postgres). A scratch database is created there and
 *   dropped at the end. Without it PostgreSQL is reported as skipped.
 * - HEALTHBANK_BENCH_SCALE: the two population sizes, default `10000,200000`.
 *
 * One synthetic population (the real `@healthbank/synth` generator) is streamed once and every
 * batch goes to each database in turn, so generation is paid once and each database's insert
 * time is measured alone. The heavy citizen is the one with most records among the first
 * 10,000; the same citizen is read at both sizes, so the ratio isolates the population's effect.
 * Databases live in a temp folder / scratch database and are deleted afterwards.
 * Writes bench/results/storage.json and prints a table.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { machineFacts } from './lib/machine.js';
import {
  AS_OF,
  BATCH_CITIZENS,
  generator,
  type Heavy,
  open,
  populationSizes,
  READS,
  runTarget,
  SEED,
  type TargetResult,
  WARMUP,
} from './lib/seed-and-read.js';
import { percentile, round, timeRuns } from './lib/stats.js';
import { formatTable } from './lib/table.js';

const INSERT_TARGET = 50_000;
const RATIO_TARGET = 1.3;

async function main(): Promise<void> {
  const started = performance.now();
  const [small, large] = populationSizes();
  const pgUrl = process.env.HEALTHBANK_BENCH_POSTGRES_URL;
  const results: TargetResult[] = [];
  let heavy: Heavy | undefined;
  let parseSamples: number[] = [];
  // One target at a time: 200,000 citizens take tens of GB per database, and only one of them
  // is on disk at any moment. The generator is deterministic, so each pass sees the same data.
  for (const label of pgUrl ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const)) {
    const scratch = await open(label, pgUrl);
    let stop: (() => void) | undefined;
    const interrupted = new Promise<never>((_, reject) => {
      stop = () => reject(new Error('interrupted'));
      process.once('SIGINT', stop);
    });
    try {
      const pass = runTarget(label, scratch, small, large);
      const outcome = await Promise.race([pass, interrupted]);
      results.push(outcome.result);
      heavy ??= outcome.heavy;
      if (parseSamples.length === 0) {
        // The floor: parsing the same citizen's JSON in memory, with no database at all.
        const payloads = heavy.payloads;
        parseSamples = await timeRuns(() => payloads.map((p) => JSON.parse(p)), READS, WARMUP);
      }
    } finally {
      if (stop) process.off('SIGINT', stop);
      await scratch.dispose();
    }
  }
  const runtimeSeconds = (performance.now() - started) / 1000;
  const result = report({
    small,
    large,
    heavyRecords: heavy?.payloads.length ?? 0,
    parseSamples,
    targets: results,
    runtimeSeconds,
    postgresSkipped: pgUrl ? undefined : 'HEALTHBANK_BENCH_POSTGRES_URL is not set',
  });
  const out = join(import.meta.dirname, 'results', 'storage.json');
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

interface ReportInput {
  small: number;
  large: number;
  heavyRecords: number;
  parseSamples: number[];
  targets: TargetResult[];
  runtimeSeconds: number;
  postgresSkipped: string | undefined;
}

function report(input: ReportInput) {
  const { small, large, targets } = input;
  const generatorRate = generator.records / (generator.ms / 1000);
  const parseP50 = percentile(input.parseSamples, 50);
  const parseP99 = percentile(input.parseSamples, 99);
  const records = targets[0]?.phases.reduce((n, p) => n + p.records, 0) ?? 0;

  const seeding = targets.map((t) => {
    const ms = t.phases.reduce((n, p) => n + p.insertMs, 0);
    const rate = records / (ms / 1000);
    return {
      target: t.label,
      records,
      insertSeconds: round(ms / 1000),
      recordsPerSecond: Math.round(rate),
      vsTarget: round(rate / INSERT_TARGET),
      vsGenerator: round(rate / generatorRate),
      phases: t.phases.map((p) => ({
        upToCitizens: p.citizens,
        records: p.records,
        recordsPerSecond: Math.round(p.records / (p.insertMs / 1000)),
      })),
      diskBytes: t.diskBytes,
    };
  });
  const reads = targets.map((t) => {
    const at = t.reads.map((r) => ({
      citizens: r.citizens,
      p50Ms: round(percentile(r.samplesMs, 50)),
      p99Ms: round(percentile(r.samplesMs, 99)),
    }));
    const [first, last] = [at[0], at[at.length - 1]];
    return {
      target: t.label,
      at,
      ratioP50: first && last ? round(last.p50Ms / first.p50Ms) : Number.NaN,
      ratioP99: first && last ? round(last.p99Ms / first.p99Ms) : Number.NaN,
      p50VsParseFloor: last ? round(last.p50Ms / parseP50) : Number.NaN,
    };
  });
  const n = (v: number) => v.toLocaleString('en-US');

  console.log('');
  console.log(
    formatTable(
      `Seeding ${n(records)} synthetic records, ${n(large)} citizens (insert time only; target ≥ ${n(INSERT_TARGET)} records/s into SQLite)`,
      [
        'target',
        `records/s to ${n(small)}`,
        `records/s to ${n(large)}`,
        'records/s overall',
        '× target',
        '× generator',
        'disk GB',
      ],
      [
        ...seeding.map((s) => [
          s.target,
          s.phases[0]?.recordsPerSecond,
          s.phases[1]?.recordsPerSecond,
          s.recordsPerSecond,
          s.vsTarget,
          s.vsGenerator,
          round(s.diskBytes / 1e9),
        ]),
        ...(input.postgresSkipped ? [['postgres (skipped)']] : []),
        [
          'synth generator (baseline)',
          undefined,
          undefined,
          Math.round(generatorRate),
          round(generatorRate / INSERT_TARGET),
          1,
        ],
      ],
    ),
  );
  console.log('');
  console.log(
    formatTable(
      `Reading one heavy citizen's full record set: ${input.heavyRecords} records, all categories, all time (${READS} reads after ${WARMUP} warm-up; target ratio ≤ ${RATIO_TARGET})`,
      [
        'target',
        `p50 ms @${n(small)}`,
        `p99 ms @${n(small)}`,
        `p50 ms @${n(large)}`,
        `p99 ms @${n(large)}`,
        'ratio p50',
        'ratio p99',
        '× parse floor',
      ],
      [
        ...reads.map((r) => [
          r.target,
          r.at[0]?.p50Ms,
          r.at[0]?.p99Ms,
          r.at[1]?.p50Ms,
          r.at[1]?.p99Ms,
          r.ratioP50,
          r.ratioP99,
          r.p50VsParseFloor,
        ]),
        ...(input.postgresSkipped ? [['postgres (skipped)']] : []),
        ['JSON.parse only (baseline)', round(parseP50), round(parseP99), undefined, undefined, undefined, undefined, 1],
      ],
    ),
  );
  console.log(`\nruntime ${Math.round(input.runtimeSeconds)} s`);

  return {
    benchmark: 'storage',
    date: new Date().toISOString(),
    runtimeSeconds: Math.round(input.runtimeSeconds),
    machine: machineFacts(),
    population: { seed: SEED, asOf: AS_OF, citizens: [small, large], records, batchCitizens: BATCH_CITIZENS },
    seeding: {
      targetRecordsPerSecond: INSERT_TARGET,
      generatorRecordsPerSecond: Math.round(generatorRate),
      targets: seeding,
      ...(input.postgresSkipped ? { postgres: { skipped: input.postgresSkipped } } : {}),
    },
    reads: {
      heavyCitizenRecords: input.heavyRecords,
      reads: READS,
      warmup: WARMUP,
      targetRatio: RATIO_TARGET,
      parseFloorMs: { p50: round(parseP50), p99: round(parseP99) },
      targets: reads,
      ...(input.postgresSkipped ? { postgres: { skipped: input.postgresSkipped } } : {}),
    },
  };
}

await main();
