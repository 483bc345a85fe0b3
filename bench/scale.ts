/**
 * Scale benchmark (issue 15): the platform on PostgreSQL as production runs it, with one and with
 * two server processes, and the partitioned record store from 10,000 to 200,000 citizens.
 *
 *   node --conditions=@healthbank/source --import tsx bench/scale.ts
 *
 * Environment: HEALTHBANK_BENCH_POSTGRES_URL, a PostgreSQL server where scratch databases may be
 * created (without it the benchmark writes that it was skipped); HEALTHBANK_BENCH_SCALE, the two
 * population sizes (default `10000,200000`).
 *
 * 1. Processes: `healthbank start` (the CLI, built) over a scratch database, first alone, then
 *    with `--workers 2` on the same port. The apps, consents, tickets and the refresh token are
 *    made through real flows against the first; each server then takes the same closed-loop load
 *    (a child process, 8 requests in flight): refresh-token grants, then export files of typical
 *    citizens (disjoint tickets per run, a consent gives 24 files a day). Reported: requests per
 *    second and the server's CPU per request (all its processes), the flat-cost figure that
 *    matters on a 2-core machine where the generator and PostgreSQL share the cores.
 * 2. Storage: first the smaller population seeded end to end into two fresh databases as
 *    `healthbank seed` does (generator included), one batch at a time and two at once; then the
 *    population seeded with COPY into the partitioned schema (insert time only), timed reads
 *    of one heavy citizen's whole record set at both sizes (target ratio ≤ 1.3), and at the
 *    smaller size the bytes per record of the same rows in today's layout and in migration 0016's
 *    (unpartitioned, whole JSON, institution name column), built side by side in the same run.
 *
 * Writes bench/results/scale.json and prints tables.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CATEGORY_IDS } from '@healthbank/records';
import { generatePopulation, PERSONA_COUNT } from '@healthbank/synth';
import { sql } from 'kysely';
import { registerOrganisation } from '../packages/server/src/auth/clients/organisations.js';
import { freePort } from '../packages/server/src/auth/testing.js';
import {
  type Database,
  findCitizenByNationalId,
  populationStats,
  readRecords,
  readRecordsJson,
  seedPopulation,
} from '../packages/server/src/db/index.js';
import { textArrayLiteral } from '../packages/server/src/db/pg-array.js';
import { createTestDatabase } from '../packages/server/src/db/testing.js';
import { ServerProcess } from './chaos/server-process.js';
import { ongoingRefreshToken, registerBenchBackend } from './lib/auth-platform.js';
import { allowSandboxSignIn, mintTickets, registerExportApp, typicalCitizens } from './lib/export-platform.js';
import { processesCpuMs } from './lib/load/cpu.js';
import type { LoadResult, LoadTarget } from './lib/load/job.js';
import { type OpenTarget, runOpenLoad } from './lib/load/open-loop.js';
import { runLoad } from './lib/load/runner.js';
import { machineFacts } from './lib/machine.js';
import { databaseProcesses, type PlatformRef } from './lib/platform.js';
import { progressLine } from './lib/progress.js';
import {
  AS_OF,
  BATCH_CITIZENS,
  generator,
  type Heavy,
  open,
  type Phase,
  populationSizes,
  READS,
  runTarget,
  SEED,
  WARMUP,
} from './lib/seed-and-read.js';
import { percentile, round } from './lib/stats.js';
import { formatTable } from './lib/table.js';

const PROCESS_COUNTS = [1, 2] as const;
const SANDBOX_CITIZENS = 1000;
const LOAD = { concurrency: 8, warmupMs: 8_000, durationMs: 10_000, maxRequests: 200_000 };
const EXPORT_CITIZENS = 20;
const CONSENTS_PER_CITIZEN = 16;
/** EXPORTS_PER_DAY: the files one consent gives. */
const FILES_PER_CONSENT = 24;
const SEEDING_TARGET = 50_000;
const READ_RATIO_TARGET = 1.3;

interface ProcessRun {
  processes: number;
  tokens: LoadResult;
  exports: LoadResult;
  steady: SteadyResult;
}

/**
 * The same offered load for one and two processes, well below what the machine serves (open loop:
 * requests at a fixed rate, half refresh-token grants, half files): the cores are not
 * oversubscribed, so the server's CPU per request compares the two fairly.
 */
