/**
 * The citizen portal (`/me`, docs/portal.md): my records by category with lab trends, provision
 * history (資料提供紀錄), revocation, deletion requests (`deletion/`), downloads, and sign-in and
 * sign-out through the authorization server's own session.
 *
 * Routes:
 * - `GET /me`, `/me/records`, `/me/records/:category?page=`, `/me/history?app=&from=&to=`
 * - `GET /me/consents/:id`; `GET|POST /me/consents/:id/revoke`, `GET|POST /me/consents/:id/deletion`
 * - `GET /me/exports/:id`, `/me/deletion-requests/:id`
 * - `GET /me/history.json`, `/me/history.csv`, `/me/records/download?format=records|fhir|mhb`
 * - `GET /me/signin?return=`, `/me/callback`; `POST /me/signout`; `GET /me/signed-out`
 * - `POST /consent/:uid/not-you` (the consent page's "not you?")
 */
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import { issuerOf } from '../auth/provider/routes.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/index.js';
import { registerPortalRoutes } from './routes.js';

export { type ConsentStatus, consentStatus, type Trend, trendsOf } from './model.js';
export { safeReturnPath } from './return-path.js';
export { endSession, sessionCitizen } from './session.js';

export interface PortalDeps {
  config: Config;
  db: Database;
  clock: Clock;
  /** What `registerAuth` returned: the session the portal reads is this provider's. */
  provider: Provider;
}

/**
 * Registers the portal. Call after `registerAuth`.
 *
 * @example
 * ```ts
 * const auth = await registerAuth(app, { config, db, clock });
 * registerCitizenPortal(app, { config, db, clock, provider: auth.provider });
 * ```
 */
export function registerCitizenPortal(app: FastifyInstance, deps: PortalDeps): void {
  const secure = deps.config.publicUrl.startsWith('https://');
  registerPortalRoutes(app, {
    provider: deps.provider,
    db: deps.db,
    clock: deps.clock,
    csrf: { secret: deps.config.secret, secure },
    signin: { issuer: issuerOf(deps.config), secret: deps.config.secret, secure },
    receiptDays: deps.config.deletionReceiptDays,
    scope: { synthetic: deps.config.sandbox },
  });
}
