/**
 * The hash chain: each entry's hash is SHA-256 over the previous entry's hash and a canonical
 * encoding of the entry's own fields, so changing, removing, adding or moving any entry changes
 * every hash after it. Pure, shared by appending and verifying.
 */
import { hash } from 'node:crypto';

/** The previous hash of the first entry. */
export const GENESIS_HASH = '';

/** The fields an entry's hash covers, in this order. */
export interface ChainedFields {
  seq: number;
  at: number;
  type: string;
  citizenId: number | null;
  clientId: string | null;
  subject: string | null;
  digest: string | null;
  /** The details as stored: a JSON object, or null. */
  details: string | null;
}

/**
 * The entry's hash, base64url. The encoding is a JSON array of the fields: unambiguous (no field
 * can run into the next, as concatenation would allow) and the same in every language.
 *
 * @example
 * ```ts
 * const hash = entryHash(GENESIS_HASH, { seq: 1, at: Date.now(), type: 'signin', citizenId: 7, clientId: null, subject: null, digest: null, details: null });
 * ```
 */
export function entryHash(prevHash: string, e: ChainedFields): string {
  // One-shot hashing: verifying a million entries is mostly this call.
  return hash('sha256', canonical(prevHash, e), 'base64url');
}

/** The entry's hash as bytes (what its Merkle leaf is made from). */
export function entryHashBytes(prevHash: string, e: ChainedFields): Buffer {
  return hash('sha256', canonical(prevHash, e), 'buffer') as unknown as Buffer;
}

/** The same encoding as `canonicalAuditEntry` in @healthbank/records (a test holds them together). */
function canonical(prevHash: string, e: ChainedFields): string {
  return JSON.stringify([prevHash, e.seq, e.at, e.type, e.citizenId, e.clientId, e.subject, e.digest, e.details]);
}
