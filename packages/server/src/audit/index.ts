/**
 * The tamper-evident audit log: entries appended in their event's transaction and hash-chained,
 * signed RFC 6962 Merkle checkpoints, inclusion proofs, verification, and retention.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Database } from '../db/index.js';
import { loadExportKeyring } from '../export/keys.js';
import { startAuditJob } from './job.js';
import { yearsToMs } from './limits.js';

export type { JSONWebKeySet } from 'jose';
// Checkpoints are signed with the export signing keys (one key set to manage and publish).
export { ExportKeyError, loadExportKeyring, parseExportSigningKeys } from '../export/keys.js';
export { entryHash, entryHashBytes, GENESIS_HASH } from './chain.js';
export {
  AuditChainError,
  checkpointIfDue,
  latestCheckpoint,
  listCheckpoints,
  type StoredCheckpoint,
  signCheckpoint,
  verifyAuditCheckpoint,
  writeCheckpoint,
} from './checkpoints.js';
export { type AuditJobDeps, runAuditJob } from './job.js';
export {
  CHECKPOINT_EVERY_ENTRIES,
  CHECKPOINT_EVERY_MS,
  DEFAULT_AUDIT_RETENTION_YEARS,
  yearsToMs,
} from './limits.js';
export { AUDIT_EVENT_TYPES, type AuditEventInput, type AuditEventType, appendAudit } from './log.js';
export { AuditProofError, auditProof, type CitizenProof, citizenProof } from './proof.js';
export { type PruneResult, pruneAuditLog } from './prune.js';
export { type AuditVerification, type VerifyAuditOptions, verifyAuditLog } from './verify.js';

export interface AuditDeps {
  config: Config;
  db: Database;
  clock: Clock;
}

/**
 * Starts the audit log's checkpoints and pruning with the app, and stops them when it closes.
 * Checkpoints are signed with the export signing keys, published at `/.well-known/export-jwks.json`.
 *
 * @example
 * ```ts
 * await registerAudit(app, { config, db, clock });
 * ```
 */
export async function registerAudit(app: FastifyInstance, deps: AuditDeps): Promise<void> {
  const keyring = await loadExportKeyring(deps.config.exportSigningKeys);
  const stop = startAuditJob({
    db: deps.db,
    clock: deps.clock,
    keyring,
    retentionMs: yearsToMs(deps.config.auditRetentionYears),
    log: app.log,
  });
  app.addHook('onClose', async () => stop());
}
