/**
 * The deletion webhook (docs/webhooks.md): the platform asks the app to delete what a consent gave
 * it; the backend verifies the request with the SDK (signature by the platform's published key,
 * timestamp, a webhook id never seen), deletes everything it holds under that consent, and answers
 * with its receipt signed by the client's registered key. Deleting is idempotent, so a redelivery
 * after a lost answer gets the receipt again.
 */
import {
  type JSONWebKeySet,
  type JWK,
  type SeenWebhookIds,
  signDeletionReceipt,
  verifyDeletionRequest,
  WebhookError,
} from '@healthbank/sdk/webhooks';
import type { Database } from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';

/**
 * Webhook ids seen, in the backend's database (the SDK's `SeenWebhookIds`): a restart forgets
 * none. Ids are kept a week, longer than the platform retries.
 */
export function seenWebhookIds(db: Database, now: () => number = Date.now): SeenWebhookIds {
  db.exec('CREATE TABLE IF NOT EXISTS seen_webhooks (id TEXT PRIMARY KEY, seen_at INTEGER NOT NULL)');
  return {
    add(id) {
      db.prepare('DELETE FROM seen_webhooks WHERE seen_at < ?').run(now() - 7 * 86_400_000);
      return db.prepare('INSERT OR IGNORE INTO seen_webhooks (id, seen_at) VALUES (?, ?)').run(id, now()).changes === 1;
    },
  };
}

export interface DeletionWebhookOptions {
  issuer: string;
  clientId: string;
  /** The client's private key: confidential clients sign receipts with their `private_key_jwt` key. */
  key: JWK;
  seen: SeenWebhookIds;
  /** Deletes everything held under the consent; called once per request. */
  deleteConsent(consentId: string, deletionRequestId: string): void;
  fetch?: typeof fetch;
}

export function registerDeletionWebhook(app: FastifyInstance, o: DeletionWebhookOptions): void {
  const doFetch = o.fetch ?? fetch;
  let jwks: JSONWebKeySet | undefined;
  const keys = async (refresh: boolean) => {
    if (!jwks || refresh) {
      const response = await doFetch(`${o.issuer}/.well-known/webhooks-jwks.json`);
      if (!response.ok) throw new Error(`webhook JWKS: HTTP ${response.status}`);
      jwks = (await response.json()) as JSONWebKeySet;
    }
    return jwks;
  };
  app.register(async (scope) => {
    // The signature covers the body's exact bytes: keep them as they came.
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    scope.post('/api/deletion-webhook', async (request, reply) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const verify = async (refresh: boolean) =>
        verifyDeletionRequest({ headers: request.headers, body, jwks: await keys(refresh), seen: o.seen });
      let event: Awaited<ReturnType<typeof verifyDeletionRequest>>;
      try {
        try {
          event = await verify(false);
        } catch (error) {
          // The platform may have rotated its key since we fetched the set.
          if (!(error instanceof WebhookError && error.code === 'webhook_signature_invalid')) throw error;
          event = await verify(true);
        }
      } catch (error) {
        // A redelivery of a request already carried out: nothing more to do.
        if (error instanceof WebhookError && error.code === 'webhook_replayed') return reply.code(204).send();
        if (error instanceof WebhookError)
          return reply.code(400).type('application/problem+json').send({ status: 400, code: error.code });
        throw error;
      }
      if (event.clientId !== o.clientId)
        return reply.code(400).type('application/problem+json').send({ status: 400, code: 'webhook_invalid' });
      o.deleteConsent(event.consentId, event.deletionRequestId);
      const receipt = await signDeletionReceipt({
        requestId: event.deletionRequestId,
        consentId: event.consentId,
        clientId: o.clientId,
        audience: o.issuer,
        key: o.key,
      });
      return reply.header('cache-control', 'no-store').send({ receipt });
    });
  });
}
