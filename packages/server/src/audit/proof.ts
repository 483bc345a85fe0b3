/**
 * Inclusion proofs: an entry, its RFC 6962 §2.1.1 audit path and the signed checkpoint the path
 * leads to, as one JSON document anyone can check with `checkAuditProof` (@healthbank/records)
 * and the published keys, without access to the log.
 */
import {
  type AuditEntry,
  type AuditProof,
  inclusionRanges,
  type MerkleBlock,
  MerkleFrontier,
} from '@healthbank/records';
import type { Database } from '../db/index.js';
import { AuditChainError, frontierOf, latestAnchor, listCheckpoints, type StoredCheckpoint } from './checkpoints.js';
import { leafOf, readHashes } from './leaves.js';
import { auditKysely } from './tables.js';

/** Why no proof can be made; `code` for the caller to choose its words. */
export class AuditProofError extends Error {
  override name = 'AuditProofError';
  constructor(
    readonly code: 'no_such_entry' | 'pruned' | 'not_checkpointed' | 'no_such_checkpoint',
    message: string,
  ) {
    super(message);
  }
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/**
 * The proof that entry `seq` is in the log, against the newest checkpoint (or the one of
 * `treeSize`). Reads at most the hashes of the entries under that checkpoint, once.
 *
 * @example
 * ```ts
 * const proof = await auditProof(db, 42);
 * checkAuditProof(proof); // { ok: true }
 * ```
 */
export async function auditProof(db: Database, seq: number, treeSize?: number): Promise<AuditProof> {
  const anchor = await latestAnchor(db);
  const pruned = anchor?.tree_size ?? 0;
  if (seq <= pruned) {
    throw new AuditProofError('pruned', `entry ${seq} was pruned (retention); the log starts after entry ${pruned}`);
  }
  const row = await auditKysely(db.kysely)
    .selectFrom('audit_log')
    .selectAll()
    .where('seq', '=', seq)
    .executeTakeFirst();
  if (!row) throw new AuditProofError('no_such_entry', `there is no entry ${seq}`);
  const checkpoints = await listCheckpoints(db, seq);
  const checkpoint: StoredCheckpoint | undefined =
    treeSize === undefined ? checkpoints[checkpoints.length - 1] : checkpoints.find((c) => c.tree_size === treeSize);
  if (!checkpoint) {
    throw treeSize === undefined
      ? new AuditProofError('not_checkpointed', `entry ${seq} is newer than the latest checkpoint; write one first`)
      : new AuditProofError(
          'no_such_checkpoint',
          `there is no checkpoint of ${treeSize} entries covering entry ${seq}`,
        );
  }
  const path: string[] = [];
  for (const [from, to] of inclusionRanges(seq - 1, checkpoint.tree_size)) {
    path.push(b64(await rangeRoot(db, anchor, from, to)));
  }
  const entry: AuditEntry = {
    seq,
    at: Number(row.at),
    type: row.type,
    citizen_id: row.citizen_id,
    client_id: row.client_id,
    subject: row.subject,
    digest: row.digest,
    details: row.details,
    prev_hash: row.prev_hash,
    hash: row.hash,
  };
  return {
    entry,
    leaf_index: seq - 1,
    tree_size: checkpoint.tree_size,
    audit_path: path,
    checkpoint: {
      tree_size: checkpoint.tree_size,
      root_hash: checkpoint.root_hash,
      chain_head: checkpoint.chain_head,
      time: checkpoint.time,
      jws: checkpoint.jws,
    },
  };
}

/** Where a citizen's entry stands: its proof, or why there is none yet. */
export type CitizenProof = { state: 'ready'; proof: AuditProof } | { state: 'pending' | 'pruned' };

/**
 * The proof of the first entry about `subject` (an export's jti, a deletion request id) in
 * `citizenId`'s trail, or undefined when the citizen has none: another citizen's subject is as
 * absent as a missing one (ASVS V4.2.1, no IDOR). Reads through the (citizen_id, seq) index.
 *
 * @example
 * ```ts
 * const found = await citizenProof(db, citizen.id, exportId);
 * if (found?.state === 'ready') reply.send(found.proof);
 * ```
 */
export async function citizenProof(
  db: Database,
  citizenId: number,
  subject: string,
): Promise<CitizenProof | undefined> {
  const row = await auditKysely(db.kysely)
    .selectFrom('audit_log')
    .select('seq')
    .where('citizen_id', '=', citizenId)
    .where('subject', '=', subject)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  if (!row) {
    // Pruned entries are gone from the log; their subject may still be listed elsewhere.
    return undefined;
  }
  try {
    return { state: 'ready', proof: await auditProof(db, Number(row.seq)) };
  } catch (error) {
    if (error instanceof AuditProofError && error.code === 'not_checkpointed') return { state: 'pending' };
    if (error instanceof AuditProofError && error.code === 'pruned') return { state: 'pruned' };
    throw error;
  }
}

/**
 * The Merkle Tree Hash of leaves [from, to). Leaves before the pruning anchor are gone, but every
 * range an inclusion proof of a later entry needs either lies after the anchor or starts at one of
 * the anchor's frontier subtrees, whose roots it kept: those seed the tree, the live leaves follow.
 */
async function rangeRoot(
  db: Database,
  anchor: StoredCheckpoint | undefined,
  from: number,
  to: number,
): Promise<Uint8Array> {
  const pruned = anchor?.tree_size ?? 0;
  const seeds: MerkleBlock[] = [];
  if (anchor && from < pruned) {
    let start = 0;
    for (const block of frontierOf(anchor).blocks()) {
      if (start >= from && start + block.size <= Math.min(to, pruned)) seeds.push(block);
      start += block.size;
    }
  }
  const tree = new MerkleFrontier(seeds);
  // Leaves before this come from the anchor's subtrees; those from it on are read.
  const firstLive = Math.max(from, Math.min(to, pruned));
  if (tree.size !== firstLive - from && from < pruned) {
    throw new AuditChainError(from + 1, 'a proof needs leaves the pruning anchor did not keep');
  }
  for await (const batch of readHashes(db, firstLive, to)) for (const e of batch) tree.push(leafOf(e.hash));
  if (tree.size !== to - from)
    throw new AuditChainError(from + tree.size + 1, `entry ${from + tree.size + 1} is missing`);
  return tree.root();
}
