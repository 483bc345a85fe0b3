import type { Database } from './connection.js';

/**
 * Runs `work` in one transaction, with a `Database` bound to it, so that repository functions (which
 * take a `Database`) write together: all of them commit, or none.
 *
 * @example
 * ```ts
 * await inTransaction(db, async (tx) => {
 *   await markConsentRevoked(tx, id, now);
 *   await appendAudit(tx, { type: 'consent.revoked', subject: id }, now);
 * });
 * ```
 */
export function inTransaction<T>(db: Database, work: (tx: Database) => Promise<T>): Promise<T> {
  if (db.kysely.isTransaction) return work(db);
  return db.kysely.transaction().execute((trx) => work({ kysely: trx, dialect: db.dialect, close: async () => {} }));
}
