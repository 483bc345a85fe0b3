/**
 * The audit log's entries, checkpoints and inclusion proofs as documents, and their check: pure, so
 * a citizen's app, the SDK and the `healthbank` command check a proof the same way, without the
 * server. The checkpoint's signature is checked apart (it needs the platform's published keys and
 * WebCrypto): see `verifyAuditCheckpoint` in the server and the SDK.
 */

import { utf8 } from '../formats/utf8.js';
import { fromBase64url, toBase64url } from './base64url.js';
import { equalBytes, leafHash, rootFromInclusionProof } from './merkle.js';
import { sha256 } from './sha256.js';

/** JWS `typ` of a signed checkpoint (explicit typing, RFC 8725 §3.11: no export file passes for one). */
export const AUDIT_CHECKPOINT_TYP = 'healthbank-audit-checkpoint+jws';

/** One audit entry as stored and as a proof carries it. Metadata and digests only. */
export interface AuditEntry {
  seq: number;
  /** Event time, epoch milliseconds. */
  at: number;
  type: string;
  citizen_id: number | null;
  client_id: string | null;
  /** The object's id: a consent id, an export's jti, a request id. */
  subject: string | null;
  digest: string | null;
  /** A JSON object of scalars, as stored, or null. */
  details: string | null;
  /** The previous entry's hash (empty before the first entry). */
  prev_hash: string;
  /** This entry's chain hash, base64url: see {@link auditEntryHash}. */
  hash: string;
}

/** What a checkpoint signs: the log's size, its Merkle root, the chain's head and the time. */
export interface AuditCheckpointClaims {
  /** Entries covered: 1 … tree_size. */
  tree_size: number;
  /** RFC 6962 Merkle Tree Hash over the leaves of entries 1 … tree_size, base64url. */
  root_hash: string;
  /** The hash of entry `tree_size` (where the chain stands). */
  chain_head: string;
  /** When the checkpoint was made, epoch milliseconds. */
  time: number;
}

/** A signed checkpoint: its claims and the compact JWS over them. */
export interface AuditCheckpoint extends AuditCheckpointClaims {
  jws: string;
}

/** An inclusion proof: an entry, its audit path, and the signed checkpoint it leads to. */
export interface AuditProof {
  entry: AuditEntry;
  /** 0-based position of the entry's leaf: `seq - 1`. */
  leaf_index: number;
  tree_size: number;
  /** RFC 6962 §2.1.1 audit path, base64url, from the leaf's sibling upwards. */
  audit_path: string[];
  checkpoint: AuditCheckpoint;
}

/**
 * The canonical encoding of an entry's fields and its predecessor's hash: a JSON array, which no
 * two different entries share (fields cannot run into each other as in a concatenation) and which
 * every language writes the same way for these scalar values.
 */
export function canonicalAuditEntry(
  prevHash: string,
  e: Pick<AuditEntry, 'seq' | 'at' | 'type' | 'citizen_id' | 'client_id' | 'subject' | 'digest' | 'details'>,
): string {
  return JSON.stringify([prevHash, e.seq, e.at, e.type, e.citizen_id, e.client_id, e.subject, e.digest, e.details]);
}

/**
 * An entry's chain hash: SHA-256 of its canonical encoding, base64url. The entry's Merkle leaf is
 * `leafHash` of these 32 bytes.
 *
 * @example
 * ```ts
 * auditEntryHash(entry.prev_hash, entry) === entry.hash; // the entry is what was logged
 * ```
 */
export function auditEntryHash(
  prevHash: string,
  e: Pick<AuditEntry, 'seq' | 'at' | 'type' | 'citizen_id' | 'client_id' | 'subject' | 'digest' | 'details'>,
): string {
  return toBase64url(sha256(Uint8Array.from(utf8(canonicalAuditEntry(prevHash, e)))));
}

/** The Merkle leaf of an entry from its base64url chain hash; `undefined` if that is no hash. */
export function auditLeafHash(entryHash: string): Uint8Array | undefined {
  const bytes = fromBase64url(entryHash);
  return bytes?.length === 32 ? leafHash(bytes) : undefined;
}

/**
 * The claims inside a checkpoint's compact JWS (its payload), without checking the signature;
 * `undefined` when it is not a JWS with such a payload.
 */
