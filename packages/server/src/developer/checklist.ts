/**
 * The integration test, read from the platform's own audit log rather than taken on the
 * organisation's word: each item is done when an entry of its kind exists for the app's sandbox
 * client, and the entry is shown as the evidence.
 */
import { auditKysely } from '../audit/tables.js';
import type { Database } from '../db/index.js';

export type ChecklistItemId = 'consent' | 'deletion';

export interface ChecklistItem {
  id: ChecklistItemId;
  /** The first audit entry that proves it, or undefined while not done. */
  evidence?: { seq: number; at: number };
}

/** Which audit event proves each item: a file delivered implies the consent it was made under. */
const EVIDENCE: Record<ChecklistItemId, string> = { consent: 'export.file', deletion: 'deletion.receipt' };

export async function integrationChecklist(db: Database, clientId: string): Promise<ChecklistItem[]> {
  const audit = auditKysely(db.kysely);
  return Promise.all(
    (Object.keys(EVIDENCE) as ChecklistItemId[]).map(async (id) => {
      const row = await audit
        .selectFrom('audit_log')
        .select(['seq', 'at'])
        .where('client_id', '=', clientId)
        .where('type', '=', EVIDENCE[id])
        .orderBy('at')
        .limit(1)
        .executeTakeFirst();
      return row ? { id, evidence: { seq: Number(row.seq), at: Number(row.at) } } : { id };
    }),
  );
}

export const checklistComplete = (items: ChecklistItem[]) => items.every((item) => item.evidence);
