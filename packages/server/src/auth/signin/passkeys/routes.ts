/**
 * Passkey routes: sign in with a passkey, register one from the offer page, and the script.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { csrfToken, requireCsrf } from '../../../security/csrf.js';
import { localeOf, PASSKEY_DEVICE_COOKIE, type SigninContext, withinIpLimit } from '../context.js';
import { field, interactionOf, sendPage } from '../http.js';
import { IP_PASSKEY_LIMIT } from '../limits.js';
import { findPending, finishPending } from '../pending.js';
import { allowOwnScript } from '../script-policy.js';
import { PASSKEY_SCRIPT_PATH } from '../signin-page.js';
import { renderSignin } from '../signin-routes.js';
import { offerExpiredPage, offerPage } from './offer-page.js';
import { authenticateWithPasskey, PASSKEY_AMR, registerPasskey, registrationOptions } from './passkeys.js';
import { PASSKEY_SCRIPT } from './script.js';

/** A WebAuthn response is a few kilobytes; anything much larger is not one. */
const MAX_CREDENTIAL_CHARS = 16_384;

export function registerPasskeyRoutes(app: FastifyInstance, ctx: SigninContext): void {
  const csrf = requireCsrf(ctx.csrf);

  app.get(PASSKEY_SCRIPT_PATH, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PASSKEY_SCRIPT),
  );

  app.post('/signin/:uid/passkey', { preHandler: csrf, onSend: allowOwnScript }, async (request, reply) => {
    const uid = interactionOf(request);
    if (!(await withinIpLimit(ctx, request, reply, 'passkey', IP_PASSKEY_LIMIT, uid))) return reply;
    const credential = field(request, 'credential');
    const result =
      credential.length > 0 && credential.length <= MAX_CREDENTIAL_CHARS
        ? await authenticateWithPasskey(ctx, uid, credential)
        : undefined;
    if (!result) return renderSignin(ctx, request, reply, uid, { passkeyFailed: true }, 400);
    rememberPasskeyDevice(reply, ctx);
    return ctx.onSignedIn(request, reply, uid, { citizenId: result.citizenId, amr: PASSKEY_AMR });
  });

  app.post('/signin/:uid/passkey/register', { preHandler: csrf, onSend: allowOwnScript }, async (request, reply) => {
    const uid = interactionOf(request);
    const locale = localeOf(request);
    if (!(await withinIpLimit(ctx, request, reply, 'passkey', IP_PASSKEY_LIMIT, uid))) return reply;
    const pending = await findPending(ctx, request, uid);
    if (!pending) return sendPage(reply, offerExpiredPage({ locale, uid }), 400);
    const credential = field(request, 'credential');
    const registered =
      credential.length > 0 &&
      credential.length <= MAX_CREDENTIAL_CHARS &&
      (await registerPasskey(ctx, pending, credential));
    if (!registered) {
      const options = await registrationOptions(ctx, pending);
      const page = offerPage({
        locale,
        uid,
        csrf: csrfToken(request, reply, ctx.csrf),
        creationOptions: JSON.stringify(options),
        failed: true,
      });
      return sendPage(reply, page, 400);
    }
    if (!(await finishPending(ctx, reply, pending))) return sendPage(reply, offerExpiredPage({ locale, uid }), 400);
    // The citizen proved who they are with the card and code; the new passkey is for next time.
    rememberPasskeyDevice(reply, ctx);
    return ctx.onSignedIn(request, reply, uid, { citizenId: pending.citizenId, amr: pending.amr });
  });
}

/**
 * Remembers that this browser signs in with a passkey: a flag, not an identifier (it names no
 * citizen and grants nothing; ASVS V3.4: HttpOnly, SameSite, Secure over TLS).
 */
function rememberPasskeyDevice(reply: FastifyReply, ctx: SigninContext): void {
  reply.setCookie(PASSKEY_DEVICE_COOKIE, '1', {
    path: '/signin',
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.csrf.secure,
    maxAge: 400 * 24 * 3600,
  });
}