const STEADY = { rate: 50, warmupSeconds: 5, seconds: 20 };

interface SteadyResult {
  rate: number;
  requests: number;
  failed: number;
  p99Ms: number;
  serverCpuMsPerRequest: number;
}

async function main(): Promise<void> {
  const started = performance.now();
  const pgUrl = process.env.HEALTHBANK_BENCH_POSTGRES_URL;
  const out = join(import.meta.dirname, 'results', 'scale.json');
  if (!pgUrl) {
    const skipped = { benchmark: 'scale', skipped: 'HEALTHBANK_BENCH_POSTGRES_URL is not set' };
    await writeFile(out, `${JSON.stringify(skipped, null, 2)}\n`);
    console.log(`scale: skipped (${skipped.skipped})`);
    return;
  }
  // HEALTHBANK_BENCH_SCALE_ONLY=processes|storage measures one part again and keeps the other
  // part of the last scale.json as it was (each part carries its own date).
  const only = process.env.HEALTHBANK_BENCH_SCALE_ONLY;
  if (only !== undefined && only !== 'processes' && only !== 'storage') {
    throw new Error('HEALTHBANK_BENCH_SCALE_ONLY must be processes or storage');
  }
  const previous = only ? (JSON.parse(await readFile(out, 'utf8')) as Record<string, unknown>) : {};
  const processesPart = only === 'storage' ? previous.processes : processesReport(await processes(pgUrl));
  const storagePart = only === 'processes' ? previous.storage : storageReport(await partitionedStorage(pgUrl));
  const runtimeSeconds = (performance.now() - started) / 1000;
  console.log(`\nruntime ${Math.round(runtimeSeconds)} s`);
  const result = {
    benchmark: 'scale',
    date: new Date().toISOString(),
    runtimeSeconds: Math.round(runtimeSeconds),
    machine: machineFacts(),
    ...(only ? { remeasured: only } : {}),
    processes: processesPart,
    storage: storagePart,
  };
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

/** The pids of a process and its children (the cluster's workers), read from /proc. */
function processTree(root: number | undefined): number[] {
  if (root === undefined) return [];
  const pids = [root];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) is the second after the command name, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === root) pids.push(Number(entry));
    } catch {
      // The process ended while the folder was read.
    }
  }
  return pids;
}

