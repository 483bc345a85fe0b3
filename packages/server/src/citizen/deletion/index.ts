/**
 * Deletion requests: a citizen asks an app to delete what a consent gave it; the platform
 * delivers the request as a signed webhook, stores the app's signed receipt, and marks requests
 * with no receipt in time overdue (docs/webhooks.md).
 */
import type { FastifyInstance } from 'fastify';
import { issuerOf } from '../../auth/provider/routes.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/config.js';
import type { Database } from '../../db/index.js';
import { registerWebhooks, type TargetPolicy, type WebhookWorker } from '../../webhooks/index.js';
import { deletionWebhookHandler } from './delivery.js';
import { DELETION_EVENT_TYPE } from './model.js';
import { markOverdueRequests, OVERDUE_INTERVAL_MS } from './overdue.js';
import { registerDeletionRoutes } from './routes.js';

export {
  DEFAULT_DELETION_RECEIPT_DAYS,
  DELETION_EVENT_TYPE,
  DELETION_STATUSES,
  type DeletionRequest,
  type DeletionStatus,
  type DeletionWebhookPayload,
} from './model.js';
export { markOverdueRequests, OVERDUE_INTERVAL_MS } from './overdue.js';
export { acceptReceipt, RECEIPT_ALGS, RECEIPT_TYP, receiptDigest } from './receipt.js';
export {
  type CreateDeletionOptions,
  createDeletionRequest,
  findDeletionRequest,
  listDeletionRequests,
} from './repository.js';
export { DELETION_API_PATH } from './routes.js';

export interface DeletionDeps {
  config: Config;
  db: Database;
  clock: Clock;
  /** Overrides where webhooks may go (tests). */
  webhookPolicy?: TargetPolicy;
  /** Tests drive the worker and the overdue job by hand. */
  manual?: boolean;
}

/**
 * Registers the receipt endpoint, the webhook JWKS, the delivery worker and the overdue job.
 *
 * @example
 * ```ts
 * const { worker } = registerDeletionRequests(app, { config, db, clock });
 * ```
 */
export function registerDeletionRequests(app: FastifyInstance, deps: DeletionDeps): { worker: WebhookWorker } {
  const receiptDeps = { db: deps.db, clock: deps.clock, issuer: issuerOf(deps.config) };
  registerDeletionRoutes(app, receiptDeps);
  const { worker } = registerWebhooks(app, {
    config: deps.config,
    db: deps.db,
    clock: deps.clock,
    handlers: { [DELETION_EVENT_TYPE]: deletionWebhookHandler(receiptDeps) },
    ...(deps.webhookPolicy ? { policy: deps.webhookPolicy } : {}),
    ...(deps.manual ? { manual: true } : {}),
  });
  if (!deps.manual) {
    const run = () =>
      markOverdueRequests(deps.db, deps.clock.now()).catch((error: unknown) =>
        app.log.warn({ err: error }, 'deletion overdue job failed'),
      );
    let timer: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      void run();
      timer = setInterval(run, OVERDUE_INTERVAL_MS);
      timer.unref();
    });
    app.addHook('onClose', async () => clearInterval(timer));
  }
  return { worker };
}
