/**
 * `@healthbank/sdk/webhooks`: for an app's backend (Node 20+, or any server runtime with
 * WebCrypto's Ed25519), never the browser bundle. Verifies the platform's deletion requests
 * (Standard Webhooks, asymmetric `v1a` ed25519 signatures, the platform's keys from its JWKS, so
 * there is no shared secret to leak) and signs the deletion receipt the platform asks for.
 * docs/webhooks.md has the wire format.
 */
import type { JSONWebKeySet, JWK } from './envelope/webcrypto-jose.js';
import { importSigningKey, type SigningKey, SigningKeyError, type SigningKeyInput, signCompactJws } from './signing.js';

export type { JSONWebKeySet, JWK } from './envelope/webcrypto-jose.js';

/** Why a webhook or a receipt key is refused; apps switch on `code`. */
export const WEBHOOK_ERROR_CODES = [
  /** Headers missing or malformed, or a body that is not a deletion request. */
  'webhook_invalid',
  /** No `v1a` signature verifies with the platform's keys: not from the platform, or altered. */
  'webhook_signature_invalid',
  /** `webhook-timestamp` more than the tolerance (5 minutes) away from now: a replay, or a wrong clock. */
  'webhook_timestamp_invalid',
  /** This `webhook-id` was seen before: a replay, or a redelivery of one already handled (answer 2xx). */
  'webhook_replayed',
  /** The receipt key cannot sign (not an ES256 or Ed25519 private key). */
  'receipt_key_invalid',
] as const;
export type WebhookErrorCode = (typeof WEBHOOK_ERROR_CODES)[number];

/**
 * @example
 * try {
 *   await verifyDeletionRequest({ headers, body, jwks, seen });
 * } catch (error) {
 *   if (error instanceof WebhookError && error.code === 'webhook_replayed') return reply.code(204).send();
 *   throw error;
 * }
 */
export class WebhookError extends Error {
  override name = 'WebhookError';
  constructor(
    readonly code: WebhookErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Remembers webhook ids. `add` records an id and returns false when it was already there; it must
 * be atomic (check and record in one step: a database insert on a unique key, Redis `SET NX`).
 */
export interface SeenWebhookIds {
  add(id: string): boolean | Promise<boolean>;
}

/** How long ids are remembered by default: the platform retries for about a day and a half. */
export const DEFAULT_SEEN_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * An in-memory `SeenWebhookIds`, for one process; ids are forgotten after `retentionMs`. A backend
 * with several processes, or that restarts, needs a shared, durable store.
 *
 * @example
 * const seen = new MemorySeenWebhookIds();
 * seen.add('msg_1'); // true
 * seen.add('msg_1'); // false
 */
export class MemorySeenWebhookIds implements SeenWebhookIds {
  private readonly ids = new Map<string, number>();
  constructor(
    private readonly retentionMs = DEFAULT_SEEN_RETENTION_MS,
    private readonly now: () => number = Date.now,
  ) {}
  add(id: string): boolean {
    const now = this.now();
    for (const [seen, expires] of this.ids) {
      if (expires > now) break; // insertion order is expiry order
      this.ids.delete(seen);
    }
    if (this.ids.has(id)) return false;
    this.ids.set(id, now + this.retentionMs);
    return true;
  }
}

/** The deletion request a verified webhook carries. */
export interface DeletionRequestEvent {
  /** The `webhook-id`: the same on every redelivery. */
  webhookId: string;
  /** `webhook-timestamp` of this attempt, Unix seconds. */
  timestamp: number;
  type: 'deletion.requested';
  /** The request to answer with a receipt. */
  deletionRequestId: string;
  /** The consent whose data to delete: the `consent_id` claim of every file received under it. */
  consentId: string;
  clientId: string;
  requestedAt: string;
  /** The receipt is due by then; after it the request is overdue for the platform's reviewers. */
  dueAt: string;
}

export interface VerifyDeletionRequestOptions {
  /** The request headers (a `Headers`, or Node's lower-cased header object). */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The raw body exactly as received: re-serialised JSON would not verify. */
  body: string | Uint8Array;
  /** The platform's webhook keys (`<issuer>/.well-known/webhooks-jwks.json`). */
  jwks: JSONWebKeySet;
  /** Now, in milliseconds (default `Date.now()`). */
  now?: number;
  /** Replay protection; without it a replayed request within the tolerance passes. */
  seen?: SeenWebhookIds;
  /** Allowed clock difference in seconds (default 300, Standard Webhooks' recommendation). */
  toleranceSeconds?: number;
}

/** Standard Webhooks: reject timestamps more than five minutes off. */
export const DEFAULT_TOLERANCE_SECONDS = 300;
const MAX_SIGNATURES = 8;
const utf8 = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function header(headers: VerifyDeletionRequestOptions['headers'], name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

async function importEd25519(jwk: JWK): Promise<CryptoKey | undefined> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') return undefined;
  try {
    return await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, [
      'verify',
    ]);
  } catch {
    return undefined;
  }
}

/**
 * Verifies a deletion request webhook and returns what it asks. Checks, in order: the three
 * Standard Webhooks headers are present; the timestamp is within the tolerance; a `v1a` signature
 * over `${id}.${timestamp}.${body}` verifies with a key of the platform's JWKS (the one named by
 * `webhook-key-id` when present); the id was not seen before; the body is a deletion request.
 * Throws `WebhookError` otherwise.
 *
 * Answer 2xx once the order is durably recorded; on `webhook_replayed` answer 2xx too (the platform
 * redelivers only when it missed your answer). Then delete, and send a receipt
 * (`signDeletionReceipt`) in the answer or later.
 *
 * @example
 * import { MemorySeenWebhookIds, verifyDeletionRequest } from '@healthbank/sdk/webhooks';
 * const seen = new MemorySeenWebhookIds();
 * const jwks = await (await fetch(`${issuer}/.well-known/webhooks-jwks.json`)).json();
 * // in the route, with the raw body:
 * const event = await verifyDeletionRequest({ headers: request.headers, body: rawBody, jwks, seen });
 * await deleteEverythingFrom(event.consentId);
 */
export async function verifyDeletionRequest(options: VerifyDeletionRequestOptions): Promise<DeletionRequestEvent> {
  const id = header(options.headers, 'webhook-id');
  const timestampText = header(options.headers, 'webhook-timestamp');
  const signatures = header(options.headers, 'webhook-signature');
  if (!id || !timestampText || !signatures) {
    throw new WebhookError('webhook_invalid', 'webhook-id, webhook-timestamp and webhook-signature are required');
  }
  if (id.length > 256 || !/^\d{1,12}$/.test(timestampText)) {
    throw new WebhookError('webhook_invalid', 'malformed webhook-id or webhook-timestamp');
  }
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - timestamp) > tolerance) {
    throw new WebhookError('webhook_timestamp_invalid', `webhook-timestamp is more than ${tolerance} s from now`);
  }

  const bodyBytes = typeof options.body === 'string' ? utf8.encode(options.body) : options.body;
  const signed = new Uint8Array([...utf8.encode(`${id}.${timestampText}.`), ...bodyBytes]);
  const kid = header(options.headers, 'webhook-key-id');
  const named = kid ? options.jwks.keys.filter((k) => k.kid === kid) : [];
  const candidates = named.length > 0 ? named : options.jwks.keys;
  const keys = (await Promise.all(candidates.map(importEd25519))).filter((k): k is CryptoKey => k !== undefined);
  let verified = false;
  // Space-separated `version,signature` pairs; other versions (`v1` HMAC) are not ours to check.
  for (const entry of signatures.split(' ').slice(0, MAX_SIGNATURES)) {
    const [version, encoded = ''] = entry.split(',', 2);
    const signature = version === 'v1a' ? decodeBase64(encoded) : undefined;
    if (signature?.length !== 64) continue;
    for (const key of keys) {
      if (await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, signed)) verified = true;
    }
    if (verified) break;
  }
  if (!verified)
    throw new WebhookError('webhook_signature_invalid', 'no v1a signature verifies with the platform keys');

  // Only after the signature: an attacker must not be able to fill the store.
  if (options.seen && !(await options.seen.add(id))) {
    throw new WebhookError('webhook_replayed', `webhook ${id} was already received`);
  }

  let payload: { type?: unknown; data?: Record<string, unknown> };
  try {
    payload = JSON.parse(decoder.decode(bodyBytes)) as typeof payload;
  } catch {
    throw new WebhookError('webhook_invalid', 'the body is not JSON');
  }
  const data = payload?.data ?? {};
  const text = (name: string) => (typeof data[name] === 'string' ? (data[name] as string) : undefined);
  const deletionRequestId = text('deletion_request_id');
  const consentId = text('consent_id');
  const clientId = text('client_id');
  if (payload.type !== 'deletion.requested' || !deletionRequestId || !consentId || !clientId) {
    throw new WebhookError('webhook_invalid', 'not a deletion request');
  }
  return {
    webhookId: id,
    timestamp,
    type: 'deletion.requested',
    deletionRequestId,
    consentId,
    clientId,
    requestedAt: text('requested_at') ?? '',
    dueAt: text('due_at') ?? '',
  };
}

