/**
 * The app-facing deletion API:
 *
 * - `POST /api/deletion-requests/:id/receipt`, body `{ "receipt": "<compact JWS>" }`: the app's
 *   signed receipt, when it did not answer the webhook with one. The JWS is the credential (signed
 *   by a key the app registered, for this request, to this platform), so no token is needed.
 *   Answers `{ id, status, acknowledged_at, receipt_digest }`.
 */
import type { FastifyInstance } from 'fastify';
import { ProblemError } from '../../errors/problems.js';
import { acceptReceipt, type ReceiptDeps } from './receipt.js';

export const DELETION_API_PATH = '/api/deletion-requests';
const REQUEST_ID = /^del_[A-Za-z0-9_-]{22}$/;

export function registerDeletionRoutes(app: FastifyInstance, deps: ReceiptDeps): void {
  app.post(`${DELETION_API_PATH}/:id/receipt`, async (request, reply) => {
    const { id } = request.params as { id: string };
    if (!REQUEST_ID.test(id)) throw new ProblemError('not_found', 'no such deletion request');
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      throw new ProblemError('unsupported_media_type', 'send application/json');
    }
    const receipt = (request.body as { receipt?: unknown } | null)?.receipt;
    if (typeof receipt !== 'string') throw new ProblemError('invalid_request', 'receipt must be a compact JWS string');
    const { request: stored } = await acceptReceipt(deps, id, receipt);
    return reply.header('cache-control', 'no-store').send({
      id: stored.id,
      status: stored.status,
      acknowledged_at: stored.acknowledgedAt === null ? null : new Date(stored.acknowledgedAt).toISOString(),
      receipt_digest: stored.receiptDigest,
    });
  });
}
