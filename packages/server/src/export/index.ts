/**
 * The export service: tickets, files sealed to the device, the provision history, and the public
 * keys files are signed with.
 */
import type { FastifyInstance } from 'fastify';
import type { VerifyAccessDeps } from '../auth/resource/verify-access.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/index.js';
import { registerExportCors } from './cors.js';
import { loadExportKeyring } from './keys.js';
import { DEFAULT_MAX_CONCURRENT_EXPORTS, ExportGate } from './limits.js';
import { EXPORT_JWKS_PATH } from './metadata.js';
import { registerExportRoutes } from './routes.js';
import { registerTestFileRoutes } from './test-files.js';
import { purgeExpiredTickets } from './tickets.js';

export { type ExportEntry, listExports } from './history.js';
export { EXPORTS_PER_DAY, TICKETS_PER_DAY } from './limits.js';
export { EXPORT_JWKS_PATH, exportDiscoveryMetadata } from './metadata.js';
export { EXPORT_FILE_MEDIA_TYPE } from './routes.js';
export { TICKET_LIFETIME_MS } from './tickets.js';

export interface ExportDeps {
  config: Config;
  db: Database;
  clock: Clock;
  /** What `registerAuth` returned as `access`: the access-token and proof checks. */
  access: VerifyAccessDeps;
  /** Files one process makes at once before answering `export_busy` (default 32). */
  maxConcurrentExports?: number;
}

/** How often expired tickets are deleted. */
const PURGE_INTERVAL_MS = 60 * 60_000;

/**
 * Registers the export API. Call after `registerAuth`.
 *
 * @example
 * ```ts
 * const auth = await registerAuth(app, { config, db, clock });
 * await registerExport(app, { config, db, clock, access: auth.access });
 * ```
 */
export async function registerExport(app: FastifyInstance, deps: ExportDeps): Promise<void> {
  const keyring = await loadExportKeyring(deps.config.exportSigningKeys);
  const gate = new ExportGate(deps.maxConcurrentExports ?? DEFAULT_MAX_CONCURRENT_EXPORTS);
  registerExportCors(app, EXPORT_JWKS_PATH);
  registerExportRoutes(app, { ...deps, keyring, gate });
  // The integration checklist's tampered files belong to the sandbox alone.
  if (deps.config.sandbox) registerTestFileRoutes(app, { ...deps, keyring });
  const timer = setInterval(() => {
    purgeExpiredTickets(deps.db, deps.clock.now()).catch((error: unknown) =>
      app.log.warn({ err: error }, 'export ticket purge failed'),
    );
  }, PURGE_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
