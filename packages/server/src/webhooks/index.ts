/**
 * Signed webhooks (docs/webhooks.md): the transactional outbox, the delivery worker, and the
 * public keys apps verify signatures with, published at a stable URL.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/index.js';
import { loadWebhookKeyring, type WebhookKeyring } from './keys.js';
import type { TargetPolicy } from './ssrf.js';
import { type WebhookEventHandler, WebhookWorker } from './worker.js';

export {
  developmentWebhookSigningKeys,
  loadWebhookKeyring,
  WEBHOOK_SIGNING_KEYS_ENV,
  type WebhookKeyring,
  type WebhookSigningKeys,
} from './keys.js';
export { enqueueWebhook, type OutboxEntry, type OutboxRow, outboxEntriesFor } from './outbox.js';
export { type SendResult, sendWebhook } from './send.js';
export { signedContent, webhookHeaders } from './signature.js';
export { isPublicAddress, type TargetPolicy, targetUrlError } from './ssrf.js';
export {
  BASE_RETRY_DELAY_MS,
  CLAIM_LEASE_MS,
  MAX_ATTEMPTS,
  MAX_RETRY_DELAY_MS,
  retryDelay,
  type WebhookEventHandler,
  WebhookWorker,
} from './worker.js';

/** Where the platform publishes the webhook signing keys (public halves, JWKS). */
export const WEBHOOKS_JWKS_PATH = '/.well-known/webhooks-jwks.json';

/** Where webhooks may go, from the configuration. */
export function targetPolicyOf(config: Pick<Config, 'sandbox' | 'environment'>): TargetPolicy {
  return {
    // The sandbox's example apps run beside the platform, on loopback.
    // Only a development sandbox may call this machine's own receivers; a deployed sandbox is on the
    // internet like production and gets the same SSRF guard (ASVS V1.3.6).
    allowPrivate: config.sandbox && config.environment !== 'production',
    // Production sends only over TLS: the body names a consent and orders a deletion.
    requireHttps: config.environment === 'production',
  };
}

export interface WebhookDeps {
  config: Config;
  db: Database;
  clock: Clock;
  /** Per event type: where it goes and what a delivery changes. */
  handlers: Record<string, WebhookEventHandler>;
  /** Overrides `targetPolicyOf(config)` (tests reach a receiver on loopback without a sandbox). */
  policy?: TargetPolicy;
  /** Skips starting the polling loop (tests drive `worker.runOnce()` with a manual clock). */
  manual?: boolean;
}

/**
 * Publishes the JWKS and starts the delivery worker (stopped when the app closes).
 *
 * @example
 * ```ts
 * const { worker } = registerWebhooks(app, { config, db, clock, handlers: { 'deletion.requested': handler } });
 * ```
 */
export function registerWebhooks(
  app: FastifyInstance,
  deps: WebhookDeps,
): { worker: WebhookWorker; keyring: WebhookKeyring } {
  const keyring = loadWebhookKeyring(deps.config.webhookSigningKeys);
  app.get(WEBHOOKS_JWKS_PATH, async (_request, reply) =>
    reply
      .type('application/jwk-set+json')
      // Short enough for a rotation to reach apps within minutes, as for the export keys.
      .header('cache-control', 'public, max-age=300')
      .send(JSON.stringify(keyring.jwks)),
  );
  const worker = new WebhookWorker({
    db: deps.db,
    clock: deps.clock,
    keyring,
    policy: deps.policy ?? targetPolicyOf(deps.config),
    handlers: deps.handlers,
    log: app.log,
    environment: deps.config.sandbox ? 'sandbox' : 'production',
  });
  if (!deps.manual) app.addHook('onReady', async () => worker.start());
  app.addHook('onClose', async () => worker.stop());
  return { worker, keyring };
}
