/**
 * The diary's backend for deletion requests, the small server side an app needs besides its
 * device code. The diary keeps what it imports on her device only (IndexedDB, `storage.ts`), so the
 * backend cannot delete it itself; instead:
 *
 * 1. the platform POSTs the deletion request here; the backend verifies it with the SDK helper
 *    (signature, timestamp, webhook id never seen) and records a deletion order for the consent;
 * 2. the next time the diary opens on her device, it asks for an order for the consent its data
 *    came from, erases its local store, and tells the backend it did;
 * 3. only then does the backend sign the receipt with its receipt key and send it to the platform.
 *
 * So the receipt means what it says: the data was deleted where it was kept. The device proves
 * nothing but knowing the consent id (it is in the signed file only the device could open); a real
 * app authenticates its device with its own session before taking the report. Orders live in this
 * process's memory (the sandbox's example only); a real backend keeps orders and seen webhook ids
 * in its database, so that a restart forgets neither.
 */
import {
  type JSONWebKeySet,
  type JWK,
  MemorySeenWebhookIds,
  signDeletionReceipt,
  verifyDeletionRequest,
  WebhookError,
} from '@healthbank/sdk/webhooks';

export interface DeletionBackendOptions {
  /** The platform's issuer: where its JWKS and receipt endpoint are, and the receipts' audience. */
  issuer: string;
  clientId: string;
  /** The private key receipts are signed with; its public half is registered with the platform. */
  receiptKey: JWK;
  fetch?: typeof fetch;
  now?: () => number;
}

/** A deletion order the device has not yet carried out. */
export interface DeletionOrder {
  deletionRequestId: string;
  consentId: string;
  receivedAt: number;
}

export interface BackendAnswer {
  status: number;
  body?: unknown;
}

export interface DeletionBackend {
  /** `POST …/api/deletion-webhook`, with the raw body exactly as received. */
  receiveWebhook(headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<BackendAnswer>;
  /** `GET …/api/deletion-orders/:consentId`: the open order for a consent, if any. */
  order(consentId: string): DeletionOrder | undefined;
  /** `POST …/api/deletion-orders/:consentId/deleted`: the device erased the data; sign and send the receipt. */
  confirmDeleted(consentId: string): Promise<BackendAnswer>;
}

/**
 * @example
 * const backend = createDeletionBackend({ issuer, clientId: 'diabetes-diary', receiptKey });
 * // in the webhook route, with the raw body:
 * const { status } = await backend.receiveWebhook(request.headers, rawBody);
 */
export function createDeletionBackend(options: DeletionBackendOptions): DeletionBackend {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const seen = new MemorySeenWebhookIds(undefined, now);
  const orders = new Map<string, DeletionOrder>();
  let jwks: JSONWebKeySet | undefined;

  async function platformKeys(refresh: boolean): Promise<JSONWebKeySet> {
    if (jwks && !refresh) return jwks;
    const response = await doFetch(`${options.issuer}/.well-known/webhooks-jwks.json`);
    if (!response.ok) throw new Error(`webhook JWKS: HTTP ${response.status}`);
    jwks = (await response.json()) as JSONWebKeySet;
    return jwks;
  }

  const verify = async (headers: Record<string, string | string[] | undefined>, body: string, refresh: boolean) =>
    verifyDeletionRequest({ headers, body, jwks: await platformKeys(refresh), now: now(), seen });

  return {
    async receiveWebhook(headers, rawBody) {
      try {
        let event: Awaited<ReturnType<typeof verify>>;
        try {
          event = await verify(headers, rawBody, false);
        } catch (error) {
          // The platform may have rotated its key since we fetched the set: fetch it once more.
          if (!(error instanceof WebhookError && error.code === 'webhook_signature_invalid')) throw error;
          event = await verify(headers, rawBody, true);
        }
        if (event.clientId !== options.clientId) return { status: 400 };
        orders.set(event.consentId, {
          deletionRequestId: event.deletionRequestId,
          consentId: event.consentId,
          receivedAt: now(),
        });
        return { status: 204 };
      } catch (error) {
        // Already received: the platform missed our answer and sent it again. Nothing more to do.
        if (error instanceof WebhookError && error.code === 'webhook_replayed') return { status: 204 };
        if (error instanceof WebhookError) return { status: 400, body: { code: error.code } };
        return { status: 503 };
      }
    },

    order: (consentId) => orders.get(consentId),

    async confirmDeleted(consentId) {
      const order = orders.get(consentId);
      if (!order) return { status: 404 };
      const receipt = await signDeletionReceipt({
        requestId: order.deletionRequestId,
        consentId,
        clientId: options.clientId,
        audience: options.issuer,
        key: options.receiptKey,
        now: now(),
      });
      const response = await doFetch(
        `${options.issuer}/api/deletion-requests/${encodeURIComponent(order.deletionRequestId)}/receipt`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ receipt }) },
      );
      // The order stays until the platform took the receipt, so a failed send can be retried.
      if (!response.ok) return { status: 502 };
      orders.delete(consentId);
      return { status: 204 };
    },
  };
}