async function processes(pgUrl: string): Promise<ProcessRun[]> {
  const scratch = await createTestDatabase(
    { dialect: 'postgres', label: 'postgres', serverUrl: pgUrl },
    { prefix: 'healthbank_bench_scale' },
  );
  const [port, sandboxPort] = [await freePort(), await freePort()];
  const logFile = join(tmpdir(), `healthbank-scale-${process.pid}.log`);
  const serverFor = (workers: number) =>
    new ServerProcess({ databaseUrl: scratch.url, port, sandboxPort, citizens: SANDBOX_CITIZENS, logFile, workers });
  let server = serverFor(1);
  try {
    process.stderr.write(`starting healthbank (seeds ${SANDBOX_CITIZENS} citizens; log ${logFile}) …\n`);
    await server.start();
    const org = await registerOrganisation(scratch.db, {
      type: 'company',
      name: '規模測試股份有限公司',
      identifier: '24502181',
    });
    const platform: PlatformRef = { url: server.sandboxUrl, db: scratch.db, organisationId: org.id };
    const stats = await populationStats(scratch.db);
    const backend = await registerBenchBackend(platform, stats.citizens);
    const refreshToken = await ongoingRefreshToken(backend);
    const exporter = await registerExportApp(platform, { citizens: stats.citizens, records: stats.records });
    const typical = await typicalCitizens(exporter, EXPORT_CITIZENS);
    await allowSandboxSignIn(exporter, typical);
    const progress = progressLine('consents and tickets through real flows', 0, EXPORT_CITIZENS * CONSENTS_PER_CITIZEN);
    let minted = 0;
    const tickets = (
      await mintTickets(exporter, typical, CONSENTS_PER_CITIZEN, 4, () => progress.update(++minted, ''))
    ).flat();
    progress.end();

    const runs: ProcessRun[] = [];
    for (const [i, workers] of PROCESS_COUNTS.entries()) {
      if (workers !== 1) {
        await server.stop();
        server = serverFor(workers);
        await server.start();
        while (processTree(server.pid).length < workers + 1) await new Promise((r) => setTimeout(r, 50));
      }
      const databasePids = databaseProcesses(scratch.db);
      const options = { serverPids: () => processTree(server.pid), ...(databasePids ? { databasePids } : {}) };
      const load = (target: LoadTarget) =>
        runLoad(
          {
            origin: server.sandboxUrl,
            concurrency: LOAD.concurrency,
            warmup: { maxMs: LOAD.warmupMs },
            measured: { maxMs: LOAD.durationMs },
            maxRequests: LOAD.maxRequests,
            target,
          },
          options,
        );
      process.stderr.write(`${workers} process(es): refresh-token grants …\n`);
      const tokens = await load({ kind: 'refresh', credentials: backend.credentials, refreshToken });
      process.stderr.write(`${workers} process(es): export files …\n`);
      // Each run has tickets of its own: a quarter for its closed loop, a quarter for its steady load.
      const shareOf = (k: number) => tickets.filter((_, n) => n % (2 * PROCESS_COUNTS.length) === k);
      const share = shareOf(2 * i);
      const exports = await load({
        kind: 'export-file',
        format: 'records',
        dpopKey: exporter.dpopPrivateJwk,
        tickets: share.map(({ ticket }) => ({ ticket, files: FILES_PER_CONSENT })),
      });
      for (const [label, result] of [
        ['tokens', tokens],
        ['exports', exports],
      ] as const) {
        const failed = result.warmup.failed + result.measured.failed;
        if (failed > 0)
          throw new Error(
            `${workers} process(es), ${label}: ${failed} failed; first: ${result.measured.firstFailure ?? result.warmup.firstFailure}`,
          );
      }
      process.stderr.write(`${workers} process(es): steady load, ${STEADY.rate} requests/s …\n`);
      const steady = await steadyLoad(
        server,
        [
          { kind: 'refresh', credentials: backend.credentials, refreshToken },
          {
            kind: 'file',
            dpopKey: exporter.dpopPrivateJwk,
            tickets: shareOf(2 * i + 1).map(({ ticket }) => ({ ticket, files: FILES_PER_CONSENT })),
          },
        ],
        () => processTree(server.pid),
      );
      if (steady.failed > 0) throw new Error(`${workers} process(es), steady load: ${steady.failed} failed`);
      runs.push({ processes: workers, tokens, exports, steady });
    }
    return runs;
  } finally {
    await server.stop();
    server.close();
    await scratch.dispose();
  }
}

/** The steady open-loop load; the server's CPU is read when the measured phase starts and after it. */
async function steadyLoad(
  server: ServerProcess,
  targets: OpenTarget[],
  serverPids: () => number[],
): Promise<SteadyResult> {
  let startCpuMs = 0;
  const phases = await runOpenLoad(
    {
      origin: server.sandboxUrl,
      phases: [
        { name: 'warm-up', rate: STEADY.rate, seconds: STEADY.warmupSeconds },
        { name: 'steady', rate: STEADY.rate, seconds: STEADY.seconds },
      ],
      mix: targets.map((target) => ({ target, weight: 1 })),
      timeoutMs: 10_000,
    },
    (index) => {
      if (index === 1) startCpuMs = processesCpuMs(serverPids());
    },
  );
  const endCpuMs = processesCpuMs(serverPids());
  const measured = phases[1];
  if (!measured) throw new Error('the steady phase did not run');
  const ok = measured.samples.filter((x) => x.status === 200);
  return {
    rate: STEADY.rate,
    requests: measured.sent,
    failed: measured.sent - ok.length,
    p99Ms: round(
      percentile(
        ok.map((x) => x.latencyMs),
        99,
      ),
    ),
    // The answers still in flight when the phase ends are a second's worth at most of 20 s.
    serverCpuMsPerRequest: round((endCpuMs - startCpuMs) / measured.sent),
  };
}

interface Bytes {
  records: number;
  heap: number;
  indexes: number;
  toast: number;
}

