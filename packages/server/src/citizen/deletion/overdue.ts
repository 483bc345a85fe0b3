/**
 * The overdue job: requests with no receipt by their due date are marked `overdue` for reviewers
 * (SPEC §4.4, deletion SLAs), each with its audit entry.
 */
import { appendAudit } from '../../audit/index.js';
import { type Database, inTransaction } from '../../db/index.js';
import { notify } from '../../notifications/repository.js';
import { findOverdueCandidates, markDeletionOverdue } from './repository.js';

/** How often the job runs: due dates are days apart, so hourly is prompt enough. */
export const OVERDUE_INTERVAL_MS = 60 * 60 * 1000;
/** Requests marked per transaction batch. */
const BATCH = 100;

/**
 * Marks every open request past its due time overdue; returns how many it marked. Safe to run
 * on several servers at once: a request is marked (and audited) by whichever gets it first.
 *
 * @example
 * ```ts
 * clock.advance(31 * 24 * 60 * 60 * 1000);
 * await markOverdueRequests(db, clock.now()); // 1
 * ```
 */
export async function markOverdueRequests(db: Database, now: number): Promise<number> {
  let marked = 0;
  for (;;) {
    const candidates = await findOverdueCandidates(db, now, BATCH);
    if (candidates.length === 0) return marked;
    for (const request of candidates) {
      await inTransaction(db, async (tx) => {
        if (!(await markDeletionOverdue(tx, request.id))) return;
        marked += 1;
        await appendAudit(
          tx,
          {
            type: 'deletion.overdue',
            citizenId: request.citizenId,
            clientId: request.clientId,
            subject: request.id,
            details: { consent_id: request.consentId, due_at: request.dueAt },
          },
          now,
        );
        await notify(
          tx,
          { citizenId: request.citizenId, kind: 'deletion.overdue', subject: request.id, clientId: request.clientId },
          now,
        );
      });
    }
    if (candidates.length < BATCH) return marked;
  }
}
