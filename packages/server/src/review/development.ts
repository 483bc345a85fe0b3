/**
 * A development deployment's reviewer, so the console can be tried at once: an admin with a
 * published address on a reserved domain (RFC 2606 `.test`), whose codes the sign-in page shows
 * outside production. Production's reviewers are added by `healthbank reviewers add`.
 */
import { findStaffByEmail } from '../auth/staff/accounts.js';
import type { Database } from '../db/index.js';
import { addReviewer } from './reviewers.js';

export const DEVELOPMENT_REVIEWER = 'reviewer@healthbank.test';

/** Creates the development reviewer unless it exists; true when created. */
export async function seedDevelopmentReviewer(db: Database, now = Date.now()): Promise<boolean> {
  if (await findStaffByEmail(db, 'reviewer', DEVELOPMENT_REVIEWER)) return false;
  await addReviewer(
    db,
    { email: DEVELOPMENT_REVIEWER, name: '開發用審查員', role: 'admin', by: 'development start' },
    now,
  );
  return true;
}
