/**
 * Deletion receipts: the app's proof that it deleted what a consent gave it, a compact JWS signed
 * with a key it registered (`receiptJwks`, else its `private_key_jwt` keys), so the platform (and a
 * reviewer, later) can show who confirmed what, when. Format (docs/webhooks.md):
 *
 *   header  { "alg": "ES256" | "EdDSA", "typ": "deletion-receipt+jwt", "kid": … }
 *   payload { "iss": client_id, "aud": platform issuer, "iat": seconds,
 *             "deletion_request_id": "del_…", "consent_id": "cns_…" }
 */
import { createHash } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, errors as joseErrors, jwtVerify } from 'jose';
import { appendAudit } from '../../audit/index.js';
import { findApp } from '../../auth/clients/apps.js';
import type { Clock } from '../../clock.js';
import { type Database, inTransaction } from '../../db/index.js';
import { ProblemError } from '../../errors/problems.js';
import { notify } from '../../notifications/repository.js';
import type { DeletionRequest } from './model.js';
import { findDeletionRequest, markDeletionAcknowledged } from './repository.js';

/** The receipt's `typ` (RFC 8725 §3.11: explicit typing, so no other JWT of the app passes as one). */
export const RECEIPT_TYP = 'deletion-receipt+jwt';
/** Algorithms a receipt may use: asymmetric only (RFC 8725 §3.1, §3.2), those FAPI 2.0 §5.4 admits. */
export const RECEIPT_ALGS = ['ES256', 'EdDSA'] as const;
/** Clock skew allowed around `iat`, as for DPoP proofs and webhooks. */
export const RECEIPT_CLOCK_SKEW_S = 300;
/** A compact JWS is three base64url parts; receipts are small. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_RECEIPT_LENGTH = 8_192;

export interface ReceiptDeps {
  db: Database;
  clock: Clock;
  /** The platform's issuer identifier: the receipt's audience. */
  issuer: string;
}

/** Why a receipt is refused (the `detail` of `invalid_receipt`). */
export class ReceiptError extends Error {
  override name = 'ReceiptError';
}

/** SHA-256 of the receipt as sent, base64url: what the request and the audit log keep. */
export function receiptDigest(jws: string): string {
  return createHash('sha256').update(jws, 'ascii').digest('base64url');
}

/**
 * Verifies a receipt for `request` against the app's registered keys and returns its payload.
 * Throws `ReceiptError` saying what is wrong.
 */
export async function verifyReceipt(
  db: Database,
  request: DeletionRequest,
  jws: string,
  opts: { issuer: string; now: number },
): Promise<void> {
  if (jws.length > MAX_RECEIPT_LENGTH || !COMPACT_JWS.test(jws)) throw new ReceiptError('not a compact JWS');
  const app = await findApp(db, request.clientId);
  const keys = app?.receiptJwks ?? app?.jwks;
  if (!keys || keys.keys.length === 0) throw new ReceiptError('the app registered no receipt keys');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(jws, createLocalJWKSet(keys as JSONWebKeySet), {
      algorithms: [...RECEIPT_ALGS],
      typ: RECEIPT_TYP,
      issuer: request.clientId,
      audience: opts.issuer,
      currentDate: new Date(opts.now),
      clockTolerance: RECEIPT_CLOCK_SKEW_S,
      requiredClaims: ['iat'],
    }));
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) throw new ReceiptError(`${error.code}: ${error.message}`);
    throw error;
  }
  if (payload.deletion_request_id !== request.id) throw new ReceiptError('deletion_request_id is not this request');
  if (payload.consent_id !== request.consentId) throw new ReceiptError('consent_id is not this request’s consent');
  const iat = Number(payload.iat) * 1000;
  // A receipt cannot predate the request, nor come from the future (beyond the skew).
  if (iat < request.createdAt - RECEIPT_CLOCK_SKEW_S * 1000) throw new ReceiptError('iat is before the request');
  if (iat > opts.now + RECEIPT_CLOCK_SKEW_S * 1000) throw new ReceiptError('iat is in the future');
}

export type ReceiptOutcome = { request: DeletionRequest; first: boolean };

/**
 * Accepts a receipt: verifies it, stores it with its digest, marks the request acknowledged and
 * appends `deletion.receipt` to the audit log, in one transaction. A second valid receipt changes
 * nothing (`first: false`): the first one stands. Unknown requests answer `not_found`; bad receipts
 * `invalid_receipt`.
 *
 * @example
 * ```ts
 * const { request } = await acceptReceipt({ db, clock, issuer }, 'del_…', jws);
 * request.status; // 'acknowledged'
 * ```
 */
export async function acceptReceipt(deps: ReceiptDeps, requestId: string, jws: string): Promise<ReceiptOutcome> {
  const request = await findDeletionRequest(deps.db, requestId);
  if (!request) throw new ProblemError('not_found', 'no such deletion request');
  const now = deps.clock.now();
  try {
    await verifyReceipt(deps.db, request, jws, { issuer: deps.issuer, now });
  } catch (error) {
    if (error instanceof ReceiptError) throw new ProblemError('invalid_receipt', error.message);
    throw error;
  }
  const digest = receiptDigest(jws);
  const first = await inTransaction(deps.db, async (tx) => {
    if (!(await markDeletionAcknowledged(tx, request.id, { jws, digest }, now))) return false;
    await appendAudit(
      tx,
      {
        type: 'deletion.receipt',
        citizenId: request.citizenId,
        clientId: request.clientId,
        subject: request.id,
        digest,
        details: { consent_id: request.consentId, late: now > request.dueAt },
      },
      now,
    );
    await notify(
      tx,
      { citizenId: request.citizenId, kind: 'deletion.acknowledged', subject: request.id, clientId: request.clientId },
      now,
    );
    return true;
  });
  const updated = await findDeletionRequest(deps.db, request.id);
  return { request: updated ?? request, first };
}