export interface SignDeletionReceiptOptions {
  /** `data.deletion_request_id` of the webhook. */
  requestId: string;
  /** `data.consent_id` of the webhook: the consent whose data was deleted. */
  consentId: string;
  /** The app's client id (the receipt's `iss`). */
  clientId: string;
  /** The platform's issuer identifier (the receipt's `aud`). */
  audience: string;
  /**
   * The private key registered for receipts: a JWK (ES256 P-256 or Ed25519, with `d`) or a
   * non-extractable `CryptoKey` with its algorithm.
   */
  key: SigningKeyInput;
  /** When the data was deleted, in milliseconds (default now): the receipt's `iat`. */
  now?: number;
}

/**
 * Signs the receipt the platform expects: a compact JWS (`typ: deletion-receipt+jwt`) with
 * `iss` (the app), `aud` (the platform), `iat`, `deletion_request_id` and `consent_id`. Send it as
 * `{"receipt": "<jws>"}` in the webhook's answer, or later to
 * `POST <issuer>/api/deletion-requests/<id>/receipt`.
 *
 * @example
 * const receipt = await signDeletionReceipt({
 *   requestId: event.deletionRequestId, consentId: event.consentId, clientId: 'my-app',
 *   audience: 'https://healthbank.example.tw', key: receiptPrivateJwk,
 * });
 * await fetch(`${issuer}/api/deletion-requests/${event.deletionRequestId}/receipt`, {
 *   method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ receipt }),
 * });
 */
export async function signDeletionReceipt(options: SignDeletionReceiptOptions): Promise<string> {
  let key: SigningKey;
  try {
    key = await importSigningKey(options.key);
  } catch (error) {
    if (error instanceof SigningKeyError)
      throw new WebhookError('receipt_key_invalid', `receipt key: ${error.message}`);
    throw error;
  }
  return signCompactJws(
    key,
    { typ: 'deletion-receipt+jwt' },
    {
      iss: options.clientId,
      aud: options.audience,
      iat: Math.floor((options.now ?? Date.now()) / 1000),
      deletion_request_id: options.requestId,
      consent_id: options.consentId,
    },
  );
}
