/**
 * Authorization server benchmark: token endpoint throughput and latency on loopback, against the
 * server's own floor (`GET /healthz`), and consent-page renders per second.
 *
 *   node --conditions=@healthbank/source --import tsx bench/auth.ts
 *
 * The real server (Fastify + oidc-provider, FAPI 2.0 baseline) listens on 127.0.0.1 over a scratch
 * database with a small synthetic population. A confidential bench app (`private_key_jwt`) goes
 * through real flows first (PAR, PKCE, DPoP, persona sign-in, consent). Then a load generator in a
 * child process, so it never shares the server's event loop, keeps a fixed number of requests in
 * flight for a fixed time after a warm-up (closed loop):
 *
 * - `GET /healthz`: the floor, one database round trip.
 * - `POST /oauth/token`, refresh_token grant: one refresh token of an ongoing consent, redeemed
 *   again and again (a confidential client's refresh token does not rotate, FAPI 2.0 §5.3.2.1).
 *   Every request carries its own client assertion and DPoP proof, signed by the generator
 *   before the phase starts.
 * - `GET /consent/:uid`: the consent page of an interaction waiting at the consent prompt (GET
 *   changes nothing, so the same page is rendered again and again).
 * - `POST /oauth/token`, authorization_code grant: one request per code (codes are single use and
 *   live 60 s). Codes are minted by real flows in rounds, each round's codes redeemed right after
 *   they are minted, and the rounds' measured requests are pooled.
 *
 * All four run on SQLite; the floor and both grants run on PostgreSQL too when
 * HEALTHBANK_BENCH_POSTGRES_URL names a server where scratch databases may be created (e.g.
 * postgres://postgres@127.0.0.1:5432/postgres). HEALTHBANK_BENCH_AUTH_CONCURRENCY sets the
 * requests in flight (default 8).
 *
 * The benchmark also accounts for where the CPU went during each measure (server, PostgreSQL,
 * load generator, everything else) and flags a measure during which other programs took more
 * than a quarter of a core: its figures are pessimistic.
 * Writes bench/results/auth.json and prints a table.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import type { TestTarget } from '../packages/server/src/db/testing.js';
import {
  type BenchPlatform,
  mintCodes,
  ongoingRefreshToken,
  pendingConsentPage,
  startBenchPlatform,
  TEST_REDIRECT_URI,
} from './lib/auth-platform.js';
import type { LoadJob, LoadResult } from './lib/load/job.js';
import { poolRounds } from './lib/load/rounds.js';
import { runLoad } from './lib/load/runner.js';
import { machineFacts } from './lib/machine.js';
import { databaseProcesses } from './lib/platform.js';
import { progressLine } from './lib/progress.js';
import { percentile, round } from './lib/stats.js';
import { formatTable } from './lib/table.js';

const SEED = 'healthbank-bench';
const AS_OF = '2025-06-30';
const CITIZENS = 200;
const WARMUP_MS = 2_000;
const TOKEN_DURATION_MS = 8_000;
const PAGE_DURATION_MS = 4_000;
/** Bound on the requests of one measure, warm-up included. */
const MAX_REQUESTS = 200_000;
/**
 * The code-grant measure: rounds of codes minted and then redeemed (the first ones of each round
 * warm up), and the browsers minting them. A round mints in about 15 s, well inside a code's 60 s.
 */
const CODE_ROUNDS = 5;
const CODES_PER_ROUND = 700;
const WARMUP_CODES = 100;
const CODE_LANES = 4;
/** Cores' worth of CPU used by other programs during a measure above which its figures are flagged. */
const CONTENDED_CORES = 0.25;
/** The targets for the token endpoint, on 2 cores. */
const TARGET_RPS = 300;
const TARGET_P99_MS = 100;

type MeasureId = 'healthz' | 'token-refresh' | 'consent-page' | 'token-code';
type DatabaseLabel = 'sqlite' | 'postgres';

const LABELS: Record<MeasureId, string> = {
  healthz: 'GET /healthz (floor)',
  'token-refresh': 'POST /oauth/token refresh_token',
  'token-code': 'POST /oauth/token authorization_code',
  'consent-page': 'GET /consent/:uid',
};

/** What runs on each database: everything on SQLite, the floor and the token endpoint on PostgreSQL. */
const PLAN: Record<DatabaseLabel, MeasureId[]> = {
  sqlite: ['healthz', 'token-refresh', 'consent-page', 'token-code'],
  postgres: ['healthz', 'token-refresh', 'token-code'],
};

