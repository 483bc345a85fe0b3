/**
 * A closed-loop HTTP client for the export benchmark, run in a child process so that it never
 * shares the server's event loop: `concurrency` lanes fetch export files
 * (`GET /api/export/files/:ticket`), each sending its next request as soon as the previous file
 * has been read in full, through a warm-up and then a measured phase, each bounded in time and in
 * requests.
 *
 * Every fetch needs a fresh DPoP proof of the key the ticket is bound to (the server records each
 * proof's `jti`), and a consent gives at most 24 files a day, so the job names many tickets and
 * how many files each may still give. The child signs every proof before the warm-up (a proof
 * stays valid 60 s), taking the tickets in turn, so signing costs the server's cores nothing
 * while it is measured.
 */
import { fork } from 'node:child_process';
import type { ExportContentFormat } from '@healthbank/records';
import type { JWK } from 'jose';
import { machineBusyMs } from './auth-cpu.js';

/**
 * Where the machine's CPU time went during a measured phase, in milliseconds: this process (the
 * server with SQLite inside, all its threads), the load generator, and everything else. The last
 * should be near 0; when it is not, another program competed and the figures are pessimistic.
 */
export interface CpuSplit {
  wallMs: number;
  serverMs: number;
  generatorMs: number;
  otherMs: number;
}

export interface PhaseBounds {
  maxMs: number;
  maxRequests: number;
}

export interface ExportLoadJob {
  /** `http://127.0.0.1:<port>`; only loopback addresses are accepted. */
  origin: string;
  concurrency: number;
  format: ExportContentFormat;
  /** The DPoP key the tickets are bound to (private JWK). */
  dpopKey: JWK;
  /** Tickets and how many files each may still fetch. */
  tickets: { ticket: string; files: number }[];
  warmup: PhaseBounds;
  measured: PhaseBounds;
}

export interface PhaseResult {
  requests: number;
  /** Requests answered with anything but a 200 carrying a compact JWE. */
  failed: number;
  elapsedMs: number;
  /** One per successful request, send to last byte, in milliseconds. */
  latenciesMs: number[];
  /** Bytes of the files received (successful requests). */
  fileBytes: number[];
  statuses: Record<string, number>;
  /** The first unexpected answer, shortened (a problem document; it contains no record). */
  firstFailure?: string;
  /** True when the phase ended because its proofs ran out rather than on time. */
  exhausted: boolean;
}

export interface ExportLoadResult {
  warmup: PhaseResult;
  measured: PhaseResult;
  /** Proofs signed before the warm-up, and how long signing took. */
  prepared: { requests: number; ms: number };
  /** Where the machine's CPU went during the measured phase. */
  cpu: CpuSplit;
}

/** Messages from the child process: the measured phase starts and ends, then the result. */
export type ExportLoadMessage =
  | { type: 'measuring' }
  | { type: 'measured'; generatorCpuMs: number }
  | { type: 'result'; result: Omit<ExportLoadResult, 'cpu'> }
  | { type: 'error'; message: string };

interface CpuSnapshot {
  at: number;
  server: NodeJS.CpuUsage;
  machineBusyMs: number;
}

const snapshot = (): CpuSnapshot => ({
  at: performance.now(),
  server: process.cpuUsage(),
  machineBusyMs: machineBusyMs(),
});

function split(start: CpuSnapshot, end: CpuSnapshot, generatorMs: number): CpuSplit {
  const serverMs = (end.server.user - start.server.user + (end.server.system - start.server.system)) / 1000;
  const busyMs = end.machineBusyMs - start.machineBusyMs;
  return {
    wallMs: end.at - start.at,
    serverMs,
    generatorMs,
    otherMs: Math.max(0, busyMs - serverMs - generatorMs),
  };
}

/**
 * Runs one job in a fresh child process and returns what it measured. The server is this
 * process (SQLite runs inside it), so its CPU time is this process's.
 */
export function runExportLoad(job: ExportLoadJob): Promise<ExportLoadResult> {
  const host = new URL(job.origin).hostname;
  if (host !== '127.0.0.1' && host !== '[::1]' && host !== 'localhost') {
    return Promise.reject(new Error('the load generator only targets loopback addresses'));
  }
  // The parent's flags (`--conditions=@healthbank/source --import tsx`) let the child run TypeScript.
  const child = fork(new URL('./export-load-worker.ts', import.meta.url), [], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // The job's own bounds plus room for signing; a stuck child is killed, not waited for.
  const limitMs = job.warmup.maxMs + job.measured.maxMs + 60_000;
  return new Promise<ExportLoadResult>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, result?: ExportLoadResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill();
      if (error) reject(error);
      else resolve(result as ExportLoadResult);
    };
    const timer = setTimeout(() => finish(new Error(`the load generator took over ${limitMs} ms`)), limitMs);
    let start: CpuSnapshot | undefined;
    let end: CpuSnapshot | undefined;
    let generatorMs = 0;
    let answered = false;
    child.on('message', (message: ExportLoadMessage) => {
      if (message.type === 'measuring') {
        start = snapshot();
      } else if (message.type === 'measured') {
        generatorMs = message.generatorCpuMs;
        end = snapshot();
      } else if (message.type === 'result') {
        answered = true;
        if (!start || !end) return finish(new Error('the load generator never announced its measured phase'));
        finish(undefined, { ...message.result, cpu: split(start, end, generatorMs) });
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
