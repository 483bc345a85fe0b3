/**
 * The citizen's provision history: one row per export file handed out, with what the file says
 * about itself (consent, app, categories, period, format, counts, digest) and never its records.
 */
import type { CategoryId, ExportClaims, ExportContentFormat, ExportCounts } from '@healthbank/records';
import { appendAudit } from '../audit/index.js';
import { auditKysely } from '../audit/tables.js';
import { authKysely } from '../auth/tables.js';
import { type Database, inTransaction, type StaleReader } from '../db/index.js';
import { notify } from '../notifications/repository.js';
import { exportKysely } from './tables.js';

export interface ExportEntry {
  /** The file's `jti`. */
  id: string;
  citizenId: number;
  consentId: string;
  clientId: string;
  categories: CategoryId[];
  period: { from: string | null; to: string | null };
  format: ExportContentFormat;
  counts: ExportCounts;
  contentDigest: string;
  contentLength: number;
  signingKid: string;
  createdAt: number;
}

/** Records a file from its signed claims, with its audit entry, in one transaction. */
export async function recordExport(
  db: Database,
  input: { citizenId: number; claims: ExportClaims; signingKid: string; createdAt: number },
): Promise<void> {
  const { claims } = input;
  await inTransaction(db, async (tx) => {
    await insertExport(tx, input);
    await appendAudit(
      tx,
      {
        type: 'export.file',
        citizenId: input.citizenId,
        clientId: claims.aud,
        subject: claims.jti,
        digest: claims.content_digest,
        details: {
          consent_id: claims.consent_id,
          format: claims.format,
          categories: claims.categories.join(' '),
          content_length: claims.content_length,
        },
      },
      input.createdAt,
    );
    // An ongoing consent's first file: the citizen hears that the app has started to use it.
    const consent = await authKysely(tx)
      .selectFrom('consents')
      .select('duration')
      .where('id', '=', claims.consent_id)
      .executeTakeFirst();
    if (consent?.duration === 'ongoing') {
      await notify(
        tx,
        { citizenId: input.citizenId, kind: 'consent.first_use', subject: claims.consent_id, clientId: claims.aud },
        input.createdAt,
      );
    }
  });
}

async function insertExport(
  db: Database,
  input: { citizenId: number; claims: ExportClaims; signingKid: string; createdAt: number },
): Promise<void> {
  const { claims } = input;
  await exportKysely(db)
    .insertInto('exports')
    .values({
      id: claims.jti,
      citizen_id: input.citizenId,
      consent_id: claims.consent_id,
      client_id: claims.aud,
      categories: JSON.stringify(claims.categories),
      period_from: claims.period.from,
      period_to: claims.period.to,
      format: claims.format,
      counts: JSON.stringify(claims.counts),
      content_digest: claims.content_digest,
      content_length: claims.content_length,
      signing_kid: input.signingKid,
      created_at: input.createdAt,
    })
    .execute();
}

/**
 * One citizen's exports, newest first (the portal's provision history). `db` may be the read
 * replica: a file made a moment ago may be missing from the list for up to the lag bound.
 *
 * @example
 * ```ts
 * const [latest] = await listExports(db, citizen.id);
 * latest?.counts.lab; // how many lab results the app received
 * ```
 */
export async function listExports(db: StaleReader, citizenId: number): Promise<ExportEntry[]> {
  const rows = await exportKysely(db)
    .selectFrom('exports')
    .selectAll()
    .where('citizen_id', '=', citizenId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    citizenId: row.citizen_id,
    consentId: row.consent_id,
    clientId: row.client_id,
    categories: JSON.parse(row.categories) as CategoryId[],
    period: { from: row.period_from, to: row.period_to },
    format: row.format,
    counts: JSON.parse(row.counts) as ExportCounts,
    contentDigest: row.content_digest,
    contentLength: Number(row.content_length),
    signingKid: row.signing_kid,
    createdAt: Number(row.created_at),
  }));
}

/** Creation times of the consent's exports since `sinceMs`, oldest first (for the daily bound). */
export async function exportTimesSince(db: Database, consentId: string, sinceMs: number): Promise<number[]> {
  const rows = await exportKysely(db)
    .selectFrom('exports')
    .select('created_at')
    .where('consent_id', '=', consentId)
    .where('created_at', '>', sinceMs)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => Number(r.created_at));
}

/**
 * Refusals of one consent's files that are audited: enough to tell an app that saw the revocation
 * (one attempt) from one that retries, bounded against a client stuck in a loop.
 */
export const AUDITED_REFUSALS = 3;

/** Audits a file refused because its consent was revoked (`export.refused`), up to {@link AUDITED_REFUSALS}. */
export async function recordRefusal(
  db: Database,
  consent: { id: string; citizenId: number; clientId: string },
  now: number,
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const seen = await auditKysely(tx.kysely)
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('client_id', '=', consent.clientId)
      .where('type', '=', 'export.refused')
      .where('subject', '=', consent.id)
      .executeTakeFirstOrThrow();
    if (Number(seen.n) >= AUDITED_REFUSALS) return;
    await appendAudit(
      tx,
      {
        type: 'export.refused',
        citizenId: consent.citizenId,
        clientId: consent.clientId,
        subject: consent.id,
        details: { reason: 'consent_revoked' },
      },
      now,
    );
  });
}
