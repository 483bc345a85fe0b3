/**
 * The delivery worker: claims due outbox rows, signs and POSTs them, records the outcome, and
 * backs off on failure. Several servers may run one each over the same database (claims are
 * leases; see `outbox.ts`). Started by the app, stopped on close.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import { type Database, inTransaction } from '../db/index.js';
import type { WebhookKeyring } from './keys.js';
import { claimDueWebhooks, markWebhookDelivered, markWebhookFailed, type OutboxRow } from './outbox.js';
import { type SendResult, sendWebhook } from './send.js';
import { webhookHeaders } from './signature.js';
import type { TargetPolicy } from './ssrf.js';

/** How often the outbox is polled: a new request goes out within this, and no row waits longer once due. */
export const POLL_INTERVAL_MS = 2_000;
/** One attempt's deadline, connection to last byte: an endpoint slower than this counts as down. */
export const SEND_TIMEOUT_MS = 10_000;
/**
 * How long a claim holds: well over one attempt, so a live worker never loses its row mid-send;
 * a dead worker's rows are free again after it (at-least-once: they are sent again).
 */
export const CLAIM_LEASE_MS = 3 * SEND_TIMEOUT_MS;
/** Rows per poll: deliveries of one batch run concurrently, so one slow endpoint delays few others. */
export const BATCH_SIZE = 10;
/**
 * First retry after 5 s (a restarting endpoint is usually back), doubling each time (RFC-style
 * exponential backoff, as Standard Webhooks' reference schedule does), capped at 6 hours so a
 * long outage is still probed a few times a day.
 */
export const BASE_RETRY_DELAY_MS = 5_000;
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;
/**
 * Attempts before giving up: with the delays above, about a day and a half of trying, well inside
 * the 30-day receipt window; after that the request waits for its overdue date and reviewers.
 */
export const MAX_ATTEMPTS = 16;

/**
 * The delay before retry number `attempt` (1 after the first failure), with "equal jitter": half
 * the exponential delay fixed, half random, so receivers recovering from an outage are not hit by
 * every platform server at the same instant (AWS Architecture Blog, "Exponential Backoff And Jitter").
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, BASE_RETRY_DELAY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** What an event type needs besides sending: where to, and what a delivery changes. */
export interface WebhookEventHandler {
  /** The app's current endpoint (re-read before each attempt), or null when it registered none. */
  target(db: Database, row: OutboxRow): Promise<string | null>;
  /** Runs in the transaction that marks the row delivered (e.g. status and audit entry). */
  delivered(tx: Database, row: OutboxRow, now: number): Promise<void>;
  /** Reads the endpoint's answer after the delivery committed (e.g. a receipt in the body). */
  answered?(row: OutboxRow, result: SendResult): Promise<void>;
}

export interface WebhookWorkerDeps {
  db: Database;
  clock: Clock;
  keyring: WebhookKeyring;
  policy: TargetPolicy;
  handlers: Record<string, WebhookEventHandler>;
  log: FastifyBaseLogger;
  random?: () => number;
  /** Attempt deadline (tests shorten it). */
  sendTimeoutMs?: number;
  /** Only this realm's apps' webhooks (`config/realms.ts`); all of them when absent. */
  environment?: 'sandbox' | 'production';
}

/**
 * @example
 * ```ts
 * const worker = new WebhookWorker({ db, clock, keyring, policy, handlers, log: app.log });
 * worker.start();
 * app.addHook('onClose', () => worker.stop());
 * ```
 */
export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(private readonly deps: WebhookWorkerDeps) {}

  /** Polls every POLL_INTERVAL_MS until `stop()`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.runOnce().catch((error: unknown) => this.deps.log.warn({ err: error }, 'webhook delivery round failed'));
    }, POLL_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops polling and waits for the round in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  /** One round: claims due rows and attempts each once; returns how many were attempted. */
  runOnce(): Promise<number> {
    // One round at a time per process: a slow round is not overtaken by the next tick.
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<number> {
    const rows = await claimDueWebhooks(
      this.deps.db,
      this.deps.clock.now(),
      BATCH_SIZE,
      CLAIM_LEASE_MS,
      this.deps.environment,
    );
    await Promise.all(rows.map((row) => this.attempt(row)));
    return rows.length;
  }

  private async attempt(row: OutboxRow): Promise<void> {
    const { db, clock, keyring, policy, log } = this.deps;
    const handler = this.deps.handlers[row.eventType];
    if (!handler) {
      await this.fail(row, row.targetUrl, `no handler for ${row.eventType}`);
      return;
    }
    const target = (await handler.target(db, row)) ?? null;
    if (!target) {
      await this.fail(row, null, 'no webhook URL registered');
      return;
    }
    const headers = webhookHeaders({
      id: row.id,
      timestamp: Math.floor(clock.now() / 1000),
      body: row.payload,
      key: keyring.signing.key,
      kid: keyring.signing.kid,
    });
    let result: SendResult;
    try {
      result = await sendWebhook(target, headers, row.payload, policy, this.deps.sendTimeoutMs ?? SEND_TIMEOUT_MS);
    } catch (error) {
      await this.fail(row, target, error instanceof Error ? error.message : 'send failed');
      return;
    }
    // Standard Webhooks: any 2xx is success; everything else, redirects included, is retried.
    if (result.status < 200 || result.status > 299) {
      await this.fail(row, target, `HTTP ${result.status}`);
      return;
    }
    const now = clock.now();
    await inTransaction(db, async (tx) => {
      await markWebhookDelivered(tx, row.id, target, now);
      await handler.delivered(tx, row, now);
    });
    // The client id and event, never the body: it names a consent (ASVS V7.1.1).
    log.info(
      { webhook: row.id, client: row.clientId, event: row.eventType, attempts: row.attempts },
      'webhook delivered',
    );
    if (handler.answered) {
      await handler
        .answered(row, result)
        .catch((error: unknown) =>
          log.warn(
            { webhook: row.id, client: row.clientId, reason: (error as Error).message },
            'webhook answer refused',
          ),
        );
    }
  }

  private async fail(row: OutboxRow, targetUrl: string | null, error: string): Promise<void> {
    const giveUp = row.attempts >= MAX_ATTEMPTS;
    const nextAttemptAt = giveUp ? null : this.deps.clock.now() + retryDelay(row.attempts, this.deps.random);
    await markWebhookFailed(this.deps.db, row.id, { error, targetUrl, nextAttemptAt });
    this.deps.log.warn(
      { webhook: row.id, client: row.clientId, attempts: row.attempts, reason: error, gaveUp: giveUp },
      'webhook not delivered',
    );
  }
}
