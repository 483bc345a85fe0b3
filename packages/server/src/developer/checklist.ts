/**
 * The integration test, read from the platform's own audit log rather than taken on the
 * organisation's word: each item is done when the log shows it for the app's sandbox client, and
 * the entry that proves it is shown as the evidence.
 *
 * - `consent`: a file was delivered (`export.file`), so a consent was given and a download made;
 * - `revocation`: after a citizen revoked, the app asked for a file once, was refused, and did
 *   not ask again (exactly one `export.refused` for that consent);
 * - `deletion`: a deletion request was answered with a valid signed receipt (`deletion.receipt`);
 * - `tampered`: the app opened a batch of the sandbox's test files and its verdicts matched the
 *   truth: the genuine file accepted, every tampered one rejected (`integration.test_files`).
 */
import { sql } from 'kysely';
import { auditKysely } from '../audit/tables.js';
import type { Database } from '../db/index.js';

export type ChecklistItemId = 'consent' | 'revocation' | 'deletion' | 'tampered';

export interface ChecklistItem {
  id: ChecklistItemId;
  /** The first audit entry that proves it, or undefined while not done. */
  evidence?: { seq: number; at: number };
}

async function firstOf(db: Database, clientId: string, type: string) {
  return auditKysely(db.kysely)
    .selectFrom('audit_log')
    .select(['seq', 'at'])
    .where('client_id', '=', clientId)
    .where('type', '=', type)
    .orderBy('at')
    .limit(1)
    .executeTakeFirst();
}

/** A consent whose files were refused exactly once: the app saw the revocation and stopped. */
async function revocationSeen(db: Database, clientId: string) {
  return auditKysely(db.kysely)
    .selectFrom('audit_log')
    .select([sql<number | string>`min(seq)`.as('seq'), sql<number | string>`min(at)`.as('at')])
    .where('client_id', '=', clientId)
    .where('type', '=', 'export.refused')
    .groupBy('subject')
    .having(sql`count(*)`, '=', 1)
    .orderBy(sql`min(at)`)
    .limit(1)
    .executeTakeFirst();
}

/** The first batch of test files the app judged without a mistake. */
async function testFilesPassed(db: Database, clientId: string) {
  const rows = await auditKysely(db.kysely)
    .selectFrom('audit_log')
    .select(['seq', 'at', 'details'])
    .where('client_id', '=', clientId)
    .where('type', '=', 'integration.test_files')
    .orderBy('at')
    .limit(100)
    .execute();
  return rows.find((row) => {
    const details = JSON.parse(row.details ?? '{}') as { correct?: number; total?: number };
    return details.total !== undefined && details.total > 0 && details.correct === details.total;
  });
}

export async function integrationChecklist(db: Database, clientId: string): Promise<ChecklistItem[]> {
  const [consent, revocation, deletion, tampered] = await Promise.all([
    firstOf(db, clientId, 'export.file'),
    revocationSeen(db, clientId),
    firstOf(db, clientId, 'deletion.receipt'),
    testFilesPassed(db, clientId),
  ]);
  const item = (id: ChecklistItemId, row: { seq: number | string; at: number | string } | undefined): ChecklistItem =>
    row ? { id, evidence: { seq: Number(row.seq), at: Number(row.at) } } : { id };
  return [
    item('consent', consent),
    item('revocation', revocation),
    item('deletion', deletion),
    item('tampered', tampered),
  ];
}

export const checklistComplete = (items: ChecklistItem[]) => items.every((item) => item.evidence);
