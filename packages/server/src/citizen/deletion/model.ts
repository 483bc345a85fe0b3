/**
 * The deletion request model: a citizen's demand that an app stop using, and delete, what one
 * consent gave it (SPEC §4.2, PDPA Art. 11 ¶3). Pure types and rules; `repository.ts` stores it.
 */

/**
 * - `pending`: recorded, the webhook not yet delivered (or still being retried);
 * - `sent`: the app's endpoint accepted the webhook (2xx);
 * - `acknowledged`: the app sent a receipt signed by its registered key;
 * - `overdue`: no receipt by `dueAt`, for reviewers to follow up. A late receipt still acknowledges.
 */
export const DELETION_STATUSES = ['pending', 'sent', 'acknowledged', 'overdue'] as const;
export type DeletionStatus = (typeof DELETION_STATUSES)[number];

export interface DeletionRequest {
  /** `del_…`: also the webhook's `data.deletion_request_id` and the receipt's `deletion_request_id`. */
  id: string;
  citizenId: number;
  consentId: string;
  clientId: string;
  status: DeletionStatus;
  createdAt: number;
  deliveredAt: number | null;
  acknowledgedAt: number | null;
  /** When a request with no receipt becomes overdue. */
  dueAt: number;
  /** SHA-256 (base64url) of the receipt JWS, once acknowledged. */
  receiptDigest: string | null;
}

/** How long an app has to send its receipt (`DELETION_RECEIPT_DAYS`) unless configured otherwise. */
export const DEFAULT_DELETION_RECEIPT_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** When a request made at `createdAt` falls overdue. */
export function dueAtOf(createdAt: number, receiptDays: number = DEFAULT_DELETION_RECEIPT_DAYS): number {
  return createdAt + receiptDays * DAY_MS;
}

/** The webhook event a deletion request is delivered as (Standard Webhooks' `type`). */
export const DELETION_EVENT_TYPE = 'deletion.requested';

/**
 * The webhook's body (Standard Webhooks' recommended `{type, timestamp, data}` shape). It names
 * the consent (the `consent_id` claim of every file the app received under it), never the
 * citizen: the app already knows whose data that is, and nobody else needs to.
 */
export interface DeletionWebhookPayload {
  type: typeof DELETION_EVENT_TYPE;
  timestamp: string;
  data: {
    deletion_request_id: string;
    consent_id: string;
    client_id: string;
    requested_at: string;
    due_at: string;
  };
}

/** The webhook body for a request. */
export function deletionWebhookPayload(request: DeletionRequest): DeletionWebhookPayload {
  return {
    type: DELETION_EVENT_TYPE,
    timestamp: new Date(request.createdAt).toISOString(),
    data: {
      deletion_request_id: request.id,
      consent_id: request.consentId,
      client_id: request.clientId,
      requested_at: new Date(request.createdAt).toISOString(),
      due_at: new Date(request.dueAt).toISOString(),
    },
  };
}
