/**
 * Citizen sign-in, pluggable: NHI card details plus a one-time code, passkeys (WebAuthn), and in
 * the sandbox a persona picker. The routes serve OIDC interactions: the authorization server
 * sends the login prompt to `GET /signin/:uid`, and once the citizen is known `onSignedIn` hands
 * the result back to it.
 *
 * Routes (`:uid` is the interaction id):
 * - `GET  /signin/:uid` — the sign-in page
 * - `POST /signin/:uid/nhi` — `_csrf nationalId cardNumber birthYear birthMonth birthDay` → 303 to the code page
 * - `GET  /signin/:uid/code?c=…` — the code page; `POST /signin/:uid/code` — `_csrf c code`
 * - `GET  /signin/:uid/passkey-offer` — "set up a passkey?"; `POST /signin/:uid/continue` — `_csrf`
 * - `POST /signin/:uid/passkey/register` — `_csrf credential` (RegistrationResponseJSON)
 * - `POST /signin/:uid/passkey` — `_csrf credential` (AuthenticationResponseJSON)
 * - `POST /signin/:uid/persona` — `_csrf nationalId`, sandbox only
 * - `POST /signin/:uid/upstream` — `_csrf` → 303 to the upstream identity provider, when configured;
 *   `GET /signin/upstream/callback` — its answer (see `upstream/`)
 * - `GET  /assets/signin-passkey.js` — the passkey script
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config/config.js';
import type { Database } from '../../db/index.js';
import type { MessageChannel } from './codes/channel.js';
import { OneTimeCodes } from './codes/codes.js';
import { createMessageChannel } from './codes/message-channel.js';
import { shownCodeKey } from './codes/shown-codes.js';
import type { OnSignedIn, SigninContext, SigninRequester } from './context.js';
import { deriveSigninKeys } from './keys.js';
import { registerNhiRoutes } from './nhi/routes.js';
import { registerPasskeyRoutes } from './passkeys/routes.js';
import { registerPersonaRoute } from './personas/routes.js';
import { purgeSigninState } from './purge.js';
import { registerSigninPage } from './signin-routes.js';
import { registerUpstreamSignin } from './upstream/index.js';

export type { CodeMessage, MessageChannel } from './codes/channel.js';
export type { OnSignedIn, SignedIn, SigninRequester } from './context.js';
export { NHI_CARD_AMR } from './nhi/routes.js';
export { PASSKEY_AMR } from './passkeys/passkeys.js';
export { SANDBOX_AMR } from './personas/routes.js';
export { UPSTREAM_CALLBACK_PATH, UPSTREAM_FALLBACK_AMR, upstreamRedirectUri } from './upstream/index.js';

export interface SigninDeps {
  db: Database;
  config: Config;
  clock: Clock;
  /**
   * Delivers one-time codes. Default: `createMessageChannel`, e-mail and SMS as `config.messaging`
   * configures them, else (development, test) the server log. In a sandbox codes are also shown on
   * the code page. Production outside a sandbox needs one or the other.
   */
  channel?: MessageChannel;
  /**
   * How the upstream identity provider (`config.upstreamOidc`) is reached. Default: the global
   * fetch, verifying TLS against the system's CAs and `NODE_EXTRA_CA_CERTS`.
   */
  upstreamFetch?: typeof fetch;
  onSignedIn: OnSignedIn;
  /** Names the app (or the portal) on the sign-in page. */
  requester?: SigninRequester;
}

/** How often expired sign-in state is deleted. */
const PURGE_INTERVAL_MS = 15 * 60_000;

/**
 * Registers the sign-in routes.
 *
 * @example
 * ```ts
 * registerSignin(app, {
 *   db, config, clock: systemClock,
 *   onSignedIn: (request, reply, uid, { citizenId, amr }) => finishLogin(request, reply, uid, citizenId, amr),
 * });
 * ```
 */
export function registerSignin(app: FastifyInstance, deps: SigninDeps): void {
  const { config } = deps;
  const configured = config.messaging.smtp !== undefined || config.messaging.sms !== undefined;
  if (!deps.channel && !configured && config.environment === 'production' && !config.sandbox) {
    // ASVS V14.1 / habit 5: production refuses development settings; codes in a log are one.
    throw new Error('production sign-in needs a message channel for one-time codes (a sandbox may use the log)');
  }
  const publicUrl = new URL(config.publicUrl);
  const ctx: SigninContext = {
    db: deps.db,
    config,
    clock: deps.clock,
    keys: deriveSigninKeys(config.secret),
    csrf: { secret: config.secret, secure: publicUrl.protocol === 'https:' },
    rp: { id: publicUrl.hostname, origin: publicUrl.origin, name: '健康存摺 My Health Bank' },
    onSignedIn: deps.onSignedIn,
    ...(deps.requester ? { requester: deps.requester } : {}),
  };
  const base = deps.channel ?? createMessageChannel({ config, db: deps.db, log: app.log });
  const codes = new OneTimeCodes({
    db: deps.db,
    clock: deps.clock,
    keys: ctx.keys,
    channel: base,
    onDeliveryError: (error) => app.log.error({ err: error }, 'one-time code delivery failed'),
    scope: { synthetic: config.sandbox },
    // The sandbox shows codes on the page, kept in the database so any server process can.
    ...(config.sandbox ? { shownCodeKey: shownCodeKey(config.secret) } : {}),
  });

  if (config.upstreamOidc) {
    ctx.upstreamSection = registerUpstreamSignin(app, ctx, {
      settings: config.upstreamOidc,
      ...(deps.upstreamFetch ? { fetch: deps.upstreamFetch } : {}),
    });
  }
  registerSigninPage(app, ctx);
  registerPersonaRoute(app, ctx);
  registerNhiRoutes(app, ctx, { codes });
  registerPasskeyRoutes(app, ctx);

  const timer = setInterval(() => {
    purgeSigninState(deps.db, deps.clock.now()).catch((error: unknown) =>
      app.log.warn({ err: error }, 'sign-in state purge failed'),
    );
  }, PURGE_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
