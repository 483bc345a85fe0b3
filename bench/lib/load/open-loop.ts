/**
 * An open-loop HTTP load generator, run in a child process (`open-worker.ts`) so that it never
 * shares the server's event loop: requests go out on a fixed schedule, phase by phase, whether or
 * not earlier ones have been answered, as real citizens' requests do. Each latency is measured from
 * the moment the request was due, so a server that falls behind is charged for the queue it
 * builds (no coordinated omission).
 *
 * Requests that need signatures (client assertions, DPoP proofs: single use, valid for a minute)
 * are signed just before they are sent, by the child.
 */
import { fork } from 'node:child_process';
import type { JWK } from 'jose';
import type { TokenCredentials } from './job.js';

/** One kind of request in the mix, and what it needs. */
export type OpenTarget =
  /** GETs of the given paths in turn, with the given cookies in turn (a signed-in portal). */
  | { kind: 'page'; paths: string[]; cookies: string[] }
  /** GETs of public documents (discovery, key sets). */
  | { kind: 'static'; paths: string[] }
  /** The refresh_token grant of a confidential client whose refresh token does not rotate. */
  | { kind: 'refresh'; credentials: TokenCredentials; refreshToken: string }
  /** Pushed authorization requests of a confidential client (each stores a request object). */
  | { kind: 'par'; credentials: TokenCredentials; redirectUri: string; scope: string }
  /** Export files: each ticket may give `files` more today; taken in turn. */
  | { kind: 'file'; dpopKey: JWK; tickets: { ticket: string; files: number }[] };

export type OpenKind = OpenTarget['kind'];

export interface OpenPhase {
  name: string;
  /** Requests per second, evenly spaced. */
  rate: number;
  seconds: number;
}

export interface OpenLoadJob {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  phases: OpenPhase[];
  /** The mix: each target's share of the requests (weights, e.g. 35, 25, 15 …). */
  mix: { target: OpenTarget; weight: number }[];
  /** A request unanswered this long counts as a timeout. */
  timeoutMs: number;
}

/** One answered (or failed) request: when it was due (ms from the phase's start) and how it went. */
export interface OpenSample {
  kind: OpenKind;
  dueMs: number;
  latencyMs: number;
  /** HTTP status, 0 for no answer (connection refused or reset, timeout). */
  status: number;
  /** Whether a 429 or 503 carried Retry-After. */
  retryAfter: boolean;
}

export interface OpenPhaseResult {
  phase: OpenPhase;
  /** Requests due in the phase and sent. */
  sent: number;
  samples: OpenSample[];
  /** How late the generator itself sent requests (ms past due, p99): its own lag, near 0 when it keeps up. */
  sendLagP99Ms: number;
}

export type OpenLoadMessage =
  | { type: 'phase'; index: number }
  | { type: 'result'; phases: OpenPhaseResult[] }
  | { type: 'error'; message: string };

/**
 * Runs the job in a fresh child process; `onPhase` is called as each phase starts (to sample the
 * server's memory, say). Resolves with every phase's samples.
 */
export function runOpenLoad(job: OpenLoadJob, onPhase: (index: number) => void = () => {}): Promise<OpenPhaseResult[]> {
  if (new URL(job.origin).hostname !== '127.0.0.1') {
    return Promise.reject(new Error('the load generator only targets 127.0.0.1'));
  }
  const child = fork(new URL('./open-worker.ts', import.meta.url), [], {
    execArgv: process.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const limitMs = job.phases.reduce((ms, p) => ms + p.seconds * 1000, 0) + job.timeoutMs + 120_000;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, phases?: OpenPhaseResult[]) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (child.exitCode === null) child.kill();
      if (error) reject(error);
      else resolve(phases ?? []);
    };
    const timer = setTimeout(() => finish(new Error(`the load generator took over ${limitMs} ms`)), limitMs);
    child.on('message', (message: OpenLoadMessage) => {
      if (message.type === 'phase') onPhase(message.index);
      else if (message.type === 'result') finish(undefined, message.phases);
      else finish(new Error(`load generator: ${message.message}`));
    });
    child.on('error', (error) => finish(error));
    child.on('exit', (code, signal) => finish(new Error(`the load generator exited (${signal ?? code})`)));
    child.send(job);
  });
}