/** Bytes of a table's rows, indexes and TOAST over its partitions (or itself), per record. */
async function bytesOf(db: Database, table: 'records' | 'records_0016'): Promise<Bytes> {
  const { rows } = await sql<{ records: string; heap: string; indexes: string; total: string }>`
    with parts as (
      select c.oid from pg_class c
      where c.oid = ${table}::regclass and c.relkind = 'r'
      union all
      select i.inhrelid from pg_inherits i where i.inhparent = ${table}::regclass
    )
    select (select count(*) from ${sql.table(table)}) as records,
      sum(pg_relation_size(oid)) as heap, sum(pg_indexes_size(oid)) as indexes,
      sum(pg_total_relation_size(oid)) as total
    from parts`.execute(db.kysely);
  const row = rows[0];
  if (!row) throw new Error(`no sizes for ${table}`);
  const records = Number(row.records);
  return {
    records,
    heap: Number(row.heap) / records,
    indexes: Number(row.indexes) / records,
    toast: (Number(row.total) - Number(row.heap) - Number(row.indexes)) / records,
  };
}

/**
 * The same rows in migration 0016's layout: one table, the record's whole JSON in `payload`, the
 * institution's name in a column of its own, the same two indexes (built before the rows go in,
 * as the seeding builds today's).
 */
async function beforeAndAfter(db: Database, heavy: Heavy): Promise<LayoutComparison> {
  await sql`
    create table records_0016 (
      citizen_id integer not null,
      id text collate "C" not null,
      category text collate "C" not null,
      date text collate "C" not null,
      institution_code text collate "C",
      institution_name text,
      payload text not null,
      primary key (citizen_id, id)
    )`.execute(db.kysely);
  await sql`create index on records_0016 (citizen_id, category, date, id)`.execute(db.kysely);
  process.stderr.write('bytes per record: the same rows in the old layout …\n');
  await sql`
    insert into records_0016
    select citizen_id, id, category, date, institution_code, json::json -> 'institution' ->> 'name', json
    from (select *, '{"id":"' || id || '","date":"' || date || '","category":"' || category || '"' || payload as json
          from records) as r`.execute(db.kysely);
  await sql`vacuum (analyze) records_0016`.execute(db.kysely);
  const before = await bytesOf(db, 'records_0016');
  const after = await bytesOf(db, 'records');
  const reads = await readsInBothLayouts(db, heavy);
  await sql`drop table records_0016`.execute(db.kysely);
  return { before, after, reads };
}

/**
 * The export route's read (`readRecordsJson`: each category's JSON joined by the database) and
 * the portal's (`readRecords`: rows parsed one by one) of the heavy citizen, in both layouts,
 * alternating so that both see the same machine. The old layout's queries are today's with the
 * whole JSON read from `payload` instead of put back together.
 */
async function readsInBothLayouts(db: Database, heavy: Heavy): Promise<LayoutComparison['reads']> {
  const citizen = await findCitizenByNationalId(db, heavy.nationalId);
  if (!citizen) throw new Error('the heavy citizen is missing');
  const all = { categories: CATEGORY_IDS };
  const categories = sql`${textArrayLiteral([...CATEGORY_IDS])}::text[]`;
  // As readRecordsJson did before migration 0017: the same lateral query, each category's text
  // turned into UTF-8 bytes for the export file.
  const oldJoined = async () => {
    const { rows } = await sql<{ category: string; count: string; json: string | null }>`
      select c.category, a.count, a.json from unnest(${categories}) as c(category)
      cross join lateral (
        select count(*) as count, string_agg(r.payload, ',' order by r.date, r.id) as json
        from records_0016 r where r.citizen_id = ${citizen.id} and r.category = c.category
      ) as a`.execute(db.kysely);
    return rows.map((r) => (r.json ? Buffer.from(r.json, 'utf8') : undefined));
  };
  const oldParsed = async () => {
    const { rows } = await sql<{ category: string; payload: string }>`
      select category, payload from records_0016
      where citizen_id = ${citizen.id} and category = any(${categories})
      order by category, date, id`.execute(db.kysely);
    return rows.map((r) => JSON.parse(r.payload));
  };
  const pairs = {
    joined: [oldJoined, () => readRecordsJson(db, citizen.id, all)],
    parsed: [oldParsed, () => readRecords(db, citizen.id, all)],
  } as const;
  const result = {} as LayoutComparison['reads'];
  for (const [name, [before, after]] of Object.entries(pairs) as [keyof typeof pairs, (typeof pairs)['joined']][]) {
    const samples = { before: [] as number[], after: [] as number[] };
    for (let i = 0; i < WARMUP + READS; i++) {
      for (const [side, fn] of [
        ['before', before],
        ['after', after],
      ] as const) {
        const t0 = performance.now();
        await fn();
        if (i >= WARMUP) samples[side].push(performance.now() - t0);
      }
    }
    const p50 = { before: percentile(samples.before, 50), after: percentile(samples.after, 50) };
    result[name] = {
      beforeP50Ms: round(p50.before),
      afterP50Ms: round(p50.after),
      ratio: round(p50.after / p50.before),
    };
  }
  return result;
}

