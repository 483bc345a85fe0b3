/** Stored consents: created when a citizen agrees, read by grant for tokens, revoked by the citizen. */
import { randomBytes } from 'node:crypto';
import type { CategoryId } from '@healthbank/records';
import type { Selectable } from 'kysely';
import { appendAudit } from '../audit/index.js';
import { type AuthTables, authKysely } from '../auth/tables.js';
import { type Database, inTransaction } from '../db/index.js';
import type { Consent, ConsentTerms } from './model.js';

export interface NewConsent {
  citizenId: number;
  clientId: string;
  grantId: string;
  requestedCategories: CategoryId[];
  terms: ConsentTerms;
  exportKeyJkt?: string;
  createdAt: number;
}

/** Stores a new, active consent and returns it with its id. */
export async function insertConsent(db: Database, input: NewConsent): Promise<Consent> {
  const consent: Consent = {
    id: `cns_${randomBytes(16).toString('base64url')}`,
    citizenId: input.citizenId,
    clientId: input.clientId,
    grantId: input.grantId,
    categories: input.terms.categories,
    requestedCategories: input.requestedCategories,
    period: input.terms.period,
    excludedInstitutions: input.terms.excludedInstitutions,
    duration: input.terms.duration,
    status: 'active',
    createdAt: input.createdAt,
    expiresAt: input.terms.expiresAt,
  };
  if (input.terms.from !== undefined) consent.from = input.terms.from;
  if (input.terms.to !== undefined) consent.to = input.terms.to;
  if (input.exportKeyJkt !== undefined) consent.exportKeyJkt = input.exportKeyJkt;
  await authKysely(db)
    .insertInto('consents')
    .values({
      id: consent.id,
      citizen_id: consent.citizenId,
      client_id: consent.clientId,
      grant_id: consent.grantId,
      categories: JSON.stringify(consent.categories),
      requested_categories: JSON.stringify(consent.requestedCategories),
      period: consent.period,
      period_from: consent.from ?? null,
      period_to: consent.to ?? null,
      excluded_institutions: JSON.stringify(consent.excludedInstitutions),
      duration: consent.duration,
      export_key_jkt: consent.exportKeyJkt ?? null,
      status: consent.status,
      created_at: consent.createdAt,
      expires_at: consent.expiresAt,
      revoked_at: null,
    })
    .execute();
  return consent;
}

/**
 * Stores a consent the citizen gave, with its `consent.given` audit entry, in one transaction.
 *
 * @example
 * ```ts
 * const consent = await recordConsent(db, { citizenId, clientId, grantId, requestedCategories, terms, createdAt: now });
 * ```
 */
export async function recordConsent(db: Database, input: NewConsent): Promise<Consent> {
  return inTransaction(db, async (tx) => {
    const consent = await insertConsent(tx, input);
    await appendAudit(
      tx,
      {
        type: 'consent.given',
        citizenId: consent.citizenId,
        clientId: consent.clientId,
        subject: consent.id,
        details: {
          categories: consent.categories.join(' '),
          period: consent.period,
          duration: consent.duration,
          expires_at: consent.expiresAt,
        },
      },
      input.createdAt,
    );
    return consent;
  });
}

/** The consent with this id, or undefined. */
export async function findConsent(db: Database, id: string): Promise<Consent | undefined> {
  const row = await authKysely(db).selectFrom('consents').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toConsent(row);
}

/** The consent a grant (and so every token issued from it) was created for, or undefined. */
export async function findConsentByGrant(db: Database, grantId: string): Promise<Consent | undefined> {
  const row = await authKysely(db)
    .selectFrom('consents')
    .selectAll()
    .where('grant_id', '=', grantId)
    .executeTakeFirst();
  return row && toConsent(row);
}

/** One citizen's consents, newest first (the portal's provision history). */
export async function listConsents(db: Database, citizenId: number): Promise<Consent[]> {
  const rows = await authKysely(db)
    .selectFrom('consents')
    .selectAll()
    .where('citizen_id', '=', citizenId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(toConsent);
}

/**
 * Marks an active consent revoked and returns true, or false when it was not active (already
 * revoked, or unknown). Does not touch tokens: see `revokeConsent`.
 */
export async function markConsentRevoked(db: Database, id: string, nowMs: number): Promise<boolean> {
  const result = await authKysely(db)
    .updateTable('consents')
    .set({ status: 'revoked', revoked_at: nowMs })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Marks the consent of a grant revoked when the authorization server revoked the grant itself: the
 * app revoked its refresh token (RFC 7009), or a code or refresh token was replayed.
 */
export async function markGrantConsentRevoked(db: Database, grantId: string, nowMs: number): Promise<void> {
  await inTransaction(db, async (tx) => {
    const revoked = await authKysely(tx)
      .updateTable('consents')
      .set({ status: 'revoked', revoked_at: nowMs })
      .where('grant_id', '=', grantId)
      .where('status', '=', 'active')
      .returning(['id', 'citizen_id', 'client_id'])
      .execute();
    for (const row of revoked) {
      const entry = {
        type: 'consent.revoked',
        citizenId: row.citizen_id,
        clientId: row.client_id,
        subject: row.id,
      } as const;
      await appendAudit(tx, { ...entry, details: { by: 'authorization server' } }, nowMs);
    }
  });
}

function toConsent(row: Selectable<AuthTables['consents']>): Consent {
  const consent: Consent = {
    id: row.id,
    citizenId: row.citizen_id,
    clientId: row.client_id,
    grantId: row.grant_id,
    categories: JSON.parse(row.categories) as CategoryId[],
    requestedCategories: JSON.parse(row.requested_categories) as CategoryId[],
    period: row.period,
    excludedInstitutions: JSON.parse(row.excluded_institutions) as string[],
    duration: row.duration,
    status: row.status,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
  if (row.period_from !== null) consent.from = row.period_from;
  if (row.period_to !== null) consent.to = row.period_to;
  if (row.export_key_jkt !== null) consent.exportKeyJkt = row.export_key_jkt;
  if (row.revoked_at !== null) consent.revokedAt = Number(row.revoked_at);
  return consent;
}
