/**
 * The audit log's housekeeping in a running platform: a checkpoint when one is due
 * ({@link checkpointIfDue}) and, daily, pruning past the retention period. Several app servers may
 * run it at once: checkpoint writers serialise on a lock, and pruning is idempotent.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import type { Database } from '../db/index.js';
import type { ExportKeyring } from '../export/keys.js';
import { checkpointIfDue } from './checkpoints.js';
import { CHECKPOINT_POLL_MS, PRUNE_EVERY_MS } from './limits.js';
import { pruneAuditLog } from './prune.js';

export interface AuditJobDeps {
  db: Database;
  clock: Clock;
  keyring: ExportKeyring;
  retentionMs: number;
  log: FastifyBaseLogger;
}

/** One round of the job: what the timer runs, exposed so tests can run it with a manual clock. */
export async function runAuditJob(deps: AuditJobDeps, state: { lastPrune: number }): Promise<void> {
  const now = deps.clock.now();
  await checkpointIfDue(deps.db, deps.keyring, now);
  if (now - state.lastPrune >= PRUNE_EVERY_MS) {
    state.lastPrune = now;
    const { deleted, anchoredAt } = await pruneAuditLog(deps.db, { now, retentionMs: deps.retentionMs });
    // Counts only: entries are never logged (ASVS V16.2.5).
    if (deleted > 0) deps.log.info({ deleted, anchoredAt }, 'audit log pruned past its retention period');
  }
}

/** Starts the job on a timer; returns the function that stops it. */
export function startAuditJob(deps: AuditJobDeps): () => void {
  const state = { lastPrune: Number.NEGATIVE_INFINITY };
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runAuditJob(deps, state)
      .catch((error: unknown) => deps.log.error({ err: error }, 'audit checkpoint or pruning failed'))
      .finally(() => {
        running = false;
      });
  }, CHECKPOINT_POLL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