interface LayoutComparison {
  before: Bytes;
  after: Bytes;
  /** p50 of the heavy citizen's read in each layout: the export route's (joined) and the portal's (parsed). */
  reads: Record<'joined' | 'parsed', { beforeP50Ms: number; afterP50Ms: number; ratio: number }>;
}

/** One end-to-end seed of the smaller population, the generator included. */
interface EndToEndSeed {
  concurrency: number;
  records: number;
  ms: number;
}

/**
 * Seeds a fresh scratch database as `healthbank seed` does, straight from the generator, once with
 * one batch at a time and once with two: the pipelining's gain measured in the same run.
 */
async function endToEndSeeding(pgUrl: string, citizens: number): Promise<EndToEndSeed[]> {
  const runs: EndToEndSeed[] = [];
  for (const concurrency of [1, 2]) {
    const scratch = await open('postgres', pgUrl);
    try {
      const progress = progressLine(
        `postgres: end to end, ${concurrency} batch${concurrency > 1 ? 'es' : ''} at once`,
        0,
        citizens,
      );
      const t0 = performance.now();
      // The generator adds the personas to the citizens it is asked for.
      const written = await seedPopulation(
        scratch.db,
        generatePopulation({ citizens: citizens - PERSONA_COUNT, seed: SEED, asOf: AS_OF }),
        {
          batchSize: BATCH_CITIZENS,
          concurrency,
          onProgress: (p) => progress.update(p.citizens, `${p.records.toLocaleString('en-US')} records`),
        },
      );
      runs.push({ concurrency, records: written.records, ms: performance.now() - t0 });
      progress.end();
    } finally {
      await scratch.dispose();
    }
  }
  return runs;
}

interface StorageResult {
  small: number;
  large: number;
  endToEnd: EndToEndSeed[];
  phases: Phase[];
  reads: { citizens: number; samplesMs: number[] }[];
  heavyRecords: number;
  layouts: LayoutComparison;
  diskBytes: number;
}

async function partitionedStorage(pgUrl: string): Promise<StorageResult> {
  const [small, large] = populationSizes();
  const endToEnd = await endToEndSeeding(pgUrl, small);
  const scratch = await open('postgres', pgUrl);
  try {
    let layouts: LayoutComparison | undefined;
    const { result, heavy } = await runTarget('postgres', scratch, small, large, async (db, heavy) => {
      layouts = await beforeAndAfter(db, heavy);
    });
    if (!layouts) throw new Error('the layouts were not compared');
    return {
      small,
      large,
      endToEnd,
      phases: result.phases,
      reads: result.reads,
      heavyRecords: heavy.payloads.length,
      layouts,
      diskBytes: result.diskBytes,
    };
  } finally {
    await scratch.dispose();
  }
}

function perSecond(phase: LoadResult['measured']): number {
  return phase.requests / (phase.elapsedMs / 1000);
}

function loadFigures(result: LoadResult) {
  const { measured, cpu } = result;
  return {
    perSecond: round(perSecond(measured)),
    p50Ms: round(percentile(measured.latenciesMs, 50)),
    p99Ms: round(percentile(measured.latenciesMs, 99)),
    requests: measured.requests,
    serverCpuMsPerRequest: round(cpu.serverMs / measured.requests),
    databaseCpuMsPerRequest: round(cpu.databaseMs / measured.requests),
    cpu,
  };
}

