/**
 * The diary's backend as the sandbox loads it (built to `dist/backend.mjs`): the deletion webhook
 * receiver, with the diary's receipt key.
 */
import { signDeletionReceipt } from '@healthbank/sdk/webhooks';
import { createDeletionBackend, type DeletionBackend } from './deletion.js';
import { DIARY_RECEIPT_KEY } from './receipt-key.js';

export { type BackendAnswer, createDeletionBackend, type DeletionBackend, type DeletionOrder } from './deletion.js';
export { DIARY_RECEIPT_KEY } from './receipt-key.js';

/** The diary's backend for a platform at `issuer`. */
export function diaryBackend(options: { issuer: string; clientId: string }): DeletionBackend {
  return createDeletionBackend({ ...options, receiptKey: { ...DIARY_RECEIPT_KEY } });
}

/**
 * The diary's signed receipt for a deletion it carried out at `now` (the sandbox's history seeds
 * one answered request with it; the live backend signs the same way in `confirmDeleted`).
 */
export function signDiaryReceipt(options: {
  issuer: string;
  clientId: string;
  requestId: string;
  consentId: string;
  now: number;
}): Promise<string> {
  return signDeletionReceipt({
    requestId: options.requestId,
    consentId: options.consentId,
    clientId: options.clientId,
    audience: options.issuer,
    key: { ...DIARY_RECEIPT_KEY },
    now: options.now,
  });
}
