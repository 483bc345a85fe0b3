/**
 * Adding reviewers: by an admin in the console, or by `healthbank reviewers add` for the first
 * one. A reviewer may name the organisation they belong to, whose applications they then cannot
 * decide. Each addition is audited.
 */
import { appendAudit } from '../audit/log.js';
import { createStaffAccount, type StaffAccount, StaffAccountError } from '../auth/staff/accounts.js';
import { authKysely } from '../auth/tables.js';
import type { Database } from '../db/index.js';
import { inTransaction } from '../db/transaction.js';

export class ReviewerError extends Error {
  override name = 'ReviewerError';
  constructor(
    readonly code: 'unknown_organisation' | StaffAccountError['code'],
    message: string,
  ) {
    super(message);
  }
}

export interface ReviewerInput {
  email: string;
  name: string;
  role: 'reviewer' | 'admin';
  /** The 統一編號 or 醫事機構代碼 of the organisation the reviewer belongs to. */
  organisationIdentifier?: string;
  /** Who adds them: a reviewer's id, or absent for the command line. */
  by?: string;
}

export async function addReviewer(db: Database, input: ReviewerInput, now = Date.now()): Promise<StaffAccount> {
  return inTransaction(db, async (tx) => {
    let organisationId: string | null = null;
    if (input.organisationIdentifier) {
      const org = await authKysely(tx)
        .selectFrom('organisations')
        .select('id')
        .where('identifier', '=', input.organisationIdentifier)
        .executeTakeFirst();
      if (!org) throw new ReviewerError('unknown_organisation', 'no organisation has this identifier');
      organisationId = org.id;
    }
    let account: StaffAccount;
    try {
      account = await createStaffAccount(
        tx,
        { kind: 'reviewer', email: input.email, name: input.name, organisationId, role: input.role },
        now,
      );
    } catch (error) {
      if (error instanceof StaffAccountError) throw new ReviewerError(error.code, error.message);
      throw error;
    }
    await appendAudit(
      tx,
      { type: 'reviewer.added', subject: account.id, details: { role: input.role, by: input.by ?? 'command line' } },
      now,
    );
    return account;
  });
}
