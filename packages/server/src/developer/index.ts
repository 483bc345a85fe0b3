/**
 * The developer portal (`/developers`): organisations register, their developers sign in, apply
 * for apps (phase 1 gives a sandbox client at once), pass the integration test the platform checks
 * from its audit log, and submit their security report for review (phase 2).
 */
import type { FastifyInstance } from 'fastify';
import { issuerOf } from '../auth/provider/routes.js';
import type { StaffCodeChannel } from '../auth/staff/channel.js';
import { registerPortalSignin } from '../auth/staff/routes.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/index.js';
import { DEVELOPERS } from './pages.js';
import { registerDeveloperPortal } from './routes.js';

export {
  type Application,
  createApplication,
  findApplication,
  registerOrganisationWithAdmin,
  submitApplication,
} from './applications.js';
export { checklistComplete, integrationChecklist } from './checklist.js';
export { addNotice, listNotices, type NoticeKind } from './notices.js';

export interface DeveloperDeps {
  config: Config;
  db: Database;
  clock: Clock;
  /** How staff sign-in codes travel (`auth/staff/channel.ts`). */
  staffChannel: StaffCodeChannel;
}

export function registerDeveloper(app: FastifyInstance, deps: DeveloperDeps): void {
  const { config, db, clock } = deps;
  const { gate, csrf } = registerPortalSignin(app, {
    kind: 'developer',
    base: DEVELOPERS,
    db,
    clock,
    channel: deps.staffChannel,
    config,
    portalName: '健康存摺 開發者專區',
    // Developers may add a passkey; the code still works.
    passkeysRequired: false,
  });
  const issuer = issuerOf(config);
  const sandbox = config.sandboxRealm ? issuerOf(config.sandboxRealm) : issuer;
  registerDeveloperPortal(app, { db, clock, csrf, gate, issuers: { sandbox, production: issuer } });
}