export function auditCheckpointClaims(jws: string): AuditCheckpointClaims | undefined {
  const parts = jws.split('.');
  if (parts.length !== 3) return undefined;
  const payload = fromBase64url(parts[1] as string);
  if (!payload) return undefined;
  // The claims are ASCII (numbers and base64url): any other byte means it is not a checkpoint.
  if (payload.some((b) => b > 0x7e)) return undefined;
  let claims: unknown;
  try {
    claims = JSON.parse(String.fromCharCode(...payload));
  } catch {
    return undefined;
  }
  const c = claims as Partial<AuditCheckpointClaims> | null;
  if (
    !c ||
    typeof c !== 'object' ||
    !Number.isSafeInteger(c.tree_size) ||
    typeof c.root_hash !== 'string' ||
    typeof c.chain_head !== 'string' ||
    !Number.isSafeInteger(c.time)
  ) {
    return undefined;
  }
  return { tree_size: c.tree_size as number, root_hash: c.root_hash, chain_head: c.chain_head, time: c.time as number };
}

const isB64Hash = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v);
const isNullableString = (v: unknown) => v === null || typeof v === 'string';

/**
 * True when `value` has an inclusion proof's shape (before any hash is checked): for input read
 * from a file or the network.
 *
 * @example
 * ```ts
 * const value: unknown = JSON.parse(text);
 * if (!isAuditProof(value)) throw new Error('not an audit proof');
 * ```
 */
export function isAuditProof(value: unknown): value is AuditProof {
  const p = value as Partial<AuditProof> | null;
  if (!p || typeof p !== 'object' || !p.entry || !p.checkpoint || !Array.isArray(p.audit_path)) return false;
  const e = p.entry;
  const c = p.checkpoint;
  return (
    Number.isSafeInteger(e.seq) &&
    e.seq >= 1 &&
    Number.isSafeInteger(e.at) &&
    typeof e.type === 'string' &&
    (e.citizen_id === null || Number.isSafeInteger(e.citizen_id)) &&
    [e.client_id, e.subject, e.digest, e.details].every(isNullableString) &&
    (e.prev_hash === '' || isB64Hash(e.prev_hash)) &&
    isB64Hash(e.hash) &&
    Number.isSafeInteger(p.leaf_index) &&
    Number.isSafeInteger(p.tree_size) &&
    p.audit_path.length <= 64 &&
    p.audit_path.every(isB64Hash) &&
    Number.isSafeInteger(c.tree_size) &&
    isB64Hash(c.root_hash) &&
    isB64Hash(c.chain_head) &&
    Number.isSafeInteger(c.time) &&
    typeof c.jws === 'string'
  );
}

export type AuditProofCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks an inclusion proof up to the checkpoint's signature: the entry hashes to its stated hash,
 * its audit path leads to the checkpoint's root, and the checkpoint's fields are the ones its JWS
 * carries. Then verify the JWS with the platform's published keys (`verifyAuditCheckpoint`).
 *
 * @example
 * ```ts
 * const check = checkAuditProof(JSON.parse(text) as AuditProof);
 * if (!check.ok) console.error(check.reason);
 * ```
 */
export function checkAuditProof(proof: AuditProof): AuditProofCheck {
  const { entry, checkpoint } = proof;
  if (auditEntryHash(entry.prev_hash, entry) !== entry.hash) {
    return { ok: false, reason: `entry ${entry.seq} does not match its hash` };
  }
  if (proof.leaf_index !== entry.seq - 1) return { ok: false, reason: 'the leaf index is not the entry’s position' };
  const signed = auditCheckpointClaims(checkpoint.jws);
  if (
    !signed ||
    signed.tree_size !== checkpoint.tree_size ||
    signed.root_hash !== checkpoint.root_hash ||
    signed.chain_head !== checkpoint.chain_head ||
    signed.time !== checkpoint.time ||
    proof.tree_size !== signed.tree_size
  ) {
    return { ok: false, reason: 'the checkpoint differs from what its signature covers' };
  }
  const leaf = auditLeafHash(entry.hash);
  const path = proof.audit_path.map(fromBase64url);
  const root = fromBase64url(signed.root_hash);
  if (!leaf || !root || path.some((p) => p?.length !== 32)) return { ok: false, reason: 'a hash is malformed' };
  const computed = rootFromInclusionProof(proof.leaf_index, proof.tree_size, leaf, path as Uint8Array[]);
  if (!computed || !equalBytes(computed, root)) {
    return { ok: false, reason: `entry ${entry.seq} is not in the log the checkpoint signed` };
  }
  return { ok: true };
}
