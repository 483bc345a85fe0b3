/**
 * The sign-in page (each method registers its own routes; the page shows the ones configured).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { csrfToken } from '../../security/csrf.js';
import { mintChallenge } from './challenges.js';
import { localeOf, PASSKEY_DEVICE_COOKIE, type SigninContext } from './context.js';
import { interactionOf, rememberLocale, sendPage } from './http.js';
import { WEBAUTHN_CHALLENGE_TTL_MS, WEBAUTHN_TIMEOUT_MS } from './limits.js';
import { personaChoices } from './personas/personas.js';
import { allowOwnScript } from './script-policy.js';
import { type NhiFormErrors, type NhiFormValues, signinPage } from './signin-page.js';

export interface SigninPageState {
  form?: { values: NhiFormValues; errors: NhiFormErrors };
  personaError?: boolean;
  passkeyFailed?: boolean;
}

/** Renders the sign-in page for interaction `uid`, with a fresh passkey challenge (stateless). */
export async function renderSignin(
  ctx: SigninContext,
  request: FastifyRequest,
  reply: FastifyReply,
  uid: string,
  state: SigninPageState = {},
  status = 200,
): Promise<FastifyReply> {
  const locale = localeOf(request);
  const challenge = mintChallenge(
    ctx.keys.challenge,
    { purpose: 'passkey.get', binding: uid },
    ctx.clock.now(),
    WEBAUTHN_CHALLENGE_TTL_MS,
  );
  const csrf = csrfToken(request, reply, ctx.csrf);
  const requester = await ctx.requester?.(request, reply, uid);
  const page = signinPage({
    locale,
    uid,
    csrf,
    ...(requester === 'portal' ? { forPortal: true } : requester ? { appName: requester.app[locale] } : {}),
    passkeyFirst: request.cookies[PASSKEY_DEVICE_COOKIE] === '1',
    sandbox: ctx.config.sandbox,
    personas: ctx.config.sandbox
      ? {
          choices: await personaChoices(ctx.db),
          // Synthetic IDs are shown in a development sandbox; a public (production) sandbox masks them.
          showIds: ctx.config.environment !== 'production',
          error: state.personaError,
        }
      : undefined,
    form: state.form,
    passkey: { challenge, rpId: ctx.rp.id, timeoutMs: WEBAUTHN_TIMEOUT_MS, failed: state.passkeyFailed },
    upstream: ctx.upstreamSection?.(request, { locale, uid, csrf }),
  });
  return sendPage(reply, page, status);
}

export function registerSigninPage(app: FastifyInstance, ctx: SigninContext): void {
  app.get('/signin/:uid', { onSend: allowOwnScript }, async (request, reply) => {
    const uid = interactionOf(request);
    rememberLocale(request, reply);
    return renderSignin(ctx, request, reply, uid);
  });
}
