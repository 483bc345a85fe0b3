/**
 * The export benchmark's settings, and its report: the figures, ratios and verdicts written to
 * bench/results/export.json, and the tables printed.
 */
import os from 'node:os';
import { EXPORT_CONTENT_FORMATS, type ExportContentFormat } from '@healthbank/records';
import type { BrowserResult, OpenSamples } from './export-browser.js';
import type { HeavyCitizen, SeededCitizen } from './export-platform.js';
import type { InternalSamples } from './export-server-time.js';
import type { LoadResult } from './load/job.js';
import { machineFacts } from './machine.js';
import { percentile, round } from './stats.js';
import { formatTable } from './table.js';

/** What the benchmark runs; bounded so that it takes about a minute. */
export const SETTINGS = {
  seed: 'healthbank-bench',
  asOf: '2025-06-30',
  /** Ordinary synthetic citizens seeded (the personas come on top). */
  citizens: 1000,
  heavy: {
    /** The heavy citizen is the heaviest of this many generated citizens (beyond the seeded ones). */
    candidates: 20_000,
    minYears: 10,
    /** Sequential fetches per format: untimed, then timed (a consent gives 24 files a day, one is kept for the SDK). */
    warmup: 3,
    runs: 15,
    internalRuns: 15,
    floorRuns: 30,
    floorWarmup: 5,
  },
  typicalCitizens: 20,
  consentsPerCitizen: 12,
  mintingLanes: 4,
  /** EXPORTS_PER_DAY: what one consent gives. */
  filesPerConsent: 24,
  /** The route's steps for one typical consent, in process, before the load. */
  typicalSteps: { warmup: 10, runs: 50 },
  load: { warmupMs: 2_000, durationMs: 10_000, maxRequests: 20_000 },
  sdk: { warmup: 2, runs: 7 },
} as const;

/** The targets. */
export const TARGETS = { recordsRatioToFloor: 3, filesPerSecond: 100, p99Ms: 250, onCores: 2 } as const;

/** Other programs' CPU, in cores, during the load above which its figures are flagged. */
const CONTENDED_CORES = 0.25;

/** The heavy citizen's files per format, over HTTP and step by step in process, and the floor. */
export interface HeavyServerTime {
  http: Partial<Record<ExportContentFormat, LoadResult>>;
  internals: Partial<Record<ExportContentFormat, InternalSamples>>;
  floor: { samplesMs: number[]; bytes: number };
}

export interface ExportReportInput extends HeavyServerTime {
  heavy: HeavyCitizen;
  typical: SeededCitizen[];
  seeded: { citizens: number; records: number };
  mintingSeconds: number;
  loadConsents: number;
  /** The heavy citizen's server time with the platform on PostgreSQL, when it was measured. */
  postgres: (HeavyServerTime & { heavy: HeavyCitizen }) | undefined;
  typicalSteps: InternalSamples;
  load: LoadResult;
  node: Partial<Record<ExportContentFormat, OpenSamples>>;
  chromium: BrowserResult;
  info: { concurrency: number; loadAverage: number; runtimeSeconds: number };
}

const p = (samples: readonly number[], q: number) => round(percentile(samples, q));
const mb = (bytes: number) => round(bytes / 1e6);
const median = (values: readonly number[]) => percentile(values, 50);

function serverTime(input: HeavyServerTime) {
  const floorP50 = percentile(input.floor.samplesMs, 50);
  return Object.fromEntries(
    EXPORT_CONTENT_FORMATS.map((format) => {
      const http = input.http[format];
      const steps = input.internals[format];
      if (!http || !steps) throw new Error(`no ${format} measure`);
      const { measured, cpu } = http;
      const httpP50 = percentile(measured.latenciesMs, 50);
      const internalP50 = percentile(steps.totalMs, 50);
      return [
        format,
        {
          runs: measured.latenciesMs.length,
          contentBytes: steps.contentBytes,
          fileBytes: median(measured.bodyBytes),
          route: {
            p50Ms: round(httpP50),
            p90Ms: p(measured.latenciesMs, 90),
            maxMs: round(Math.max(...measured.latenciesMs)),
            ratioToFloor: round(httpP50 / floorP50),
            databaseCores: round(cpu.databaseMs / cpu.wallMs),
            otherCores: round(cpu.otherMs / cpu.wallMs),
          },
          steps: {
            runs: steps.totalMs.length,
            readP50Ms: p(steps.readMs, 50),
            assembleP50Ms: p(steps.assembleMs, 50),
            sealP50Ms: p(steps.sealMs, 50),
            totalP50Ms: round(internalP50),
            ratioToFloor: round(internalP50 / floorP50),
          },
        },
      ];
    }),
  ) as Record<ExportContentFormat, ServerTime>;
}