function concurrency(): number {
  const n = Number(process.env.HEALTHBANK_BENCH_AUTH_CONCURRENCY ?? 8);
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new Error('HEALTHBANK_BENCH_AUTH_CONCURRENCY must be a whole number from 1 to 256');
  }
  return n;
}

interface Measure {
  database: DatabaseLabel;
  id: MeasureId;
  result: LoadResult;
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadAverage = os.loadavg()[0] ?? 0;
  const inFlight = concurrency();
  const pgUrl = process.env.HEALTHBANK_BENCH_POSTGRES_URL;
  const targets: TestTarget[] = [{ dialect: 'sqlite', label: 'sqlite' }];
  if (pgUrl) targets.push({ dialect: 'postgres', label: 'postgres', serverUrl: pgUrl });
  const measures: Measure[] = [];
  const setup: Partial<Record<DatabaseLabel, number>> = {};
  for (const target of targets) {
    const database = target.label as DatabaseLabel;
    const t0 = performance.now();
    const bench = await startBenchPlatform(target, { citizens: CITIZENS, seed: SEED, asOf: AS_OF });
    // Ctrl-C still deletes the scratch database (a PostgreSQL one would otherwise stay behind).
    let stop: (() => void) | undefined;
    const interrupted = new Promise<never>((_, reject) => {
      stop = () => reject(new Error('interrupted'));
      process.once('SIGINT', stop);
    });
    try {
      const work = async () => {
        const refreshToken = await ongoingRefreshToken(bench);
        const consent = await pendingConsentPage(bench);
        setup[database] = (performance.now() - t0) / 1000;
        const run: Run = { database, bench, inFlight, refreshToken, consent };
        for (const id of PLAN[database]) measures.push(await measure(run, id));
      };
      await Promise.race([work(), interrupted]);
    } finally {
      if (stop) process.off('SIGINT', stop);
      await bench.platform.close();
    }
  }
  const result = report(measures, {
    concurrency: inFlight,
    loadAverage,
    setupSeconds: setup,
    runtimeSeconds: (performance.now() - started) / 1000,
    postgresSkipped: pgUrl ? undefined : 'HEALTHBANK_BENCH_POSTGRES_URL is not set',
  });
  const out = join(import.meta.dirname, 'results', 'auth.json');
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

/** One database's platform and what its measures need. */
interface Run {
  database: DatabaseLabel;
  bench: BenchPlatform;
  inFlight: number;
  refreshToken: string;
  consent: { path: string; cookie: string };
}

async function measure(run: Run, id: MeasureId): Promise<Measure> {
  const { database, bench } = run;
  const databasePids = databaseProcesses(bench.platform.db);
  const rounds: LoadResult[] = [];
  for (let round = 1; round <= (id === 'token-code' ? CODE_ROUNDS : 1); round++) {
    const load = await jobFor(id, run);
    const of = id === 'token-code' ? ` (round ${round} of ${CODE_ROUNDS})` : '';
    process.stderr.write(`${database}: ${LABELS[id]}, ${run.inFlight} in flight${of} …\n`);
    const result = await runLoad(load, databasePids ? { databasePids } : {});
    const failed = result.measured.failed + result.warmup.failed;
    if (failed > 0) {
      const first = result.measured.firstFailure ?? result.warmup.firstFailure;
      throw new Error(`${database}: ${LABELS[id]}: ${failed} requests failed; first: ${first}`);
    }
    rounds.push(result);
  }
  return { database, id, result: poolRounds(rounds) };
}

async function jobFor(id: MeasureId, run: Run): Promise<LoadJob> {
  const { bench, inFlight, refreshToken, consent } = run;
  const common = {
    origin: bench.platform.url,
    concurrency: inFlight,
    warmup: { maxMs: WARMUP_MS },
    maxRequests: MAX_REQUESTS,
  };
  const { credentials } = bench;
  switch (id) {
    case 'healthz':
      return {
        ...common,
        measured: { maxMs: PAGE_DURATION_MS },
        target: { kind: 'get', path: '/healthz', headers: { accept: 'application/json' }, expect: '"ok"' },
      };
    case 'token-refresh':
      return {
        ...common,
        measured: { maxMs: TOKEN_DURATION_MS },
        target: { kind: 'refresh', credentials, refreshToken },
      };
    case 'consent-page':
      return {
        ...common,
        measured: { maxMs: PAGE_DURATION_MS },
        target: {
          kind: 'get',
          path: consent.path,
          headers: { accept: 'text/html', 'accept-language': 'zh-TW', cookie: consent.cookie },
          expect: 'name="_csrf"',
        },
      };
    case 'token-code': {
      const codes = await mint(bench);
      return {
        ...common,
        // The first codes warm up (within the usual warm-up time); the rest are measured.
        warmup: { maxMs: WARMUP_MS, maxRequests: WARMUP_CODES },
        measured: { maxMs: TOKEN_DURATION_MS },
        target: { kind: 'code', credentials, redirectUri: TEST_REDIRECT_URI, codes },
      };
    }
  }
}

/** Codes live 60 s: minted right before their measure. */
async function mint(bench: BenchPlatform): Promise<{ code: string; verifier: string }[]> {
  const progress = progressLine('minting authorization codes through real flows', 0, CODES_PER_ROUND);
  const t0 = performance.now();
  const codes = await mintCodes(bench, CODES_PER_ROUND, CODE_LANES, (done) =>
    progress.update(done, `${Math.round(done / ((performance.now() - t0) / 1000))} flows/s`),
  );
  progress.end();
  return codes;
}

interface RunInfo {
  concurrency: number;
  loadAverage: number;
  setupSeconds: Partial<Record<DatabaseLabel, number>>;
  runtimeSeconds: number;
  postgresSkipped: string | undefined;
}

function figures(m: Measure) {
  const { measured, cpu } = m.result;
  const seconds = measured.elapsedMs / 1000;
  const cores = (ms: number) => round(ms / cpu.wallMs);
  return {
    label: LABELS[m.id],
    requests: measured.requests,
    seconds: round(seconds),
    requestsPerSecond: round(measured.requests / seconds),
    p50Ms: round(percentile(measured.latenciesMs, 50)),
    p90Ms: round(percentile(measured.latenciesMs, 90)),
    p99Ms: round(percentile(measured.latenciesMs, 99)),
    maxMs: round(Math.max(...measured.latenciesMs)),
    endedBy: measured.exhausted ? 'requests ran out' : 'time',
    warmupRequests: m.result.warmup.requests,
    signedAhead: m.result.prepared.requests,
    signingMs: Math.round(m.result.prepared.ms),
    cpu: {
      serverMsPerRequest: round(cpu.serverMs / measured.requests),
      serverCores: cores(cpu.serverMs),
      databaseCores: cores(cpu.databaseMs),
      generatorCores: cores(cpu.generatorMs),
      otherCores: cores(cpu.otherMs),
    },
  };
}

type Figures = ReturnType<typeof figures>;

interface Ratios {
  throughput: number;
  p50: number;
  p99: number;
}

interface Verdict {
  requestsPerSecondPass: boolean;
  p99Pass: boolean;
  pass: boolean;
}

type Compared = Figures & { vsFloor?: Ratios; target?: Verdict };

/** One database's figures, with ratios to its floor and, for the token endpoint, the verdict. */
function databaseReport(measures: Figures[], ids: MeasureId[]) {
  const byId = new Map(ids.map((id, i) => [id, measures[i] as Figures]));
  const floor = byId.get('healthz');
  const compared = (id: MeasureId, judged: boolean): Compared | undefined => {
    const f = byId.get(id);
    if (!f || !floor) return undefined;
    const vsFloor = {
      throughput: round(f.requestsPerSecond / floor.requestsPerSecond),
      p50: round(f.p50Ms / floor.p50Ms),
      p99: round(f.p99Ms / floor.p99Ms),
    };
    if (!judged) return { ...f, vsFloor };
    const requestsPerSecondPass = f.requestsPerSecond >= TARGET_RPS;
    const p99Pass = f.p99Ms <= TARGET_P99_MS;
    return { ...f, vsFloor, target: { requestsPerSecondPass, p99Pass, pass: requestsPerSecondPass && p99Pass } };
  };
  return {
    healthz: floor as Compared | undefined,
    tokenRefresh: compared('token-refresh', true),
    tokenAuthorizationCode: compared('token-code', true),
    consentPage: compared('consent-page', false),
  };
}

function report(measures: Measure[], info: RunInfo) {
  const databases = [...new Set(measures.map((m) => m.database))];
  const reports = new Map(
    databases.map((db) => {
      const own = measures.filter((m) => m.database === db);
      return [
        db,
        databaseReport(
          own.map(figures),
          own.map((m) => m.id),
        ),
      ] as const;
    }),
  );
  const rows: unknown[][] = [];
  const contended: string[] = [];
  for (const [db, r] of reports) {
    for (const f of [r.healthz, r.tokenRefresh, r.tokenAuthorizationCode, r.consentPage]) {
      if (!f) continue;
      const ratios = f.vsFloor ?? { throughput: 1, p99: 1 };
      const verdict = f.target ? (f.target.pass ? 'pass' : 'FAIL') : '';
      rows.push([
        `${db} · ${f.label}`,
        f.requests,
        f.requestsPerSecond,
        f.p50Ms,
        f.p99Ms,
        f.maxMs,
        f.cpu.serverMsPerRequest,
        f.cpu.serverCores,
        db === 'postgres' ? f.cpu.databaseCores : undefined,
        f.cpu.otherCores,
        ratios.throughput,
        ratios.p99,
        verdict,
      ]);
      if (f.cpu.otherCores > CONTENDED_CORES) contended.push(`${db} · ${f.label}`);
    }
  }
  if (info.postgresSkipped) rows.push(['postgres (skipped)']);
  console.log('');
  console.log(
    formatTable(
      `Authorization server on loopback, ${info.concurrency} requests in flight, ${os.cpus().length} cores (token endpoint target ≥ ${TARGET_RPS} req/s and p99 ≤ ${TARGET_P99_MS} ms on 2 cores)`,
      [
        'measure',
        'requests',
        'req/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'server CPU ms/req',
        'server cores',
        'PostgreSQL cores',
        'other cores',
        '× floor req/s',
        '× floor p99',
        'target',
      ],
      rows,
    ),
  );
  if (contended.length > 0) {
    console.log(
      `\nwarning: other programs used over ${CONTENDED_CORES} of a core during: ${contended.join('; ')}. Those figures are pessimistic; run again on a quiet machine.`,
    );
  }
  console.log(
    `\nruntime ${Math.round(info.runtimeSeconds)} s · 1-min load average at start ${round(info.loadAverage)}`,
  );

  const tokenMeasures = [...reports.values()].flatMap((r) => [r.tokenRefresh, r.tokenAuthorizationCode]);
  return {
    benchmark: 'auth',
    date: new Date().toISOString(),
    runtimeSeconds: Math.round(info.runtimeSeconds),
    machine: {
      ...machineFacts(info.loadAverage),
      contendedMeasures: contended,
    },
    settings: {
      population: { seed: SEED, asOf: AS_OF, citizens: CITIZENS, personas: 'on top' },
      transport: 'HTTP/1.1 keep-alive over 127.0.0.1',
      loadGenerator:
        'child process (node:http), closed loop: each of `concurrency` lanes sends its next request when the previous answer has been read in full',
      concurrency: info.concurrency,
      warmupSeconds: WARMUP_MS / 1000,
      durationSeconds: { token: TOKEN_DURATION_MS / 1000, pages: PAGE_DURATION_MS / 1000 },
      maxRequestsPerMeasure: MAX_REQUESTS,
      tokenRequests:
        'each with a fresh private_key_jwt client assertion and DPoP proof (ES256), signed by the load generator before the phase, not during it',
      authorizationCodes: {
        rounds: CODE_ROUNDS,
        mintedPerRound: CODES_PER_ROUND,
        warmupPerRound: WARMUP_CODES,
        mintingBrowsers: CODE_LANES,
      },
      oauthRateLimit: 'raised to 1,000,000 per minute (one client address sends every request)',
      logLevel: 'warn',
      setupSeconds: Object.fromEntries(Object.entries(info.setupSeconds).map(([k, v]) => [k, round(v)])),
    },
    targets: { tokenRequestsPerSecond: TARGET_RPS, tokenP99Ms: TARGET_P99_MS, onCores: 2 },
    pass: tokenMeasures.every((t) => t?.target === undefined || t.target.pass),
    measures: {
      ...Object.fromEntries(reports),
      ...(info.postgresSkipped ? { postgres: { skipped: info.postgresSkipped } } : {}),
    },
  };
}

await main();