/** Prints the processes' table and returns their part of scale.json. */
function processesReport(runs: ProcessRun[]) {
  const processesFigures = runs.map((r) => ({
    processes: r.processes,
    tokens: loadFigures(r.tokens),
    exports: loadFigures(r.exports),
    steady: r.steady,
  }));
  const [one] = processesFigures;
  const ratio = (get: (f: (typeof processesFigures)[number]) => number) =>
    processesFigures.map((f) => (one ? round(get(f) / get(one)) : Number.NaN));
  console.log('');
  console.log(
    formatTable(
      `Server processes on PostgreSQL (${LOAD.concurrency} in flight, ${LOAD.durationMs / 1000} s each; CPU per request over all server processes; ratios against 1 process)`,
      [
        'processes',
        'token req/s',
        '× 1 process',
        'token CPU ms/req',
        'exports/s',
        '× 1 process',
        'export CPU ms/req',
        'export p99 ms',
        `steady ${STEADY.rate}/s CPU ms/req`,
        '× 1 process',
        'steady p99 ms',
      ],
      processesFigures.map((f, i) => [
        f.processes,
        f.tokens.perSecond,
        ratio((x) => x.tokens.perSecond)[i],
        f.tokens.serverCpuMsPerRequest,
        f.exports.perSecond,
        ratio((x) => x.exports.perSecond)[i],
        f.exports.serverCpuMsPerRequest,
        f.exports.p99Ms,
        f.steady.serverCpuMsPerRequest,
        ratio((x) => x.steady.serverCpuMsPerRequest)[i],
        f.steady.p99Ms,
      ]),
    ),
  );
  return {
    date: new Date().toISOString(),
    settings: {
      ...LOAD,
      sandboxCitizens: SANDBOX_CITIZENS,
      exportCitizens: EXPORT_CITIZENS,
      consentsPerCitizen: CONSENTS_PER_CITIZEN,
    },
    runs: processesFigures,
    tokensPerSecondVsOneProcess: ratio((x) => x.tokens.perSecond),
    exportsPerSecondVsOneProcess: ratio((x) => x.exports.perSecond),
    tokenCpuPerRequestVsOneProcess: ratio((x) => x.tokens.serverCpuMsPerRequest),
    exportCpuPerRequestVsOneProcess: ratio((x) => x.exports.serverCpuMsPerRequest),
    steadyCpuPerRequestVsOneProcess: ratio((x) => x.steady.serverCpuMsPerRequest),
  };
}