interface ServerTime {
  runs: number;
  contentBytes: number;
  fileBytes: number;
  route: {
    p50Ms: number;
    p90Ms: number;
    maxMs: number;
    ratioToFloor: number;
    databaseCores: number;
    otherCores: number;
  };
  steps: {
    runs: number;
    readP50Ms: number;
    assembleP50Ms: number;
    sealP50Ms: number;
    totalP50Ms: number;
    ratioToFloor: number;
  };
}

function loadFigures(input: ExportReportInput) {
  const { measured, warmup, cpu, prepared } = input.load;
  const seconds = measured.elapsedMs / 1000;
  const filesPerSecond = measured.requests / seconds;
  const p99 = percentile(measured.latenciesMs, 99);
  const otherCores = cpu.otherMs / cpu.wallMs;
  return {
    format: 'records' as const,
    concurrency: input.info.concurrency,
    consents: input.loadConsents,
    citizens: input.typical.length,
    requests: measured.requests,
    seconds: round(seconds),
    endedBy: measured.exhausted ? 'tickets ran out' : 'time',
    filesPerSecond: round(filesPerSecond),
    p50Ms: p(measured.latenciesMs, 50),
    p90Ms: p(measured.latenciesMs, 90),
    p99Ms: round(p99),
    maxMs: round(Math.max(...measured.latenciesMs)),
    fileBytesP50: median(measured.bodyBytes),
    steps: {
      what: 'one typical consent, in process, before the load: the route functions alone (what the rest of ms/file is: proof, lookups, limits, history row, HTTP)',
      readP50Ms: p(input.typicalSteps.readMs, 50),
      assembleP50Ms: p(input.typicalSteps.assembleMs, 50),
      sealP50Ms: p(input.typicalSteps.sealMs, 50),
      totalP50Ms: p(input.typicalSteps.totalMs, 50),
      contentBytes: input.typicalSteps.contentBytes,
    },
    warmupRequests: warmup.requests,
    proofsSignedAhead: prepared.requests,
    cpu: {
      serverMsPerFile: round(cpu.serverMs / measured.requests),
      serverCores: round(cpu.serverMs / cpu.wallMs),
      generatorCores: round(cpu.generatorMs / cpu.wallMs),
      otherCores: round(otherCores),
    },
    contended: otherCores > CONTENDED_CORES,
    pass: { filesPerSecond: filesPerSecond >= TARGETS.filesPerSecond, p99: p99 <= TARGETS.p99Ms },
  };
}

function openFigures(samples: Partial<Record<ExportContentFormat, OpenSamples>>) {
  return Object.fromEntries(
    Object.entries(samples).map(([format, s]) => [
      format,
      {
        runs: s.samplesMs.length,
        fileBytes: s.fileBytes,
        records: s.records,
        p50Ms: p(s.samplesMs, 50),
        maxMs: round(Math.max(...s.samplesMs)),
      },
    ]),
  );
}

function floorFigures(floor: HeavyServerTime['floor']) {
  return { p50Ms: p(floor.samplesMs, 50), p90Ms: p(floor.samplesMs, 90), bytes: floor.bytes };
}

const recordsPass = (server: Record<ExportContentFormat, ServerTime>) =>
  server.records.route.ratioToFloor <= TARGETS.recordsRatioToFloor;

