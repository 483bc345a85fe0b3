/**
 * The reviewer console (`/review`): the platform's reviewers decide applications (production
 * credentials on approval), suspend and resume live apps, watch security-report expiry and overdue
 * deletion requests, and search the audit log.
 */
import type { FastifyInstance } from 'fastify';
import type { StaffCodeChannel } from '../auth/staff/channel.js';
import { registerPortalSignin } from '../auth/staff/routes.js';
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
  const { gate, csrf } = registerPortalSignin(app, {
    kind: 'reviewer',
    base: REVIEW,
    db,
    clock,
    channel: deps.staffChannel,
    config,
    portalName: '健康存摺 審查後台',
    // Reviewers decide who reaches real citizens' records: passkeys only.
    passkeysRequired: true,
  });
  registerReviewRoutes(app, { db, clock, csrf, gate });

  const timer = setInterval(() => {
    runReportExpiry(db, clock).catch((error: unknown) => app.log.warn({ err: error }, 'report expiry check failed'));
  }, EXPIRY_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
