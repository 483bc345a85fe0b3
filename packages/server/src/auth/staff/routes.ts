/**
 * Staff sign-in pages, mounted once per portal (`/developers`, `/review`): an e-mail address, then
 * the six-digit code sent to it. Pages are plain forms (no script needed), never cached, and every
 * POST carries a CSRF token.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/config.js';
import type { Database } from '../../db/index.js';
import { ProblemError } from '../../errors/problems.js';
import { type FieldErrors, formErrorSummary, inputField } from '../../pages/form.js';
import { html } from '../../pages/html.js';
import type { Locale } from '../../pages/i18n.js';
import { requestLocale } from '../../pages/request-locale.js';
import { type CsrfOptions, csrfToken, requireCsrf } from '../../security/csrf.js';
import { shownCodeKey } from '../signin/codes/shown-codes.js';
import { csrfField } from '../signin/components.js';
import { deriveSigninKeys } from '../signin/keys.js';
import { addressBucket, hitLimit } from '../signin/rate-limit.js';
import { allowOwnScript } from '../signin/script-policy.js';
import { PASSKEY_SCRIPT_PATH } from '../signin/signin-page.js';
import { findStaffAccount, type StaffAccount } from './accounts.js';
import type { StaffCodeChannel } from './channel.js';
import {
  checkStaffCode,
  requestStaffCode,
  STAFF_ATTEMPTS_PER_ADDRESS,
  STAFF_CHALLENGE_ID,
  STAFF_LOCK_MS,
  shownStaffCode,
  staffCodeKey,
} from './codes.js';
import { staffPage } from './frame.js';
import { staffMessages } from './messages.js';
import {
  authenticateStaffPasskey,
  hasStaffPasskey,
  registerStaffPasskey,
  type StaffPasskeyContext,
  staffPasskeyKeys,
  staffRegistrationOptions,
  staffRequestOptions,
} from './passkeys.js';
import { endStaffSession, staffSession, startStaffSession } from './sessions.js';
import type { StaffKind } from './tables.js';

export interface StaffSigninOptions {
  kind: StaffKind;
  /** `/developers` or `/review`. */
  base: string;
  db: Database;
  clock: Clock;
  csrf: CsrfOptions;
  secret: string;
  channel: StaffCodeChannel;
  /** Sandbox only: the code is shown on the page, as it is for citizens. */
  showCodes: boolean;
  /**
   * Passkey sign-in. `required` (the reviewer console): an e-mail code opens nothing but the
   * enrolment of the account's first passkey, and once it has one, the passkey alone signs in.
   * Otherwise (the developer portal) a passkey is offered beside the code.
   */
  passkeys?: { rp: StaffPasskeyContext['rp']; required: boolean };
}

/** What a portal's routes use to know who is signed in. */
export interface StaffGate {
  /** The signed-in account, or a redirect to the sign-in page (and undefined). */
  require(request: FastifyRequest, reply: FastifyReply): Promise<StaffAccount | undefined>;
  current(request: FastifyRequest): Promise<StaffAccount | undefined>;
  /** Starts a session for an account just created (registration ends signed in only after a code). */
  sendCode(account: StaffAccount, locale: Locale): Promise<string>;
}