function printServerTime(
  database: string,
  heavy: HeavyCitizen,
  server: Record<ExportContentFormat, ServerTime>,
  floor: { p50Ms: number; bytes: number },
): void {
  console.log('');
  console.log(
    formatTable(
      `Server time per file on ${database}, heavy citizen (${heavy.records.toLocaleString('en-US')} records, ${heavy.firstDate} to ${heavy.lastDate}): route = GET /api/export/files/:ticket on loopback, p50 of ${SETTINGS.heavy.runs} sequential fetches; steps = the route's functions in process (target: records route ≤ ${TARGETS.recordsRatioToFloor} × floor)`,
      [
        'format',
        'content MB',
        'file MB',
        'route p50 ms',
        'route p90 ms',
        '× floor',
        'read ms',
        'read+serialize ms',
        'seal ms',
        'steps p50 ms',
        'steps × floor',
        'target',
      ],
      [
        ...EXPORT_CONTENT_FORMATS.map((format) => {
          const s = server[format];
          return [
            format,
            mb(s.contentBytes),
            mb(s.fileBytes),
            s.route.p50Ms,
            s.route.p90Ms,
            s.route.ratioToFloor,
            s.steps.readP50Ms,
            s.steps.assembleP50Ms,
            s.steps.sealP50Ms,
            s.steps.totalP50Ms,
            s.steps.ratioToFloor,
            format === 'records' ? (recordsPass(server) ? 'pass' : 'FAIL') : '',
          ];
        }),
        ['floor: JSON.stringify + AES-256-GCM', mb(floor.bytes), undefined, floor.p50Ms, undefined, 1],
      ],
    ),
  );
}

function print(
  input: ExportReportInput,
  server: Record<ExportContentFormat, ServerTime>,
  floor: { p50Ms: number; bytes: number },
  postgres: { server: Record<ExportContentFormat, ServerTime>; floor: { p50Ms: number; bytes: number } } | undefined,
  load: ReturnType<typeof loadFigures>,
  contended: readonly string[],
): void {
  printServerTime('SQLite', input.heavy, server, floor);
  if (input.postgres && postgres) printServerTime('PostgreSQL', input.postgres.heavy, postgres.server, postgres.floor);
  console.log('');
  const rpsVerdict = load.pass.filesPerSecond && load.pass.p99 ? 'pass' : 'FAIL';
  console.log(
    formatTable(
      `Files under load: typical citizens (${Math.min(...input.typical.map((c) => c.records))}–${Math.max(...input.typical.map((c) => c.records))} records), format records, ${load.concurrency} in flight, ${os.cpus().length} cores (target ≥ ${TARGETS.filesPerSecond} files/s and p99 ≤ ${TARGETS.p99Ms} ms on 2 cores)`,
      [
        'measure',
        'files',
        'files/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'server CPU ms/file',
        'steps ms/file',
        'server cores',
        'other cores',
        'target',
      ],
      [
        [
          'GET /api/export/files/:ticket',
          load.requests,
          load.filesPerSecond,
          load.p50Ms,
          load.p90Ms,
          load.p99Ms,
          load.maxMs,
          load.cpu.serverMsPerFile,
          load.steps.totalP50Ms,
          load.cpu.serverCores,
          load.cpu.otherCores,
          rpsVerdict,
        ],
      ],
    ),
  );
  console.log('');
  const chromium = openFigures(input.chromium.formats);
  const node = openFigures(input.node);
  console.log(
    formatTable(
      `SDK openExportFile (decrypt, verify, inflate, digest, JSON.parse) on the heavy files, p50 of ${SETTINGS.sdk.runs} runs; ${input.chromium.chromium}, Node ${process.version}`,
      ['format', 'file MB', 'Chromium p50 ms', 'Chromium max ms', 'Node p50 ms'],
      EXPORT_CONTENT_FORMATS.map((format) => [
        format,
        mb(chromium[format]?.fileBytes ?? Number.NaN),
        chromium[format]?.p50Ms,
        chromium[format]?.maxMs,
        node[format]?.p50Ms,
      ]),
    ),
  );
  if (contended.length > 0) {
    console.log(
      `\nwarning: other programs used over ${CONTENDED_CORES} of a core during: ${contended.join(', ')}. Those figures are pessimistic; run again on a quiet machine.`,
    );
  }
  console.log(
    `\nruntime ${Math.round(input.info.runtimeSeconds)} s · 1-min load average at start ${round(input.info.loadAverage)}`,
  );
}

