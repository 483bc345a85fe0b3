/**
 * What every sign-in route needs, built once by `registerSignin`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/config.js';
import type { Database } from '../../db/index.js';
import { ProblemError } from '../../errors/problems.js';
import type { Html } from '../../pages/html.js';
import type { Locale } from '../../pages/i18n.js';
import { requestLocale } from '../../pages/request-locale.js';
import type { CsrfOptions } from '../../security/csrf.js';
import { sendPage, wantsHtml } from './http.js';
import type { SigninKeys } from './keys.js';
import { noticePage } from './notice-page.js';
import { addressBucket, hitLimit, type Limit } from './rate-limit.js';

/** How the citizen proved who they are (RFC 8176 authentication method references). */
export interface SignedIn {
  citizenId: number;
  amr: string[];
}

export type OnSignedIn = (
  request: FastifyRequest,
  reply: FastifyReply,
  uid: string,
  result: SignedIn,
) => Promise<unknown>;

/** A sign-in method's section of the sign-in page, rendered for one request. */
export type SigninSection = (request: FastifyRequest, page: { locale: Locale; uid: string; csrf: string }) => Html;

export interface SigninContext {
  db: Database;
  config: Config;
  clock: Clock;
  keys: SigninKeys;
  csrf: CsrfOptions;
  /** The WebAuthn relying party: our public host, and the origin browsers report. */
  rp: { id: string; origin: string; name: string };
  onSignedIn: OnSignedIn;
  /** The upstream identity provider's button, when `config.upstreamOidc` is set (`upstream/`). */
  upstreamSection?: SigninSection;
  /** Who sent the citizen to sign in: an app's name, the portal, or unknown. */
  requester?: SigninRequester;
}

/** The app (by name), or the citizen portal, that interaction `uid` is for. */
export type SigninRequester = (
  request: FastifyRequest,
  reply: FastifyReply,
  uid: string,
) => Promise<{ app: Record<Locale, string> } | 'portal' | undefined>;

/** The cookie saying this browser has signed in with a passkey, so the sign-in page offers it first. */
export const PASSKEY_DEVICE_COOKIE = 'hb_passkey';

export function localeOf(request: FastifyRequest): Locale {
  return requestLocale(request);
}

/**
 * Counts a hit on a per-IP bucket; over the limit, answers 429 with Retry-After (RFC 6585 §4) as a
 * page for browsers and `rate_limited` problem+json otherwise, and returns false. The counter is
 * in the database, shared by every server process (`rate-limit.ts`).
 */
export async function withinIpLimit(
  ctx: SigninContext,
  request: FastifyRequest,
  reply: FastifyReply,
  name: string,
  limit: Limit,
  uid: string,
): Promise<boolean> {
  const result = await hitLimit(ctx.db, addressBucket(ctx.keys.bucket, name, request.ip), limit, ctx.clock.now());
  if (result.allowed) return true;
  await tooMany(request, reply, uid, 'limited', result.retryAfterMs);
  return false;
}

/** Answers 429 for a rate limit or a lock. */
export async function tooMany(
  request: FastifyRequest,
  reply: FastifyReply,
  uid: string,
  kind: 'locked' | 'limited',
  retryAfterMs: number,
): Promise<void> {
  reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfterMs / 1000))));
  if (!wantsHtml(request)) throw new ProblemError('rate_limited');
  sendPage(reply, noticePage({ locale: localeOf(request), uid, kind, retryAfterMs }), 429);
}
