/**
 * Admission control: under more load than the process can serve, refuse new requests at once
 * with `503 overloaded` and `Retry-After` rather than queueing them until every request is slow
 * and memory grows (OWASP ASVS V11.1.4 anti-automation limits; RFC 9110 §15.6.4). Two signals:
 *
 * - **requests in progress**: past `maxInFlight`, each new request is refused until one finishes;
 * - **event-loop delay**: the p99 delay over the last quarter second, sampled by Node's
 *   `monitorEventLoopDelay`; past `maxEventLoopDelayMs` the process is saturated (CPU-bound work
 *   queued behind I/O), and new requests are refused until the delay falls back.
 *
 * The health check is always answered: an orchestrator must tell "busy" from "dead". Shedding is
 * per process, like the per-address rate limits; several processes shed independently.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ProblemError } from '../errors/problems.js';

export interface AdmissionOptions {
  maxInFlight: number;
  /** 0: no shedding by event-loop delay. */
  maxEventLoopDelayMs: number;
  /** The current event-loop delay in ms (tests inject one); default Node's monitor, p99 per second. */
  eventLoopDelayMs?: () => number;
}

/** Seconds a shed client should wait: long enough for the queue to drain, short enough to feel live. */
export const OVERLOAD_RETRY_AFTER_S = 2;

const ALWAYS_ADMITTED = new Set(['/healthz']);

/**
 * How often the delay is read. A quarter of a second: with a whole second, a saturated process
 * admitted a second's excess each time the delay dipped, and shed requests waited seconds in its
 * sockets before being refused (bench/load.ts).
 */
const DELAY_WINDOW_MS = 250;

/** Node's event-loop delay monitor: the p99 of the last full window, in milliseconds. */
function eventLoopMonitor(): { delayMs: () => number; stop: () => void } {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let last = 0;
  const timer = setInterval(() => {
    last = histogram.percentile(99) / 1e6;
    histogram.reset();
  }, DELAY_WINDOW_MS);
  timer.unref();
  return {
    delayMs: () => last,
    stop: () => {
      clearInterval(timer);
      histogram.disable();
    },
  };
}

const admitted = new WeakSet<FastifyRequest>();

export function registerAdmissionControl(app: FastifyInstance, options: AdmissionOptions): void {
  const watchDelay = options.maxEventLoopDelayMs > 0;
  const monitor = watchDelay && !options.eventLoopDelayMs ? eventLoopMonitor() : undefined;
  const delayMs = options.eventLoopDelayMs ?? monitor?.delayMs ?? (() => 0);
  let inFlight = 0;

  app.addHook('onRequest', async (request, reply) => {
    if (ALWAYS_ADMITTED.has(request.url.split('?')[0] ?? '')) return;
    if (inFlight >= options.maxInFlight || (watchDelay && delayMs() > options.maxEventLoopDelayMs)) {
      reply.header('retry-after', String(OVERLOAD_RETRY_AFTER_S));
      throw new ProblemError('overloaded');
    }
    inFlight++;
    admitted.add(request);
  });
  // onResponse runs once per answered request, and onRequestAbort when the client went away first.
  const release = async (request: FastifyRequest) => {
    if (admitted.delete(request)) inFlight--;
  };
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
  app.addHook('onClose', async () => monitor?.stop());
}
