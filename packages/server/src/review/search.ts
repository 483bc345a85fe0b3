/**
 * The reviewers' audit search: whose data, which categories, which app, between two times. Every
 * filter narrows an indexed read (by citizen, by app, by time: migrations 0009 and 0013) and a
 * page holds at most {@link SEARCH_PAGE} entries, so an answer stays fast however large the log.
 * Results carry the masked national ID only (ASVS V8.3.1: reviewers see no more than they need).
 */
import { type CategoryId, maskNationalId } from '@healthbank/records';
import { auditKysely } from '../audit/tables.js';
import { authKysely } from '../auth/tables.js';
import type { Database } from '../db/index.js';

export const SEARCH_PAGE = 100;
/** The entries that hand data over or decide access: what "whose data went where" is about. */
export const SEARCHED_TYPES = [
  'consent.given',
  'consent.revoked',
  'token.issued',
  'export.file',
  'deletion.requested',
  'deletion.receipt',
];

export interface AuditQuery {
  from: number;
  /** Exclusive. */
  to: number;
  citizenId?: number;
  clientId?: string;
  category?: CategoryId;
  /** Entries before this sequence number (the next page). */
  before?: number;
}

export interface AuditHit {
  seq: number;
  at: number;
  type: string;
  citizen: string | null;
  clientId: string | null;
  categories: string[];
}

export async function searchAudit(db: Database, q: AuditQuery): Promise<{ hits: AuditHit[]; next?: number }> {
  let query = auditKysely(db.kysely)
    .selectFrom('audit_log')
    .select(['seq', 'at', 'type', 'citizen_id', 'client_id', 'details'])
    .where('at', '>=', q.from)
    .where('at', '<', q.to)
    .where('type', 'in', SEARCHED_TYPES);
  if (q.citizenId !== undefined) query = query.where('citizen_id', '=', q.citizenId);
  if (q.clientId !== undefined) query = query.where('client_id', '=', q.clientId);
  // A coarse filter in SQL, made exact below on the parsed details.
  if (q.category !== undefined) query = query.where('details', 'like', `%${q.category}%`);
  if (q.before !== undefined) query = query.where('seq', '<', q.before);
  const rows = await query
    .orderBy('seq', 'desc')
    .limit(SEARCH_PAGE + 1)
    .execute();
  const page = rows.slice(0, SEARCH_PAGE);
  const ids = [...new Set(page.map((r) => r.citizen_id).filter((id): id is number => id !== null))];
  const citizens = ids.length
    ? await authKysely(db).selectFrom('citizens').select(['id', 'national_id']).where('id', 'in', ids).execute()
    : [];
  const masked = new Map(citizens.map((c) => [c.id, maskNationalId(c.national_id)]));
  const hits = page
    .map((r) => {
      const details = r.details ? (JSON.parse(r.details) as Record<string, unknown>) : {};
      const categories =
        typeof details.categories === 'string' ? details.categories.split(/[ ,]+/).filter(Boolean) : [];
      return {
        seq: Number(r.seq),
        at: Number(r.at),
        type: r.type,
        citizen: r.citizen_id === null ? null : (masked.get(r.citizen_id) ?? null),
        clientId: r.client_id,
        categories,
      };
    })
    .filter((hit) => q.category === undefined || hit.categories.includes(q.category));
  const last = rows[SEARCH_PAGE - 1];
  return rows.length > SEARCH_PAGE && last ? { hits, next: Number(last.seq) } : { hits };
}
