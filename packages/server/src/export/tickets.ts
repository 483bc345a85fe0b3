/**
 * Export tickets: what an app fetches its files with after consent. A ticket is a random secret
 * (stored only as its SHA-256 digest), bound to the consent, to the DPoP key it was asked for with,
 * and to the device export key the files are sealed to.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CategoryId } from '@healthbank/records';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import type { Consent } from '../consent/model.js';
import type { Database } from '../db/index.js';
import { exportKysely } from './tables.js';

/** SPEC §5: a ticket is valid 24 hours (and never past its consent). */
export const TICKET_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** `tkt_` and 32 random bytes in base64url: 256 bits, not guessable. */
const TICKET = /^tkt_[A-Za-z0-9_-]{43}$/;

export interface Ticket {
  /** The digest the ticket is stored under. */
  digest: string;
  consentId: string;
  citizenId: number;
  clientId: string;
  /** RFC 7638 thumbprint of the DPoP key every fetch must prove possession of. */
  dpopJkt: string;
  /** The device's export public key (bare P-256 JWK). */
  exportKey: JWK;
  /**
   * The categories files may hold: the consent's, narrowed to the scope of the access token the
   * ticket was issued with. Read {@link ticketCategories} rather than this alone.
   */
  categories?: CategoryId[];
  createdAt: number;
  expiresAt: number;
}

const digestOf = (ticket: string) => createHash('sha256').update(ticket).digest('base64url');

/** True when the text has the shape of a ticket (checked before any lookup). */
export function isTicketShaped(value: unknown): value is string {
  return typeof value === 'string' && TICKET.test(value);
}

export type ExportKeyProblem = 'invalid' | 'mismatch';

/**
 * The device export key the app sent, as a bare public P-256 JWK whose RFC 7638 thumbprint is the
 * one pinned at consent; or why not. A private key (`d`) is refused rather than used.
 */
export async function checkExportKey(value: unknown, pinned: string): Promise<JWK | ExportKeyProblem> {
  const jwk = value as Partial<Record<string, unknown>> | null;
  if (
    typeof jwk !== 'object' ||
    jwk === null ||
    jwk.kty !== 'EC' ||
    jwk.crv !== 'P-256' ||
    typeof jwk.x !== 'string' ||
    typeof jwk.y !== 'string' ||
    'd' in jwk
  ) {
    return 'invalid';
  }
  const bare: JWK = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  if ((await calculateJwkThumbprint(bare, 'sha256')) !== pinned) return 'mismatch';
  try {
    // WebCrypto refuses a point that is not on the curve.
    await importJWK(bare, 'ECDH-ES');
  } catch {
    return 'invalid';
  }
  return bare;
}

/**
 * Issues a ticket for the consent and returns it (the only time it exists in clear) with its
 * stored form. Expired tickets of the same consent are deleted on the way.
 */
export async function issueTicket(
  db: Database,
  input: { consent: Consent; categories: CategoryId[]; dpopJkt: string; exportKey: JWK; now: number },
): Promise<{ ticket: string; stored: Ticket }> {
  const { consent, now } = input;
  const ticket = `tkt_${randomBytes(32).toString('base64url')}`;
  const stored: Ticket = {
    digest: digestOf(ticket),
    consentId: consent.id,
    citizenId: consent.citizenId,
    clientId: consent.clientId,
    dpopJkt: input.dpopJkt,
    exportKey: input.exportKey,
    categories: input.categories,
    createdAt: now,
    expiresAt: Math.min(now + TICKET_LIFETIME_MS, consent.expiresAt),
  };
  const kysely = exportKysely(db);
  await kysely
    .deleteFrom('export_tickets')
    .where('consent_id', '=', consent.id)
    .where('expires_at', '<=', now)
    .execute();
  await kysely
    .insertInto('export_tickets')
    .values({
      id: stored.digest,
      consent_id: stored.consentId,
      citizen_id: stored.citizenId,
      client_id: stored.clientId,
      dpop_jkt: stored.dpopJkt,
      export_key: JSON.stringify(stored.exportKey),
      categories: JSON.stringify(input.categories),
      created_at: stored.createdAt,
      expires_at: stored.expiresAt,
    })
    .execute();
  return { ticket, stored };
}

/** The stored ticket, expired or not, or undefined. */
export async function findTicket(db: Database, ticket: string): Promise<Ticket | undefined> {
  if (!isTicketShaped(ticket)) return undefined;
  const row = await exportKysely(db)
    .selectFrom('export_tickets')
    .selectAll()
    .where('id', '=', digestOf(ticket))
    .executeTakeFirst();
  if (!row) return undefined;
  const stored: Ticket = {
    digest: row.id,
    consentId: row.consent_id,
    citizenId: row.citizen_id,
    clientId: row.client_id,
    dpopJkt: row.dpop_jkt,
    exportKey: JSON.parse(row.export_key) as JWK,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
  };
  if (row.categories !== null) stored.categories = JSON.parse(row.categories) as CategoryId[];
  return stored;
}

/**
 * The categories a file fetched with this ticket holds: the consent's as it stands now, within the
 * ticket's own (a ticket never reaches beyond the token it was issued with, nor beyond its consent).
 */
export function ticketCategories(ticket: Ticket, consent: Consent): CategoryId[] {
  const allowed = ticket.categories;
  return allowed ? consent.categories.filter((c) => allowed.includes(c)) : consent.categories;
}

/** Creation times of the consent's tickets since `sinceMs`, oldest first (for the daily bound). */
export async function ticketTimesSince(db: Database, consentId: string, sinceMs: number): Promise<number[]> {
  const rows = await exportKysely(db)
    .selectFrom('export_tickets')
    .select('created_at')
    .where('consent_id', '=', consentId)
    .where('created_at', '>', sinceMs)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => Number(r.created_at));
}

/** Deletes tickets that expired before `nowMs` (they can no longer fetch or revoke anything useful). */
export async function purgeExpiredTickets(db: Database, nowMs: number): Promise<number> {
  const result = await exportKysely(db)
    .deleteFrom('export_tickets')
    .where('expires_at', '<=', nowMs)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
