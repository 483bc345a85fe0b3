/**
 * Standard Webhooks signatures, asymmetric scheme: `webhook-signature: v1a,<base64 signature>`,
 * an ed25519 signature over `${webhook-id}.${webhook-timestamp}.${body}` (Standard Webhooks spec,
 * "Signature scheme": `v1a` is ed25519; the timestamp is integer Unix seconds).
 */
import { type KeyObject, sign } from 'node:crypto';

/** The exact bytes signed: id, timestamp and body joined by dots. */
export function signedContent(id: string, timestamp: number, body: string): Buffer {
  return Buffer.from(`${id}.${timestamp}.${body}`, 'utf8');
}

/**
 * The three Standard Webhooks headers for one attempt, plus `webhook-key-id` naming the JWKS key
 * (an addition: receivers may also simply try every key of the set).
 *
 * @example
 * ```ts
 * const headers = webhookHeaders({ id: 'msg_…', timestamp: 1764800000, body, key, kid });
 * headers['webhook-signature']; // 'v1a,…'
 * ```
 */
export function webhookHeaders(input: {
  id: string;
  timestamp: number;
  body: string;
  key: KeyObject;
  kid: string;
}): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature' | 'webhook-key-id', string> {
  // Ed25519 takes no digest algorithm (RFC 8032 PureEdDSA), hence `null`.
  const signature = sign(null, signedContent(input.id, input.timestamp, input.body), input.key);
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': `v1a,${signature.toString('base64')}`,
    'webhook-key-id': input.kid,
  };
}
