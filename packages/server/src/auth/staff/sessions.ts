/**
 * Staff sessions: a random cookie whose SHA-256 is the stored id (a database reader cannot replay
 * a session, ASVS V7.2.4), absolute lifetimes by kind, deleted at sign-out (ASVS V7.4.1). The
 * developer portal and the reviewer console use different cookies, so one never reads the other's.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../db/index.js';
import { millis } from '../tables.js';
import { findStaffAccount, type StaffAccount } from './accounts.js';
import { type StaffKind, staffKysely } from './tables.js';

/** ASVS V7.3.2: absolute session lifetimes; reviewers decide on production access, so theirs is short. */
export const STAFF_SESSION_TTL_MS: Record<StaffKind, number> = { developer: 8 * 3_600_000, reviewer: 2 * 3_600_000 };

export function staffCookieName(kind: StaffKind, secure: boolean): string {
  const base = kind === 'developer' ? 'hb_developer' : 'hb_reviewer';
  // RFC 6265bis §4.1.3.2: `__Host-` pins the cookie to this origin, path / and Secure.
  return secure ? `__Host-${base}` : base;
}

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export async function startStaffSession(
  db: Database,
  reply: FastifyReply,
  o: { account: StaffAccount; method: 'email_code' | 'passkey'; now: number; secure: boolean },
): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const ttl = STAFF_SESSION_TTL_MS[o.account.kind];
  await staffKysely(db)
    .insertInto('staff_sessions')
    .values({
      id: digest(token),
      account_id: o.account.id,
      method: o.method,
      created_at: o.now,
      expires_at: o.now + ttl,
    })
    .execute();
  // SameSite=Lax plus CSRF tokens on every form (ASVS V3.3.1, V3.5.1).
  reply.setCookie(staffCookieName(o.account.kind, o.secure), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: o.secure,
    maxAge: Math.floor(ttl / 1000),
  });
}

export interface StaffSession {
  account: StaffAccount;
  /** How the session was opened: a passkey, or an e-mail code. */
  method: 'email_code' | 'passkey';
}

/** The signed-in account of this kind and how it signed in, or undefined. */
export async function staffSession(
  db: Database,
  request: FastifyRequest,
  o: { kind: StaffKind; now: number; secure: boolean },
): Promise<StaffSession | undefined> {
  const token = request.cookies[staffCookieName(o.kind, o.secure)];
  if (!token || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const row = await staffKysely(db)
    .selectFrom('staff_sessions')
    .select(['account_id', 'expires_at', 'method'])
    .where('id', '=', digest(token))
    .executeTakeFirst();
  if (!row || millis(row.expires_at) <= o.now) return undefined;
  const account = await findStaffAccount(db, row.account_id);
  return account?.kind === o.kind ? { account, method: row.method } : undefined;
}

export async function endStaffSession(
  db: Database,
  request: FastifyRequest,
  reply: FastifyReply,
  o: { kind: StaffKind; secure: boolean },
): Promise<void> {
  const name = staffCookieName(o.kind, o.secure);
  const token = request.cookies[name];
  if (token) await staffKysely(db).deleteFrom('staff_sessions').where('id', '=', digest(token)).execute();
  reply.clearCookie(name, { path: '/' });
}
