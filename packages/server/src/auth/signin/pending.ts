/**
 * A sign-in that is proven but not yet handed back: the citizen confirmed their NHI card code and
 * is on the "set up a passkey?" page. The browser holds a random token in an HttpOnly cookie;
 * the database holds its keyed digest, the citizen and the interaction. Completing (with or
 * without a passkey) deletes the row, so it completes once.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignedIn, SigninContext } from './context.js';
import { mac } from './keys.js';
import { PENDING_SIGNIN_TTL_MS } from './limits.js';
import { millis, signinKysely } from './tables.js';

export interface PendingSignin extends SignedIn {
  /** Keyed digest of the cookie's token: what registration challenges are bound to. */
  tokenHash: string;
}

/** Over TLS the cookie gets the `__Host-` prefix and `Secure` (RFC 6265bis §4.1.3.2). */
const cookieName = (secure: boolean) => (secure ? '__Host-hb_signin' : 'hb_signin');
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

function tokenHash(ctx: SigninContext, token: string): string {
  return mac(ctx.keys.pending, token).toString('base64url');
}

/** Stores a pending sign-in and sets its cookie. */
export async function startPending(
  ctx: SigninContext,
  reply: FastifyReply,
  uid: string,
  result: SignedIn,
): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  await signinKysely(ctx.db)
    .insertInto('signin_pending')
    .values({
      token_hash: tokenHash(ctx, token),
      citizen_id: result.citizenId,
      interaction: uid,
      amr: JSON.stringify(result.amr),
      expires_at: ctx.clock.now() + PENDING_SIGNIN_TTL_MS,
    })
    .execute();
  reply.setCookie(cookieName(ctx.csrf.secure), token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.csrf.secure,
    maxAge: PENDING_SIGNIN_TTL_MS / 1000,
  });
}

function tokenOf(ctx: SigninContext, request: FastifyRequest): string | undefined {
  const token = request.cookies[cookieName(ctx.csrf.secure)];
  return token && TOKEN.test(token) ? token : undefined;
}

/** The request's pending sign-in for this interaction, if any and not expired. */
export async function findPending(
  ctx: SigninContext,
  request: FastifyRequest,
  uid: string,
): Promise<PendingSignin | undefined> {
  const token = tokenOf(ctx, request);
  if (!token) return undefined;
  const hash = tokenHash(ctx, token);
  const row = await signinKysely(ctx.db)
    .selectFrom('signin_pending')
    .selectAll()
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (!row || row.interaction !== uid || millis(row.expires_at) <= ctx.clock.now()) return undefined;
  return { citizenId: row.citizen_id, amr: JSON.parse(row.amr) as string[], tokenHash: hash };
}

/** Deletes the pending sign-in and its cookie; true only for the one request that deleted it. */
export async function finishPending(ctx: SigninContext, reply: FastifyReply, pending: PendingSignin): Promise<boolean> {
  const deleted = await signinKysely(ctx.db)
    .deleteFrom('signin_pending')
    .where('token_hash', '=', pending.tokenHash)
    .executeTakeFirst();
  reply.clearCookie(cookieName(ctx.csrf.secure), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.csrf.secure,
  });
  return Number(deleted.numDeletedRows) === 1;
}
