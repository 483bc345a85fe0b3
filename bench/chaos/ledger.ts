/**
 * What the load was told, and what the database must therefore hold. A write counts as
 * acknowledged only when its success reached the client (a consent's tokens, a ticket, a file, a
 * revocation's 200 or 303, a deletion request's 303); anything cut off by a crash is unknown and
 * may or may not have happened. After every restart each acknowledged write must be there, and no
 * consent, revocation, file or deletion request may be half-written.
 */
import { sql } from 'kysely';
import { auditKysely } from '../../packages/server/src/audit/tables.js';
import { authKysely } from '../../packages/server/src/auth/tables.js';
import { deletionKysely } from '../../packages/server/src/citizen/deletion/tables.js';
import type { Database } from '../../packages/server/src/db/index.js';
import { exportKysely } from '../../packages/server/src/export/tables.js';
import { findTicket } from '../../packages/server/src/export/tickets.js';
import { webhookKysely } from '../../packages/server/src/webhooks/tables.js';

export class Ledger {
  /** Consents whose tokens reached the app, and whether a revocation of each was acknowledged. */
  readonly consents = new Map<string, { revoked: boolean }>();
  /** Tickets issued, by ticket. */
  readonly tickets = new Map<string, string>();
  /** Export files delivered, by export id. */
  readonly exports = new Set<string>();
  /** Consents whose deletion request was acknowledged. */
  readonly deletions = new Set<string>();
  /** Portal pages read. */
  reads = 0;

  get acknowledgedWrites(): number {
    const revocations = [...this.consents.values()].filter((c) => c.revoked).length;
    return this.consents.size + revocations + this.tickets.size + this.exports.size + this.deletions.size;
  }
}

const CHUNK = 500;

/** The ids of `wanted` that `present` (asked in chunks) does not return. */
async function missing(wanted: string[], present: (chunk: string[]) => Promise<string[]>): Promise<string[]> {
  const absent: string[] = [];
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const chunk = wanted.slice(i, i + CHUNK);
    const found = new Set(await present(chunk));
    absent.push(...chunk.filter((id) => !found.has(id)));
  }
  return absent;
}

/** Every acknowledged write the database lacks, one line each (empty when all are there). */
export async function lostWrites(db: Database, ledger: Ledger): Promise<string[]> {
  const auth = authKysely(db);
  const lost: string[] = [];
  const consentIds = [...ledger.consents.keys()];
  for (const id of await missing(consentIds, async (ids) =>
    (await auth.selectFrom('consents').select('id').where('id', 'in', ids).execute()).map((r) => r.id),
  )) {
    lost.push(`consent ${id}`);
  }
  const revoked = [...ledger.consents].filter(([, c]) => c.revoked).map(([id]) => id);
  for (const id of await missing(revoked, async (ids) =>
    (
      await auth.selectFrom('consents').select('id').where('id', 'in', ids).where('status', '=', 'revoked').execute()
    ).map((r) => r.id),
  )) {
    lost.push(`revocation of ${id}`);
  }
  for (const [ticket, consentId] of ledger.tickets) {
    if ((await findTicket(db, ticket))?.consentId !== consentId) lost.push(`ticket of ${consentId}`);
  }
  for (const id of await missing([...ledger.exports], async (ids) =>
    (await exportKysely(db).selectFrom('exports').select('id').where('id', 'in', ids).execute()).map((r) => r.id),
  )) {
    lost.push(`export ${id}`);
  }
  for (const id of await missing([...ledger.deletions], async (ids) =>
    (
      await deletionKysely(db)
        .selectFrom('deletion_requests')
        .select('consent_id')
        .where('consent_id', 'in', ids)
        .execute()
    ).map((r) => r.consent_id),
  )) {
    lost.push(`deletion request for ${id}`);
  }
  return lost;
}

/**
 * Half-written state of `clientId`'s consents, whatever the ledger knows: each query names rows
 * that one transaction should have written together, or removed together, but did not.
 */
export async function halfWritten(db: Database, clientId: string): Promise<string[]> {
  const audit = auditKysely(db.kysely);
  const auditOf = (type: string) => audit.selectFrom('audit_log').select('subject').where('type', '=', type);
  const found: string[] = [];
  const report = (what: string, rows: { id: string }[]) => {
    for (const row of rows) found.push(`${what}: ${row.id}`);
  };
  const auth = authKysely(db);
  // The app's consents, and its revoked ones: the rows each check below narrows.
  const consents = () => auth.selectFrom('consents').select('id').where('client_id', '=', clientId);
  const revoked = () => consents().where('status', '=', 'revoked');
  report(
    'consent without its consent.given entry',
    await consents().where('id', 'not in', auditOf('consent.given')).execute(),
  );
  report(
    'revoked consent without its consent.revoked entry',
    await revoked().where('id', 'not in', auditOf('consent.revoked')).execute(),
  );
  report(
    'revoked consent whose grant still has tokens',
    await revoked()
      .where('grant_id', 'in', auth.selectFrom('oauth_artifacts').select('grant_id').where('grant_id', 'is not', null))
      .execute(),
  );
  // Access without a recorded consent: a token of this app whose grant no consent names.
  report(
    'token of a grant with no consent',
    await auth
      .selectFrom('oauth_artifacts')
      .select('id')
      .where('model', 'in', ['AccessToken', 'RefreshToken', 'AuthorizationCode'])
      .where('payload', 'like', `%"clientId":"${clientId}"%`)
      .where('grant_id', 'not in', auth.selectFrom('consents').select('grant_id'))
      .execute(),
  );
  report(
    'file without its export.file entry',
    await exportKysely(db)
      .selectFrom('exports')
      .select('id')
      .where('client_id', '=', clientId)
      .where('id', 'not in', auditOf('export.file'))
      .execute(),
  );
  const deletions = deletionKysely(db);
  report(
    'deletion request without its webhook',
    await deletions
      .selectFrom('deletion_requests')
      .select('id')
      .where('client_id', '=', clientId)
      .where('id', 'not in', webhookKysely(db).selectFrom('webhook_outbox').select('subject'))
      .execute(),
  );
  report(
    'deletion request without its deletion.requested entry',
    await deletions
      .selectFrom('deletion_requests')
      .select('id')
      .where('client_id', '=', clientId)
      .where('id', 'not in', auditOf('deletion.requested'))
      .execute(),
  );
  return found;
}

/** SQLite's own check of every page and index, and of foreign keys; `undefined` on PostgreSQL. */
export async function integrityCheck(db: Database): Promise<string | undefined> {
  if (db.dialect !== 'sqlite') return undefined;
  const { rows } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db.kysely);
  const verdict = rows.map((r) => r.integrity_check).join('; ');
  const { rows: dangling } = await sql`pragma foreign_key_check`.execute(db.kysely);
  return dangling.length === 0 ? verdict : `${verdict}; ${dangling.length} foreign key violations`;
}