export function registerStaffSignin(app: FastifyInstance, o: StaffSigninOptions): StaffGate {
  const key = staffCodeKey(o.secret);
  const required = o.passkeys?.required === true;
  const passkeys: StaffPasskeyContext | undefined = o.passkeys && {
    db: o.db,
    keys: staffPasskeyKeys(o.secret),
    rp: o.passkeys.rp,
  };
  const withScript = { onSend: allowOwnScript };
  // ASVS V6.3.1 / V11.1.4: a bound per client address, beside the per-account lockout. A lockout
  // must hold across server processes, or N of them would allow N times the attempts: the counter
  // is the database's, in the buckets citizens' sign-in limits use (`signin/rate-limit.ts`).
  const bucketKey = deriveSigninKeys(o.secret).bucket;
  const perAddress = { max: STAFF_ATTEMPTS_PER_ADDRESS, windowMs: STAFF_LOCK_MS };
  const limited = {
    preHandler: [
      requireCsrf(o.csrf),
      async (request: FastifyRequest, reply: FastifyReply) => {
        const bucket = addressBucket(bucketKey, `staff-${o.kind}`, request.ip);
        const decision = await hitLimit(o.db, bucket, perAddress, o.clock.now());
        if (decision.allowed) return;
        reply.header('retry-after', String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))));
        throw new ProblemError('rate_limited', 'too many sign-in attempts from this address');
      },
    ],
    onSend: allowOwnScript,
  };
  const portal = o.kind === 'developer' ? 'developer.portal' : 'reviewer.portal';
  // Codes shown outside production are kept sealed beside their challenge, so the code page finds
  // them whichever server process answers it (`signin/codes/shown-codes.ts`).
  const shownKey = o.showCodes ? shownCodeKey(o.secret) : undefined;
  const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').type('text/html; charset=utf-8');

  function deliver(email: string, code: string, locale: Locale) {
    // Not awaited: the answer never waits for the mail relay, so its time tells little about whether
    // the address has an account (ASVS V6.3.8; the page says the same either way).
    void o.channel.deliver(email, { code, locale });
  }

  function signinPage(
    request: FastifyRequest,
    reply: FastifyReply,
    locale: Locale,
    email = '',
    error?: string,
    passkeyFailed = false,
  ) {
    const t = staffMessages(locale);
    const errors: FieldErrors = error ? { email: error } : {};
    const title = t('signin.title', { portal: t(portal) });
    const token = csrfToken(request, reply, o.csrf);
    const passkeySection = passkeys
      ? html`<section class="passkey" data-passkey="get" hidden aria-labelledby="passkey-heading">
<h2 id="passkey-heading">${t('passkey.heading')}</h2><p>${t(required ? 'passkey.intro' : 'passkey.introOptional')}</p>
<p class="field-error" role="alert" data-passkey-status${passkeyFailed ? '' : html` hidden`}>${t('passkey.failed')}</p>
<form method="post" action="${o.base}/signin/passkey">${csrfField(token)}<input type="hidden" name="credential" value="">
<button type="button" class="primary" data-options="${JSON.stringify(staffRequestOptions(passkeys, o.kind, o.clock.now()))}">${t('passkey.button')}</button></form>
</section>${required ? html`<p>${t('passkey.first')}</p>` : ''}`
      : '';
    return noStore(reply)
      .status(error || passkeyFailed ? 400 : 200)
      .send(
        staffPage({
          locale,
          base: o.base,
          title,
          path: `${o.base}/signin`,
          body: html`<h1>${title}</h1>${formErrorSummary(title, errors)}${passkeySection}
<p class="lead">${t('signin.lead')}</p>
<form method="post" action="${o.base}/signin" novalidate>${csrfField(token)}
${inputField({ name: 'email', type: 'email', label: t('signin.email'), value: email, autocomplete: 'email', maxlength: 254, errors, required: true })}
<button type="submit" class="primary">${t('signin.send')}</button></form>
${o.kind === 'developer' ? html`<p>${t('signin.noAccount')} <a href="${o.base}/register">${t('signin.register')}</a></p>` : ''}
${passkeys ? html`<script src="${PASSKEY_SCRIPT_PATH}" defer></script>` : ''}`,
        }),
      );
  }

  async function codePage(
    request: FastifyRequest,
    reply: FastifyReply,
    locale: Locale,
    challengeId: string,
    error?: 'wrong' | 'expired' | 'locked',
  ) {
    const t = staffMessages(locale);
    const errors: FieldErrors = error ? { code: t(`code.${error}`) } : {};
    const visible = shownKey && (await shownStaffCode(o.db, { challengeId, shownKey, now: o.clock.now() }));
    return noStore(reply)
      .status(error ? 400 : 200)
      .send(
        staffPage({
          locale,
          base: o.base,
          title: t('code.title'),
          path: `${o.base}/signin/code?c=${challengeId}`,
          body: html`<h1>${t('code.title')}</h1>${formErrorSummary(t('code.title'), errors)}
<p class="lead">${t('code.lead')}</p>
${visible ? html`<p class="sandbox-code">${t('code.sandbox', { code: visible })}</p>` : ''}
<form method="post" action="${o.base}/signin/code" novalidate>${csrfField(csrfToken(request, reply, o.csrf))}
<input type="hidden" name="challenge" value="${challengeId}">
${inputField({ name: 'code', label: t('code.label'), autocomplete: 'one-time-code', inputmode: 'numeric', maxlength: 6, errors, required: true })}
<button type="submit" class="primary">${t('code.submit')}</button></form>
<p><a href="${o.base}/signin">${t('code.again')}</a></p>`,
        }),
      );
  }

  const guard = { preHandler: requireCsrf(o.csrf) };
  /** A WebAuthn response is a few kilobytes; anything much larger is not one. */
  const MAX_CREDENTIAL_CHARS = 16_384;
  const field = (request: FastifyRequest, name: string) => {
    const value = (request.body as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : '';
  };

  app.get(`${o.base}/signin`, withScript, async (request, reply) => signinPage(request, reply, requestLocale(request)));

  app.post(`${o.base}/signin`, limited, async (request, reply) => {
    const locale = requestLocale(request);
    const email = field(request, 'email').slice(0, 320);
    if (!/^[^@\s]+@[^@\s]+$/.test(email.trim())) {
      return signinPage(request, reply, locale, email, staffMessages(locale)('signin.invalidEmail'));
    }
    const now = o.clock.now();
    const result = await requestStaffCode(o.db, { kind: o.kind, email, key, now, ...(shownKey ? { shownKey } : {}) });
    if (result.delivery) deliver(result.delivery.account.email, result.delivery.code, locale);
    return reply.redirect(`${o.base}/signin/code?c=${result.challengeId}`, 303);
  });

  app.get(`${o.base}/signin/code`, async (request, reply) => {
    const c = (request.query as Record<string, unknown>).c;
    const locale = requestLocale(request);
    if (typeof c !== 'string' || !STAFF_CHALLENGE_ID.test(c)) return reply.redirect(`${o.base}/signin`, 303);
    return codePage(request, reply, locale, c);
  });

  app.post(`${o.base}/signin/code`, limited, async (request, reply) => {
    const locale = requestLocale(request);
    const challengeId = field(request, 'challenge');
    if (!STAFF_CHALLENGE_ID.test(challengeId)) return reply.redirect(`${o.base}/signin`, 303);
    const now = o.clock.now();
    const check = await checkStaffCode(o.db, { challengeId, code: field(request, 'code').trim(), key, now });
    if (!check.ok) return codePage(request, reply, locale, challengeId, check.reason);
    const account = await findStaffAccount(o.db, check.accountId);
    if (!account) return codePage(request, reply, locale, challengeId, 'expired');
    // Where passkeys are required, a code only enrols the first one (ASVS V6.4.x: the weaker
    // factor cannot stand in for the stronger once it exists).
    if (required && (await hasStaffPasskey(o.db, account.id))) {
      return signinPage(request, reply, locale, account.email, staffMessages(locale)('passkey.required'));
    }
    await startStaffSession(o.db, reply, { account, method: 'email_code', now, secure: o.csrf.secure });
    request.log.info({ staff: account.id, kind: account.kind, method: 'email_code' }, 'staff signed in');
    return reply.redirect(required ? `${o.base}/passkey` : o.base, 303);
  });

  if (passkeys) registerPasskeyRoutes(passkeys);

  function enrolPage(
    request: FastifyRequest,
    reply: FastifyReply,
    account: StaffAccount,
    options: unknown,
    failed: boolean,
  ) {
    const locale = requestLocale(request);
    const t = staffMessages(locale);
    const token = csrfToken(request, reply, o.csrf);
    return noStore(reply)
      .status(failed ? 400 : 200)
      .send(
        staffPage({
          locale,
          base: o.base,
          title: t('enrol.title'),
          path: `${o.base}/passkey`,
          account,
          csrf: token,
          body: html`<h1>${t('enrol.title')}</h1><p class="lead">${t(required ? 'enrol.lead' : 'enrol.leadOptional')}</p>
<noscript><p class="notice">${t('enrol.noScript')}</p></noscript>
<section data-passkey="create" hidden aria-label="${t('enrol.title')}">
<p class="field-error" role="alert" data-passkey-status${failed ? '' : html` hidden`}>${t('enrol.failed')}</p>
<form method="post" action="${o.base}/passkey">${csrfField(token)}<input type="hidden" name="credential" value="">
<button type="button" class="primary" data-options="${JSON.stringify(options)}">${t('enrol.button')}</button></form></section>
<script src="${PASSKEY_SCRIPT_PATH}" defer></script>`,
        }),
      );
  }

  function registerPasskeyRoutes(ctx: StaffPasskeyContext) {
    app.post(`${o.base}/signin/passkey`, limited, async (request, reply) => {
      const credential = field(request, 'credential');
      const now = o.clock.now();
      const accountId =
        credential.length > 0 && credential.length <= MAX_CREDENTIAL_CHARS
          ? await authenticateStaffPasskey(ctx, o.kind, credential, now)
          : undefined;
      const account = accountId ? await findStaffAccount(o.db, accountId) : undefined;
      if (!account) return signinPage(request, reply, requestLocale(request), '', undefined, true);
      await startStaffSession(o.db, reply, { account, method: 'passkey', now, secure: o.csrf.secure });
      request.log.info({ staff: account.id, kind: account.kind, method: 'passkey' }, 'staff signed in');
      return reply.redirect(o.base, 303);
    });

    app.get(`${o.base}/passkey`, withScript, async (request, reply) => {
      const session = await currentSession(request);
      if (!session) return reply.redirect(`${o.base}/signin`, 303);
      return enrolPage(
        request,
        reply,
        session.account,
        await staffRegistrationOptions(ctx, session.account, o.clock.now()),
        false,
      );
    });

    app.post(`${o.base}/passkey`, { ...guard, ...withScript }, async (request, reply) => {
      const session = await currentSession(request);
      if (!session) return reply.redirect(`${o.base}/signin`, 303);
      const now = o.clock.now();
      const credential = field(request, 'credential');
      const registered =
        credential.length > 0 &&
        credential.length <= MAX_CREDENTIAL_CHARS &&
        (await registerStaffPasskey(ctx, session.account, credential, now));
      if (!registered) {
        return enrolPage(
          request,
          reply,
          session.account,
          await staffRegistrationOptions(ctx, session.account, now),
          true,
        );
      }
      // The new passkey was just used with user verification: the session becomes a passkey one.
      await endStaffSession(o.db, request, reply, { kind: o.kind, secure: o.csrf.secure });
      await startStaffSession(o.db, reply, { account: session.account, method: 'passkey', now, secure: o.csrf.secure });
      request.log.info({ staff: session.account.id, kind: session.account.kind }, 'staff passkey enrolled');
      return reply.redirect(o.base, 303);
    });
  }

  app.post(`${o.base}/signout`, guard, async (request, reply) => {
    await endStaffSession(o.db, request, reply, { kind: o.kind, secure: o.csrf.secure });
    return reply.redirect(`${o.base}/signin`, 303);
  });

  const currentSession = (request: FastifyRequest) =>
    staffSession(o.db, request, { kind: o.kind, now: o.clock.now(), secure: o.csrf.secure });
  /** The account, when its session is good enough for this portal: a passkey one where passkeys are required. */
  const current = async (request: FastifyRequest) => {
    const session = await currentSession(request);
    return session && (!required || session.method === 'passkey') ? session.account : undefined;
  };
  return {
    current,
    async require(request, reply) {
      const session = await currentSession(request);
      if (session && required && session.method !== 'passkey') {
        reply.redirect(`${o.base}/passkey`, 303);
        return undefined;
      }
      if (!session) {
        reply.redirect(`${o.base}/signin`, 303);
        return undefined;
      }
      return session.account;
    },
    async sendCode(account, locale) {
      const now = o.clock.now();
      const result = await requestStaffCode(o.db, {
        kind: account.kind,
        email: account.email,
        key,
        now,
        ...(shownKey ? { shownKey } : {}),
      });
      if (result.delivery) deliver(result.delivery.account.email, result.delivery.code, locale);
      return result.challengeId;
    },
  };
}

/**
 * A portal's staff sign-in from the deployment's configuration: its CSRF settings, codes shown on
 * the page outside production (the log would show them anyway), and passkeys for our public host
 * and origin (WebAuthn §13.4.9).
 */
export function registerPortalSignin(
  app: FastifyInstance,
  o: Pick<StaffSigninOptions, 'kind' | 'base' | 'db' | 'clock' | 'channel'> & {
    config: Pick<Config, 'secret' | 'publicUrl' | 'environment'>;
    /** The relying party's name, shown by the device. */
    portalName: string;
    passkeysRequired: boolean;
  },
): { gate: StaffGate; csrf: CsrfOptions } {
  const { config } = o;
  const csrf = { secret: config.secret, secure: config.publicUrl.startsWith('https://') };
  const url = new URL(config.publicUrl);
  const gate = registerStaffSignin(app, {
    kind: o.kind,
    base: o.base,
    db: o.db,
    clock: o.clock,
    csrf,
    secret: config.secret,
    channel: o.channel,
    showCodes: config.environment !== 'production',
    passkeys: { rp: { id: url.hostname, origin: url.origin, name: o.portalName }, required: o.passkeysRequired },
  });
  return { gate, csrf };
}
