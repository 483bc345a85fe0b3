/**
 * The reviewer console (`/review`): the platform's reviewers decide applications (production
 * credentials on approval), suspend and resume live apps, watch security-report expiry and overdue
 * deletion requests, and search the audit log.
 */
import type { FastifyInstance } from 'fastify';
import type { StaffCodeChannel } from '../auth/staff/channel.js';
import { registerStaffSignin } from '../auth/staff/routes.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/index.js';
import { EXPIRY_INTERVAL_MS, runReportExpiry } from './expiry.js';
import { REVIEW } from './pages.js';
import { registerReviewRoutes } from './routes.js';

export { approveApplication, findApplicationForReview, rejectApplication, setLiveAppStatus } from './decisions.js';
export { EXPIRY_WARNING_DAYS, runReportExpiry } from './expiry.js';
export { addReviewer, ReviewerError, type ReviewerInput } from './reviewers.js';
export { type AuditQuery, searchAudit } from './search.js';

export interface ReviewDeps {
  config: Config;
  db: Database;
  clock: Clock;
  staffChannel: StaffCodeChannel;
}

export function registerReview(app: FastifyInstance, deps: ReviewDeps): void {
  const { config, db, clock } = deps;
  const csrf = { secret: config.secret, secure: config.publicUrl.startsWith('https://') };
  const gate = registerStaffSignin(app, {
    kind: 'reviewer',
    base: REVIEW,
    db,
    clock,
    csrf,
    secret: config.secret,
    channel: deps.staffChannel,
    showCodes: config.environment !== 'production',
    // WebAuthn §13.4.9: our public host is the RP ID and our public origin the only origin.
    passkeys: {
      rp: {
        id: new URL(config.publicUrl).hostname,
        origin: new URL(config.publicUrl).origin,
        name: '健康存摺 審查後台',
      },
      required: true,
    },
  });
  registerReviewRoutes(app, { db, clock, csrf, gate });

  const timer = setInterval(() => {
    runReportExpiry(db, clock).catch((error: unknown) => app.log.warn({ err: error }, 'report expiry check failed'));
  }, EXPIRY_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