/** Prints the tables and returns what export.json holds. */
export function report(input: ExportReportInput) {
  const server = serverTime(input);
  const floor = floorFigures(input.floor);
  const postgres = input.postgres && { server: serverTime(input.postgres), floor: floorFigures(input.postgres.floor) };
  const load = loadFigures(input);
  const busy = (prefix: string, formats: Record<ExportContentFormat, ServerTime>) =>
    EXPORT_CONTENT_FORMATS.filter((f) => formats[f].route.otherCores > CONTENDED_CORES).map((f) => `${prefix}.${f}`);
  const contended = [
    ...busy('serverTime', server),
    ...(postgres ? busy('serverTimePostgres', postgres.server) : []),
    ...(load.contended ? ['load'] : []),
  ];
  print(input, server, floor, postgres, load, contended);
  const recordsRatioPass = recordsPass(server);
  const postgresRatioPass = postgres ? recordsPass(postgres.server) : undefined;
  const { heavy, typical } = input;
  return {
    benchmark: 'export',
    date: new Date().toISOString(),
    runtimeSeconds: Math.round(input.info.runtimeSeconds),
    machine: {
      ...machineFacts(input.info.loadAverage),
      contendedMeasures: contended,
    },
    settings: {
      ...SETTINGS,
      database:
        'SQLite (scratch file in a temp folder); the heavy citizen’s server time also on PostgreSQL when HEALTHBANK_BENCH_POSTGRES_URL is set',
      transport: 'HTTP/1.1 keep-alive over 127.0.0.1',
      clients:
        'child process (node:http); every request carries its own DPoP proof of the key the ticket is bound to, signed before the phase',
      consents:
        'real flows: PAR + PKCE + DPoP + pinned export key, sandbox persona sign-in, consent page (every category, all time, once), code exchange, POST /api/export/tickets',
      seeded: input.seeded,
      mintingSeconds: round(input.mintingSeconds),
      logLevel: 'warn',
    },
    heavyCitizen: {
      records: heavy.records,
      firstDate: heavy.firstDate,
      lastDate: heavy.lastDate,
      years: round(heavy.years),
      byCategory: heavy.byCategory,
      construction: `the heaviest of ${heavy.candidates.toLocaleString('en-US')} citizens generated beyond the seeded ones (generator index ${heavy.index}), inserted exactly as the generator made it`,
    },
    typicalCitizens: {
      count: typical.length,
      recordsMin: Math.min(...typical.map((c) => c.records)),
      recordsMax: Math.max(...typical.map((c) => c.records)),
    },
    targets: TARGETS,
    pass: {
      recordsRatioToFloor: recordsRatioPass,
      ...(postgresRatioPass === undefined ? {} : { recordsRatioToFloorPostgres: postgresRatioPass }),
      filesPerSecond: load.pass.filesPerSecond,
      p99: load.pass.p99,
      all: recordsRatioPass && postgresRatioPass !== false && load.pass.filesPerSecond && load.pass.p99,
    },
    measures: {
      serverTime: {
        route:
          'GET /api/export/files/:ticket?format=…, one request at a time from a child process over loopback, send to last byte, nothing subtracted',
        steps:
          'in process, the functions the route calls: the read alone (readRecordsJson for records, readRecords for the others); assembleContent (read + serialize); sealExportFile (digest, deflate level 3, JWS ES256, JWE ECDH-ES + A256GCM)',
        floor: {
          what: 'JSON.stringify + TextEncoder + one AES-256-GCM encryption (WebCrypto) over the same records already in memory',
          ...floor,
        },
        formats: server,
      },
      serverTimePostgres: postgres
        ? { database: 'PostgreSQL (scratch database)', heavyRecords: input.postgres?.heavy.records, ...postgres }
        : { skipped: 'HEALTHBANK_BENCH_POSTGRES_URL is not set' },
      load,
      sdk: {
        what: 'openExportFile: JWE decryption (ECDH-ES, A256GCM), JWS verification against the export JWKS, claims checks, inflate within the signed length, SHA-256 digest, JSON.parse; the device key imported non-extractable',
        chromium: {
          version: input.chromium.chromium,
          userAgent: input.chromium.userAgent,
          keyExtractable: input.chromium.keyExtractable,
          bundle: input.chromium.bundle,
          formats: openFigures(input.chromium.formats),
        },
        node: openFigures(input.node),
      },
    },
  };
}
