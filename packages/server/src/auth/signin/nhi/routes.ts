/**
 * NHI card sign-in: the details form → a code → the passkey offer → back to the authorization
 * server. Every POST carries a CSRF token and answers with a redirect or a page; GETs only render.
 */
import type { FastifyInstance } from 'fastify';
import { csrfToken, requireCsrf } from '../../../security/csrf.js';
import { type CodeDestination, type CodeError, codePage } from '../codes/code-page.js';
import { CHALLENGE_ID, type OneTimeCodes } from '../codes/codes.js';
import { localeOf, type SigninContext, tooMany, withinIpLimit } from '../context.js';
import { field, interactionOf, rememberLocale, seeOther, sendPage } from '../http.js';
import { CODE_DIGITS, IP_CODE_ENTRY_LIMIT, IP_CODE_REQUEST_LIMIT } from '../limits.js';
import { offerExpiredPage, offerPage } from '../passkeys/offer-page.js';
import { registrationOptions } from '../passkeys/passkeys.js';
import { findPending, finishPending, startPending } from '../pending.js';
import { allowOwnScript } from '../script-policy.js';
import { renderSignin } from '../signin-routes.js';
import { parseNhiForm } from './nhi-form.js';

/** RFC 8176: knowledge of the card's details plus a one-time code. */
export const NHI_CARD_AMR = ['kba', 'otp'];

export interface NhiRouteDeps {
  /** Also where a sandbox's code page finds the code to show (`OneTimeCodes.shownCode`). */
  codes: OneTimeCodes;
}

export function registerNhiRoutes(app: FastifyInstance, ctx: SigninContext, deps: NhiRouteDeps): void {
  const csrf = requireCsrf(ctx.csrf);
  const today = () => new Date(ctx.clock.now()).toISOString().slice(0, 10);

  app.post('/signin/:uid/nhi', { preHandler: csrf, onSend: allowOwnScript }, async (request, reply) => {
    const uid = interactionOf(request);
    if (!(await withinIpLimit(ctx, request, reply, 'code-request', IP_CODE_REQUEST_LIMIT, uid))) return reply;
    const values = {
      nationalId: field(request, 'nationalId'),
      cardNumber: field(request, 'cardNumber'),
      birthYear: field(request, 'birthYear'),
      birthMonth: field(request, 'birthMonth'),
      birthDay: field(request, 'birthDay'),
    };
    const parsed = parseNhiForm(values, today());
    if (!parsed.ok) return renderSignin(ctx, request, reply, uid, { form: { values, errors: parsed.errors } }, 400);
    const outcome = await deps.codes.request(parsed.claim, uid, localeOf(request));
    if (outcome.status !== 'issued') {
      await tooMany(request, reply, uid, outcome.status, outcome.retryAfterMs);
      return reply;
    }
    return seeOther(reply, `/signin/${uid}/code?c=${outcome.challengeId}`);
  });

  app.get('/signin/:uid/code', async (request, reply) => {
    const uid = interactionOf(request);
    const { c } = request.query as { c?: unknown };
    // A missing or malformed challenge means the citizen should start over.
    if (typeof c !== 'string' || !CHALLENGE_ID.test(c)) return seeOther(reply, `/signin/${uid}`);
    rememberLocale(request, reply);
    return sendPage(
      reply,
      codePage({
        locale: localeOf(request),
        uid,
        csrf: csrfToken(request, reply, ctx.csrf),
        challengeId: c,
        sandboxCode: await deps.codes.shownCode(c),
        destinations: codeDestinations(ctx),
      }),
    );
  });

  app.post('/signin/:uid/code', { preHandler: csrf }, async (request, reply) => {
    const uid = interactionOf(request);
    if (!(await withinIpLimit(ctx, request, reply, 'code-entry', IP_CODE_ENTRY_LIMIT, uid))) return reply;
    const challengeId = field(request, 'c');
    if (!CHALLENGE_ID.test(challengeId)) return seeOther(reply, `/signin/${uid}`);
    const code = field(request, 'code').normalize('NFKC').replace(/\s/g, '');
    const again = async (error: CodeError) =>
      sendPage(
        reply,
        codePage({
          locale: localeOf(request),
          uid,
          csrf: csrfToken(request, reply, ctx.csrf),
          challengeId,
          sandboxCode: await deps.codes.shownCode(challengeId),
          destinations: codeDestinations(ctx),
          error,
        }),
        400,
      );
    // A typo in the shape is not a guess: it is not counted against the citizen.
    if (!new RegExp(`^\\d{${CODE_DIGITS}}$`).test(code)) return again('format');
    const outcome = await deps.codes.check(challengeId, code, uid);
    switch (outcome.status) {
      case 'signed_in':
        await startPending(ctx, reply, uid, { citizenId: outcome.citizenId, amr: NHI_CARD_AMR });
        return seeOther(reply, `/signin/${uid}/passkey-offer`);
      case 'locked':
        await tooMany(request, reply, uid, 'locked', outcome.retryAfterMs);
        return reply;
      case 'wrong':
      case 'expired':
        return again(outcome.status);
    }
  });

  app.get('/signin/:uid/passkey-offer', { onSend: allowOwnScript }, async (request, reply) => {
    const uid = interactionOf(request);
    rememberLocale(request, reply);
    const locale = localeOf(request);
    const pending = await findPending(ctx, request, uid);
    if (!pending) return sendPage(reply, offerExpiredPage({ locale, uid }), 400);
    const options = await registrationOptions(ctx, pending);
    return sendPage(
      reply,
      offerPage({ locale, uid, csrf: csrfToken(request, reply, ctx.csrf), creationOptions: JSON.stringify(options) }),
    );
  });

  app.post('/signin/:uid/continue', { preHandler: csrf }, async (request, reply) => {
    const uid = interactionOf(request);
    const pending = await findPending(ctx, request, uid);
    if (!pending || !(await finishPending(ctx, reply, pending))) {
      return sendPage(reply, offerExpiredPage({ locale: localeOf(request), uid }), 400);
    }
    return ctx.onSignedIn(request, reply, uid, { citizenId: pending.citizenId, amr: pending.amr });
  });
}

/** The kinds of address this platform sends codes to (the log of a development sandbox is none). */
function codeDestinations(ctx: SigninContext): CodeDestination[] {
  const { smtp, sms } = ctx.config.messaging;
  return [...(smtp ? (['email'] as const) : []), ...(sms ? (['sms'] as const) : [])];
}
