/**
 * A closed-loop HTTP load generator for the authorization benchmark, run in a child process so
 * that it never shares the server's event loop: `concurrency` requests in flight, each lane
 * sending its next request as soon as the previous answer has been read in full, for a fixed time
 * after a warm-up, and never more than a fixed number of requests.
 *
 * Token requests need a fresh client assertion and a fresh DPoP proof each (both are single use);
 * the child signs them before each phase, never while it measures, so signing costs the server's
 * cores nothing during the measurement.
 */
import { fork } from 'node:child_process';
import type { JWK } from 'jose';
import { cpuBetween, machineBusyMs, processCpuMs } from './auth-cpu.js';

/** What a token request needs to authenticate: the client's and the DPoP key's private JWKs. */
export interface TokenCredentials {
  /** The issuer: the client assertion's audience (FAPI 2.0 §5.3.2.1). */
  issuer: string;
  /** The token endpoint's URL: the DPoP proof's `htu`. */
  tokenEndpoint: string;
  clientId: string;
  /** The private key registered for `private_key_jwt` (with `kid`). */
  clientKey: JWK;
  /** The DPoP key the grant is bound to. */
  dpopKey: JWK;
}

/** The request each lane sends. */
export type LoadTarget =
  /** The same GET again and again; the body must contain `expect`. */
  | { kind: 'get'; path: string; headers: Record<string, string>; expect: string }
  /** The refresh_token grant of a confidential client, whose refresh token does not rotate. */
  | { kind: 'refresh'; credentials: TokenCredentials; refreshToken: string }
  /**
   * The authorization_code grant, one request per code (codes are single use): the first
   * `warmupCodes` codes are the warm-up (within `warmupMs`), the rest are measured.
   */
  | {
      kind: 'code';
      credentials: TokenCredentials;
      redirectUri: string;
      codes: { code: string; verifier: string }[];
      warmupCodes: number;
    };

export interface LoadJob {
  /** `http://127.0.0.1:<port>`; only loopback addresses are accepted. */
  origin: string;
  concurrency: number;
  /** Untimed requests first (0 for none), so the server's code is compiled and its caches warm. */
  warmupMs: number;
  durationMs: number;
  /** Upper bound on requests in the whole job, warm-up included. */
  maxRequests: number;
  target: LoadTarget;
}

export interface PhaseResult {
  requests: number;
  /** Requests answered with something other than the expected success. */
  failed: number;
  elapsedMs: number;
  /** One per successful request, send to last byte, in milliseconds. */
  latenciesMs: number[];
  statuses: Record<string, number>;
  /** The first unexpected answer, shortened (for diagnosis; contains no tokens). */
  firstFailure?: string;
  /** True when the phase ended because its prepared requests ran out rather than on time. */
  exhausted: boolean;
}

export interface LoadResult {
  warmup: PhaseResult;
  measured: PhaseResult;
  /** Requests signed ahead of the measured phase, and how long signing took. */
  prepared: { requests: number; ms: number };
  /** CPU time spent during the measured phase, in milliseconds. */
  cpu: CpuSplit;
}

/**
 * Where the machine's CPU time went during the measured phase, in milliseconds: this process (the
 * server, all its threads), the database's own processes (PostgreSQL; none for SQLite, which runs
 * inside the server), the load generator, and everything else on the machine. The last should be
 * near 0: when it is not, another program competed with the benchmark and its figures are
 * pessimistic.
 */
export interface CpuSplit {
  wallMs: number;
  serverMs: number;
  databaseMs: number;
  generatorMs: number;
  otherMs: number;
}

/** Messages from the child process: the measured phase starts and ends, then the result. */
export type LoadMessage =
  | { type: 'measuring' }
  | { type: 'measured'; generatorCpuMs: number }
  | { type: 'result'; result: Omit<LoadResult, 'cpu'> }
  | { type: 'error'; message: string };

export interface LoadOptions {
  /** The processes of an out-of-process database serving the server (asked at each reading). */
  databasePids?: () => Promise<number[]>;
}

interface CpuSnapshot {
  at: number;
  server: NodeJS.CpuUsage;
  machineBusyMs: number;
  database: Map<number, number>;
}

async function snapshot(opts: LoadOptions): Promise<CpuSnapshot> {
  const at = performance.now();
  const server = process.cpuUsage();
  const busy = machineBusyMs();
  const database = opts.databasePids ? processCpuMs(await opts.databasePids()) : new Map<number, number>();
  return { at, server, machineBusyMs: busy, database };
}

