import { createHmac } from 'node:crypto';

/**
 * A key for one purpose, derived from the root secret (HMAC-SHA256 as a PRF, NIST SP 800-108 §4.1),
 * so that cookie signing, pairwise subjects and the rest never share key material.
 */
export function deriveKey(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`healthbank:${purpose}`).digest();
}
