/**
 * A closed-loop HTTP load generator, run in a child process (`worker.ts`) so that it never shares
 * the server's event loop: `concurrency` lanes, each sending its next request as soon as the
 * previous answer has been read in full, through a warm-up and then a measured phase, each bounded
 * in time and in requests.
 *
 * Requests that need signatures (client assertions, DPoP proofs: single use) are signed by the
 * child before each phase, never while it measures, so signing costs the server's cores nothing
 * during the measurement. This side accounts for where the CPU went meanwhile.
 */
import { fork } from 'node:child_process';
import { type CpuSnapshot, cpuSnapshot, cpuSplit } from './cpu.js';
import type { LoadJob, LoadMessage, LoadResult } from './job.js';

export interface LoadOptions {
  /** The processes of an out-of-process database serving the server (asked at each reading). */
  databasePids?: () => Promise<number[]>;
  /** The server's processes when it runs apart from this one (`healthbank start`, its workers). */
  serverPids?: () => number[];
}

/** Room on top of the job's own time bounds for starting the child and signing ahead. */
const SPARE_MS = 120_000;

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Runs one job in a fresh child process and returns what it measured. */
export function runLoad(job: LoadJob, opts: LoadOptions = {}): Promise<LoadResult> {
  if (!LOOPBACK.has(new URL(job.origin).hostname)) {
    return Promise.reject(new Error('the load generator only targets loopback addresses'));
  }
  // The parent's flags (`--conditions=@healthbank/source --import tsx`) let the child run TypeScript.
  const child = fork(new URL('./worker.ts', import.meta.url), [], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // A stuck child is killed, not waited for.
  const limitMs = job.warmup.maxMs + job.measured.maxMs + SPARE_MS;
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
        start = cpuSnapshot(opts.databasePids, opts.serverPids);
      } else if (message.type === 'measured') {
        generatorMs = message.generatorCpuMs;
        end = cpuSnapshot(opts.databasePids, opts.serverPids);
      } else if (message.type === 'result') {
        answered = true;
        if (!start || !end) return finish(new Error('the load generator never announced its measured phase'));
        Promise.all([start, end]).then(
          ([s, e]) => finish(undefined, { ...message.result, cpu: cpuSplit(s, e, generatorMs) }),
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