function split(start: CpuSnapshot, end: CpuSnapshot, generatorMs: number): CpuSplit {
  const serverMs = (end.server.user - start.server.user + (end.server.system - start.server.system)) / 1000;
  const databaseMs = cpuBetween(start.database, end.database);
  const busyMs = end.machineBusyMs - start.machineBusyMs;
  return {
    wallMs: end.at - start.at,
    serverMs,
    databaseMs,
    generatorMs,
    otherMs: Math.max(0, busyMs - serverMs - databaseMs - generatorMs),
  };
}

/**
 * Several runs of one measure as one: their measured requests, time, latencies and CPU added up
 * (the gaps between runs are in none of them). A single run is returned as it is.
 */
export function poolRounds(rounds: readonly LoadResult[]): LoadResult {
  const [first, ...rest] = rounds;
  if (!first) throw new Error('no rounds to pool');
  if (rest.length === 0) return first;
  const phase = (pick: (r: LoadResult) => PhaseResult): PhaseResult => {
    const phases = rounds.map(pick);
    const statuses: Record<string, number> = {};
    for (const p of phases) for (const [k, n] of Object.entries(p.statuses)) statuses[k] = (statuses[k] ?? 0) + n;
    return {
      requests: sum(phases.map((p) => p.requests)),
      failed: sum(phases.map((p) => p.failed)),
      elapsedMs: sum(phases.map((p) => p.elapsedMs)),
      latenciesMs: phases.flatMap((p) => p.latenciesMs),
      statuses,
      firstFailure: phases.find((p) => p.firstFailure)?.firstFailure,
      exhausted: phases.some((p) => p.exhausted),
    };
  };
  const cpu = (key: keyof CpuSplit) => sum(rounds.map((r) => r.cpu[key]));
  return {
    warmup: phase((r) => r.warmup),
    measured: phase((r) => r.measured),
    prepared: {
      requests: sum(rounds.map((r) => r.prepared.requests)),
      ms: sum(rounds.map((r) => r.prepared.ms)),
    },
    cpu: {
      wallMs: cpu('wallMs'),
      serverMs: cpu('serverMs'),
      databaseMs: cpu('databaseMs'),
      generatorMs: cpu('generatorMs'),
      otherMs: cpu('otherMs'),
    },
  };
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Runs one job in a fresh child process and returns what it measured. */
export function runLoad(job: LoadJob, opts: LoadOptions = {}): Promise<LoadResult> {
  const host = new URL(job.origin).hostname;
  if (host !== '127.0.0.1' && host !== '[::1]' && host !== 'localhost') {
    return Promise.reject(new Error('the load generator only targets loopback addresses'));
  }
  // The parent's flags (`--conditions=@healthbank/source --import tsx`) let the child run TypeScript.
  const child = fork(new URL('./auth-load-worker.ts', import.meta.url), [], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The job's own bound plus generous room for signing; a stuck child is killed, not waited for.
  const limitMs = job.warmupMs + job.durationMs + 120_000;
  return new Promise<LoadResult>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, result?: LoadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill();
      if (error) reject(error);
      else resolve(result as LoadResult);
    };
    const timer = setTimeout(() => finish(new Error(`the load generator took over ${limitMs} ms`)), limitMs);
    let start: Promise<CpuSnapshot> | undefined;
    let end: Promise<CpuSnapshot> | undefined;
    let generatorMs = 0;
    let answered = false;
    child.on('message', (message: LoadMessage) => {
      if (message.type === 'measuring') {
        start = snapshot(opts);
      } else if (message.type === 'measured') {
        generatorMs = message.generatorCpuMs;
        end = snapshot(opts);
      } else if (message.type === 'result') {
        answered = true;
        if (!start || !end) return finish(new Error('the load generator never announced its measured phase'));
        Promise.all([start, end]).then(
          ([s, e]) => finish(undefined, { ...message.result, cpu: split(s, e, generatorMs) }),
          (error: unknown) => finish(error instanceof Error ? error : new Error(String(error))),
        );
      } else {
        finish(new Error(`load generator: ${message.message}`));
      }
    });
    child.on('error', (error) => finish(error));
    // After its result the child exits on its own; before, an exit is a crash.
    child.on('exit', (code, signal) => {
      if (!answered) finish(new Error(`the load generator exited (${signal ?? code})`));
    });
    child.send(job);
  });
}
