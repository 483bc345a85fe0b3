/**
 * Authorization requests in flight at the upstream provider. The `state` sent there is stored only
 * as a keyed digest, with the interaction it will finish, the `nonce` and the PKCE verifier; it is
 * bound to the browser that started it by a random value in an HttpOnly cookie (RFC 9700 §4.7.1:
 * a `state` tied to the user agent defeats login CSRF), and it is spent once.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../../../db/index.js';
import type { SigninContext } from '../context.js';
import { mac, safeEqual } from '../keys.js';
import { millis } from '../tables.js';
import { UPSTREAM_STATE_TTL_MS } from './limits.js';
import { upstreamKysely } from './tables.js';

/**
 * Over TLS the `__Host-` prefix and `Secure` (RFC 6265bis §4.1.3.2). SameSite=Lax: the provider
 * sends the browser back with a top-level GET, which Lax cookies accompany (RFC 6265bis, SameSite).
 */
const cookieName = (secure: boolean) => (secure ? '__Host-hb_upstream' : 'hb_upstream');
/** 32 random bytes, base64url: what both this cookie and openid-client's `randomState()` hold. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface UpstreamRequest {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export type TakenState =
  | { status: 'ok'; interaction: string; nonce: string; codeVerifier: string }
  /** No such state: never issued, malformed, or purged after it expired. */
  | { status: 'unknown' }
  /** Issued, but to a browser without the cookie (or with another one): the answer is refused. */
  | { status: 'no-cookie' | 'other-browser' }
  | { status: 'expired' | 'used'; interaction: string };

/** The stored form of a `state`: its keyed digest under the `upstream` sign-in key. */
export const upstreamStateDigest = (key: Buffer, state: string) => mac(key, 'state', state).toString('base64url');
const stateHash = (ctx: SigninContext, state: string) => upstreamStateDigest(ctx.keys.upstream, state);
const browserHash = (ctx: SigninContext, token: string) =>
  mac(ctx.keys.upstream, 'browser', token).toString('base64url');

/**
 * Stores a request about to be sent for interaction `uid`, binding it to the browser's cookie
 * (set now when the browser has none; one value serves every tab, so parallel sign-ins work).
 */
export async function saveState(
  ctx: SigninContext,
  request: FastifyRequest,
  reply: FastifyReply,
  uid: string,
  sent: UpstreamRequest,
): Promise<void> {
  const name = cookieName(ctx.csrf.secure);
  const existing = request.cookies[name];
  const token = existing && TOKEN.test(existing) ? existing : randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  await upstreamKysely(ctx.db)
    .insertInto('signin_upstream_states')
    .values({
      state_hash: stateHash(ctx, sent.state),
      browser_hash: browserHash(ctx, token),
      interaction: uid,
      nonce: sent.nonce,
      code_verifier: sent.codeVerifier,
      created_at: now,
      expires_at: now + UPSTREAM_STATE_TTL_MS,
    })
    .execute();
  // A session cookie: it outlives the state, so an expired state is told apart from a lost cookie.
  if (token !== existing) {
    reply.setCookie(name, token, { path: '/', httpOnly: true, sameSite: 'lax', secure: ctx.csrf.secure });
  }
}

/**
 * Spends the state of an answer that came back to this browser. Only the browser that started the
 * request can spend it, and only once before it expires (RFC 9700 §4.7.1, OIDC Core §15.5.2).
 */
export async function takeState(ctx: SigninContext, request: FastifyRequest, state: string): Promise<TakenState> {
  if (!TOKEN.test(state)) return { status: 'unknown' };
  const store = upstreamKysely(ctx.db);
  const hash = stateHash(ctx, state);
  const row = await store
    .selectFrom('signin_upstream_states')
    .selectAll()
    .where('state_hash', '=', hash)
    .executeTakeFirst();
  if (!row) return { status: 'unknown' };
  const token = request.cookies[cookieName(ctx.csrf.secure)];
  if (!token || !TOKEN.test(token)) return { status: 'no-cookie' };
  if (!safeEqual(row.browser_hash, browserHash(ctx, token))) return { status: 'other-browser' };
  const now = ctx.clock.now();
  if (row.consumed_at !== null) return { status: 'used', interaction: row.interaction };
  if (millis(row.expires_at) <= now) return { status: 'expired', interaction: row.interaction };
  // The conditional update is the single use: of two answers racing, one changes the row.
  const spent = await store
    .updateTable('signin_upstream_states')
    .set({ consumed_at: now })
    .where('state_hash', '=', hash)
    .where('consumed_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) return { status: 'used', interaction: row.interaction };
  return { status: 'ok', interaction: row.interaction, nonce: row.nonce, codeVerifier: row.code_verifier };
}

/** Deletes expired states (spent ones are kept until then, to recognise a replay); see `../purge.ts`. */
export async function purgeUpstreamStates(db: Database, now: number): Promise<{ numDeletedRows: bigint }> {
  return upstreamKysely(db).deleteFrom('signin_upstream_states').where('expires_at', '<=', now).executeTakeFirst();
}
