/**
 * `healthbank start --workers N`: N server processes on the same ports (`node:cluster`), so one
 * machine's cores all serve. The primary migrates and seeds before any worker exists (workers never
 * race a migration or a seed), starts the example apps and prints the banner once, restarts a worker
 * that dies (backing off when they keep dying) and stops them all on SIGINT/SIGTERM. Workers only
 * serve. Everything a worker must share with the others is in the database (docs/scaling.md), so a
 * request may land on any of them: the primary hands each new connection to the next worker.
 */
import cluster, { type Worker } from 'node:cluster';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';

/** More workers than this is a mistake rather than a plan: a machine has fewer cores. */
export const MAX_WORKERS = 64;

/** The first restart waits this long; each restart of a worker that died young waits twice as long. */
export const RESTART_DELAY_MS = 1_000;
/** The longest wait between restarts (a worker that cannot start is retried twice a minute). */
export const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that served this long died of something new: the back-off starts over. */
export const STABLE_AFTER_MS = 60_000;
/** How long a stopping worker may take to finish its requests before it is killed. */
const STOP_GRACE_MS = 10_000;

/**
 * The number of workers: `--workers`, else `HEALTHBANK_WORKERS`, else 1 (no cluster: one process
 * serves, as without the option). A whole number from 1 to {@link MAX_WORKERS}.
 */
export function workerCount(flag: string | undefined, env: string | undefined): number {
  const [name, raw] = flag !== undefined ? ['--workers', flag] : ['HEALTHBANK_WORKERS', env];
  if (raw === undefined || (flag === undefined && raw.trim() === '')) return 1;
  const value = raw.trim();
  const n = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= 1 && n <= MAX_WORKERS)) {
    throw new CliError(`${name} must be a whole number from 1 to ${MAX_WORKERS} (got ${JSON.stringify(raw)})`);
  }
  return n;
}

/** The wait before the next restart, after `streak` workers in a row died young (1, 2, 3, …). */
export function restartDelay(streak: number): number {
  return Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** Math.max(0, streak - 1));
}

/** Where a worker serves (the same for every worker: they share the ports). */
export interface ServedUrls {
  production: string;
  sandbox?: string;
}

/** What a worker tells the primary, over the cluster's IPC channel. */
type WorkerMessage =
  | { healthbank: 'ready'; urls: ServedUrls }
  | { healthbank: 'failed'; message: string; exitCode: number };

const isWorkerMessage = (m: unknown): m is WorkerMessage =>
  typeof m === 'object' &&
  m !== null &&
  ((m as WorkerMessage).healthbank === 'ready' || (m as WorkerMessage).healthbank === 'failed');

/** In a worker: tells the primary that it serves. */
export function reportReady(urls: ServedUrls): void {
  process.send?.({ healthbank: 'ready', urls } satisfies WorkerMessage);
}

/**
 * In a worker that could not start: tells the primary why (it prints the one line, not each
 * worker) and exits with the error's code once the message is out.
 */
export function reportFailure(error: unknown): Promise<never> {
  const message = error instanceof Error ? error.message : String(error);
  const exitCode = error instanceof CliError ? error.exitCode : 1;
  return new Promise<never>(() => {
    const exit = () => process.exit(exitCode);
    if (process.send) process.send({ healthbank: 'failed', message, exitCode } satisfies WorkerMessage, exit);
    else exit();
  });
}

export interface RunningWorkers {
  urls: ServedUrls;
  /** The workers' process ids now (they change as workers are restarted). */
  pids(): number[];
  /** Stops every worker gracefully (SIGTERM, then SIGKILL after a grace period) and restarts none. */
  stop(): Promise<void>;
}

interface Slot {
  worker: Worker;
  startedAt: number;
  ready: boolean;
  failure?: { message: string; exitCode: number };
}

/**
 * Forks `count` workers running this same command (`process.argv`) and resolves once every one
 * serves. If one exits or fails before then, the others are stopped and the start fails with its
 * reason (e.g. the port in use, exit code 2).
 */
export function startWorkers(io: CliIo, count: number): Promise<RunningWorkers> {
  // The workers run this process's own command line; in-process callers (tests) have none to run.
  if (!process.argv.slice(2).includes('start')) {
    throw new CliError('--workers above 1 runs only as the healthbank command (healthbank start --workers N)');
  }
  const slots = new Map<number, Slot>();
  const timers = new Set<NodeJS.Timeout>();
  let stopping: Promise<void> | undefined;
  let started = false;
  let streak = 0;
  let urls: ServedUrls | undefined;

  return new Promise<RunningWorkers>((resolve, reject) => {
    const running: RunningWorkers = {
      get urls() {
        return urls as ServedUrls;
      },
      pids: () =>
        [...slots.values()].flatMap((s) => (s.worker.process.pid === undefined ? [] : [s.worker.process.pid])),
      stop: () => {
        stopping ??= stopAll();
        return stopping;
      },
    };

    async function stopAll(): Promise<void> {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all([...slots.values()].map(({ worker }) => stopWorker(worker)));
    }

    function fork(): void {
      const worker = cluster.fork();
      const slot: Slot = { worker, startedAt: Date.now(), ready: false };
      slots.set(worker.id, slot);
      worker.on('message', (message: unknown) => {
        if (!isWorkerMessage(message)) return;
        if (message.healthbank === 'failed') {
          slot.failure = { message: message.message, exitCode: message.exitCode };
          return;
        }
        slot.ready = true;
        urls ??= message.urls;
        if (started) io.stderr.write(`healthbank: worker ${worker.process.pid} serving\n`);
        else if ([...slots.values()].every((s) => s.ready)) {
          started = true;
          resolve(running);
        }
      });
      worker.on('exit', (code, signal) => {
        slots.delete(worker.id);
        if (stopping) return;
        if (!started) {
          // A start that cannot serve is the user's to fix (a port in use, an unreachable
          // database): one line, as without workers, and no worker left behind.
          const failure = slot.failure ?? {
            message: `a worker stopped before it served (${signal ?? `exit code ${code}`})`,
            exitCode: 1,
          };
          void running.stop().then(() => reject(new CliError(failure.message, failure.exitCode)));
          return;
        }
        // Back off while workers keep dying young, so a worker that cannot start (the database is
        // down) is retried ever more slowly instead of in a tight loop; one that served a while
        // died of something new.
        streak = Date.now() - slot.startedAt >= STABLE_AFTER_MS ? 1 : streak + 1;
        const delay = restartDelay(streak);
        const why = slot.failure
          ? `could not start: ${slot.failure.message}`
          : `stopped (${signal ?? `exit code ${code}`})`;
        io.stderr.write(`healthbank: worker ${worker.process.pid} ${why}; starting another in ${delay / 1000} s\n`);
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!stopping) fork();
        }, delay);
        timers.add(timer);
      });
    }

    for (let i = 0; i < count; i++) fork();
  });
}

/** SIGTERM (the worker closes its servers, finishing requests in progress), SIGKILL if it hangs. */
function stopWorker(worker: Worker): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => worker.process.kill('SIGKILL'), STOP_GRACE_MS);
    worker.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    worker.process.kill('SIGTERM');
  });
}
