/**
 * `@healthbank/sdk/audit`: checks an inclusion proof from the platform's audit log (the portal's
 * "proof" download, or `healthbank audit proof`) with nothing but the platform's published keys:
 * the entry's hash, its RFC 6962 §2.1.1 audit path to the checkpoint's root, and the checkpoint's
 * signature. A citizen, an app or a reviewer learns that the platform cannot later deny or drop
 * the entry without breaking a checkpoint it signed. Runs wherever WebCrypto does.
 */
import {
  AUDIT_CHECKPOINT_TYP,
  type AuditCheckpointClaims,
  type AuditEntry,
  auditCheckpointClaims,
  checkAuditProof,
  type ExportSigningAlg,
  isAuditProof,
} from '@healthbank/records';
import { decodeBase64url } from './envelope/base64url.js';
import { verificationKey } from './envelope/verification-key.js';
import { type JSONWebKeySet, verifyCompactJws } from './envelope/webcrypto-jose.js';

export type { AuditCheckpointClaims, AuditEntry, AuditProof } from '@healthbank/records';
export type { JSONWebKeySet } from './envelope/webcrypto-jose.js';

export type AuditProofVerification =
  | { ok: true; entry: AuditEntry; checkpoint: AuditCheckpointClaims }
  | { ok: false; reason: string };

const ALGS: readonly ExportSigningAlg[] = ['ES256', 'EdDSA'];

function protectedHeader(jws: string): { alg?: unknown; kid?: unknown; typ?: unknown } | undefined {
  try {
    const header = JSON.parse(new TextDecoder().decode(decodeBase64url(jws.split('.')[0] ?? ''))) as unknown;
    return typeof header === 'object' && header !== null ? header : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `proof` shows its entry in the log the platform signed. `jwks` is the platform's
 * `/.well-known/export-jwks.json` (checkpoints are signed with the export keys).
 *
 * @example
 * ```ts
 * const jwks = await (await fetch(`${issuer}/.well-known/export-jwks.json`)).json();
 * const result = await verifyAuditProof(JSON.parse(proofText), jwks);
 * if (!result.ok) console.error(result.reason);
 * ```
 */
export async function verifyAuditProof(proof: unknown, jwks: JSONWebKeySet): Promise<AuditProofVerification> {
  if (!isAuditProof(proof)) return { ok: false, reason: 'not an audit proof' };
  const check = checkAuditProof(proof);
  if (!check.ok) return check;
  const { jws } = proof.checkpoint;
  const header = protectedHeader(jws);
  // The algorithm comes from an allow-list, never from the token alone (RFC 8725 §3.1).
  const alg = ALGS.find((a) => a === header?.alg);
  if (!header || !alg || header.typ !== AUDIT_CHECKPOINT_TYP || typeof header.kid !== 'string') {
    return { ok: false, reason: 'the checkpoint is not a signed audit checkpoint' };
  }
  try {
    await verifyCompactJws(jws, await verificationKey(jwks, header.kid, alg), alg);
  } catch {
    return { ok: false, reason: 'the checkpoint is not signed by a published key' };
  }
  const claims = auditCheckpointClaims(jws);
  if (!claims) return { ok: false, reason: 'the checkpoint is not a signed audit checkpoint' };
  return { ok: true, entry: proof.entry, checkpoint: claims };
}
