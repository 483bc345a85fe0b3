/**
 * Retention: entries older than the retention period are deleted, up to a checkpoint that becomes
 * the anchor. The anchor keeps what verification needs to go on without them — the tree's frontier
 * and the chain's head at that point, signed — so the remaining log verifies from there, and every
 * later entry still has an inclusion proof.
 */
import { type Database, inTransaction } from '../db/index.js';
import { latestAnchor, toCheckpoint } from './checkpoints.js';
import { auditKysely } from './tables.js';

export interface PruneResult {
  /** Entries deleted now. */
  deleted: number;
  /** The log now starts after this entry (0: nothing was ever pruned). */
  anchoredAt: number;
}

/**
 * Deletes entries older than `retentionMs`, up to the newest checkpoint signed before the cutoff:
 * its signed time bounds every entry it covers, so nothing within the retention period goes.
 *
 * @example
 * ```ts
 * await pruneAuditLog(db, { now: Date.now(), retentionMs: yearsToMs(config.auditRetentionYears) });
 * ```
 */
export async function pruneAuditLog(db: Database, opts: { now: number; retentionMs: number }): Promise<PruneResult> {
  const cutoff = opts.now - opts.retentionMs;
  return inTransaction(db, async (tx) => {
    const audit = auditKysely(tx.kysely);
    const current = (await latestAnchor(tx))?.tree_size ?? 0;
    const row = await audit
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('at', '<=', cutoff)
      .where('tree_size', '>', current)
      .orderBy('tree_size', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return { deleted: 0, anchoredAt: current };
    const anchor = toCheckpoint(row);
    // The anchor mark first: the database allows deleting entries (and older checkpoints) only
    // behind an anchor (migration 0011_audit_checkpoints).
    await audit.updateTable('audit_checkpoints').set({ anchor: 1 }).where('tree_size', '=', anchor.tree_size).execute();
    const deleted = await audit.deleteFrom('audit_log').where('seq', '<=', anchor.tree_size).executeTakeFirst();
    await audit.deleteFrom('audit_checkpoints').where('tree_size', '<', anchor.tree_size).execute();
    return { deleted: Number(deleted.numDeletedRows), anchoredAt: anchor.tree_size };
  });
}
