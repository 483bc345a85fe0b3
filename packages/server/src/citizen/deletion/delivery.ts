/** What delivering a deletion request changes: its status, its audit entry, a receipt in the answer. */
import { appendAudit } from '../../audit/index.js';
import { authKysely } from '../../auth/tables.js';
import type { WebhookEventHandler } from '../../webhooks/index.js';
import { acceptReceipt, type ReceiptDeps } from './receipt.js';
import { findDeletionRequest, markDeletionDelivered } from './repository.js';

/** The outbox handler for `deletion.requested`. */
export function deletionWebhookHandler(deps: ReceiptDeps): WebhookEventHandler {
  return {
    // The app's registration as it is now: a moved endpoint gets the retries.
    async target(db, row) {
      const app = await authKysely(db)
        .selectFrom('apps')
        .select('deletion_webhook_url')
        .where('client_id', '=', row.clientId)
        .executeTakeFirst();
      return app?.deletion_webhook_url ?? null;
    },
    async delivered(tx, row, now) {
      const request = await findDeletionRequest(tx, row.subject);
      if (!request) return;
      await markDeletionDelivered(tx, request.id, now);
      await appendAudit(
        tx,
        {
          type: 'deletion.delivered',
          citizenId: request.citizenId,
          clientId: request.clientId,
          subject: request.id,
          details: { webhook_id: row.id, attempts: row.attempts },
        },
        now,
      );
    },
    // An app that deletes at once may answer with its receipt: `{ "receipt": "<compact JWS>" }`.
    async answered(row, result) {
      const receipt = (result.json as { receipt?: unknown } | undefined)?.receipt;
      if (typeof receipt === 'string') await acceptReceipt(deps, row.subject, receipt);
    },
  };
}
