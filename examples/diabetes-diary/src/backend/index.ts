/**
 * The diary's backend as the sandbox loads it (built to `dist/backend.mjs`): the deletion webhook
 * receiver, with the diary's receipt key.
 */
import { createDeletionBackend, type DeletionBackend } from './deletion.js';
import { DIARY_RECEIPT_KEY } from './receipt-key.js';

export { type BackendAnswer, createDeletionBackend, type DeletionBackend, type DeletionOrder } from './deletion.js';
export { DIARY_RECEIPT_KEY } from './receipt-key.js';

/** The diary's backend for a platform at `issuer`. */
export function diaryBackend(options: { issuer: string; clientId: string }): DeletionBackend {
  return createDeletionBackend({ ...options, receiptKey: { ...DIARY_RECEIPT_KEY } });
}