/** Prints the storage tables and returns their part of scale.json. */
function storageReport(storage: StorageResult) {
  const n = (v: number) => v.toLocaleString('en-US');
  const records = storage.phases.reduce((sum, p) => sum + p.records, 0);
  const insertMs = storage.phases.reduce((sum, p) => sum + p.insertMs, 0);
  const seedingRate = records / (insertMs / 1000);
  const phaseRates = storage.phases.map((p) => Math.round(p.records / (p.insertMs / 1000)));
  const generatorRate = generator.records / (generator.ms / 1000);
  const reads = storage.reads.map((r) => ({
    citizens: r.citizens,
    p50Ms: round(percentile(r.samplesMs, 50)),
    p99Ms: round(percentile(r.samplesMs, 99)),
  }));
  const [atSmall, atLarge] = reads;
  const readRatio = atSmall && atLarge ? round(atLarge.p50Ms / atSmall.p50Ms) : Number.NaN;
  const readRatioP99 = atSmall && atLarge ? round(atLarge.p99Ms / atSmall.p99Ms) : Number.NaN;
  const total = (b: Bytes) => b.heap + b.indexes + b.toast;
  const { before, after, reads: layoutReads } = storage.layouts;
  console.log('');
  console.log(
    formatTable(
      `Partitioned records on PostgreSQL: seeding ${n(records)} records (COPY; insert time only) and reading one heavy citizen (${storage.heavyRecords} records, ${READS} reads after ${WARMUP})`,
      ['measure', `at ${n(storage.small)}`, `at ${n(storage.large)}`, 'ratio / rate', 'target'],
      [
        ['read p50 ms', atSmall?.p50Ms, atLarge?.p50Ms, readRatio, `≤ ${READ_RATIO_TARGET}`],
        ['read p99 ms', atSmall?.p99Ms, atLarge?.p99Ms, readRatioP99, ''],
        ['seeding records/s', phaseRates[0], phaseRates[1], Math.round(seedingRate), `≥ ${n(SEEDING_TARGET)}`],
        ['synth generator records/s (baseline)', undefined, undefined, Math.round(generatorRate), ''],
      ],
    ),
  );
  const [oneAtATime] = storage.endToEnd;
  const endToEnd = storage.endToEnd.map((r) => ({
    concurrency: r.concurrency,
    records: r.records,
    recordsPerSecond: Math.round(r.records / (r.ms / 1000)),
    vsOneAtATime: oneAtATime ? round(r.records / r.ms / (oneAtATime.records / oneAtATime.ms)) : Number.NaN,
  }));
  console.log('');
  console.log(
    formatTable(
      `Seeding ${n(storage.small)} citizens end to end into a fresh database, as \`healthbank seed\` does (generator included)`,
      ['batches at once', 'records', 'records/s', '× one at a time'],
      endToEnd.map((r) => [r.concurrency, r.records, r.recordsPerSecond, r.vsOneAtATime]),
    ),
  );
  console.log('');
  console.log(
    formatTable(
      `Bytes per record at ${n(storage.small)} citizens (${n(after.records)} records), the same rows in both layouts`,
      ['layout', 'rows', 'indexes', 'TOAST etc.', 'total', '× before'],
      [
        [
          '0016: one table, whole JSON, name column',
          round(before.heap),
          round(before.indexes),
          round(before.toast),
          round(total(before)),
          1,
        ],
        [
          '0017: 16 hash partitions, JSON without id/date/category',
          round(after.heap),
          round(after.indexes),
          round(after.toast),
          round(total(after)),
          round(total(after) / total(before)),
        ],
      ],
    ),
  );
  console.log('');
  console.log(
    formatTable(
      `Reading the heavy citizen in both layouts at ${n(storage.small)} citizens (p50 ms, ${READS} alternating reads each)`,
      ['read', '0016', '0017', '× before'],
      [
        [
          'export route (JSON joined in the database)',
          layoutReads.joined.beforeP50Ms,
          layoutReads.joined.afterP50Ms,
          layoutReads.joined.ratio,
        ],
        [
          'portal (rows parsed)',
          layoutReads.parsed.beforeP50Ms,
          layoutReads.parsed.afterP50Ms,
          layoutReads.parsed.ratio,
        ],
      ],
    ),
  );
  return {
    date: new Date().toISOString(),
    citizens: [storage.small, storage.large],
    records,
    seeding: {
      method:
        'COPY FROM STDIN (pg-copy-streams), citizens by INSERT … unnest() RETURNING; seedPopulation with two batches at once, each in its own transaction; insert time only (generated ahead in windows of 8 batches)',
      recordsPerSecond: Math.round(seedingRate),
      target: SEEDING_TARGET,
      vsTarget: round(seedingRate / SEEDING_TARGET),
      generatorRecordsPerSecond: Math.round(generatorRate),
      vsGenerator: round(seedingRate / generatorRate),
      phases: storage.phases.map((p, i) => ({
        upToCitizens: p.citizens,
        records: p.records,
        recordsPerSecond: phaseRates[i],
      })),
      endToEnd: { citizens: storage.small, generatorIncluded: true, runs: endToEnd },
    },
    reads: {
      heavyCitizenRecords: storage.heavyRecords,
      reads: READS,
      warmup: WARMUP,
      at: reads,
      ratioP50: readRatio,
      ratioP99: readRatioP99,
      target: READ_RATIO_TARGET,
    },
    bytesPerRecord: {
      atCitizens: storage.small,
      records: after.records,
      before: { layout: 'migration 0016', ...roundBytes(before), total: round(total(before)) },
      after: { layout: 'migration 0017', ...roundBytes(after), total: round(total(after)) },
      ratio: round(total(after) / total(before)),
    },
    readsInBothLayouts: { atCitizens: storage.small, ...layoutReads },
    diskBytesAtLarge: storage.diskBytes,
  };
}

function roundBytes(b: Bytes) {
  return { heap: round(b.heap), indexes: round(b.indexes), toast: round(b.toast) };
}

await main();
