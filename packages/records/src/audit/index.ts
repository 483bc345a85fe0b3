/**
 * The audit log's public, checkable part: RFC 6962 Merkle hashing, entry hashes, checkpoints and
 * inclusion proofs (the server writes them; apps, the SDK and the CLI check them).
 */
export { fromBase64url, toBase64url } from './base64url.js';
export {
  EMPTY_TREE_ROOT,
  equalBytes,
  frontierSizes,
  inclusionRanges,
  leafHash,
  type MerkleBlock,
  MerkleFrontier,
  merkleRoot,
  nodeHash,
  rootFromInclusionProof,
} from './merkle.js';
export {
  AUDIT_CHECKPOINT_TYP,
  type AuditCheckpoint,
  type AuditCheckpointClaims,
  type AuditEntry,
  type AuditProof,
  type AuditProofCheck,
  auditCheckpointClaims,
  auditEntryHash,
  auditLeafHash,
  canonicalAuditEntry,
  checkAuditProof,
  isAuditProof,
} from './proof.js';
export { sha256 } from './sha256.js';
