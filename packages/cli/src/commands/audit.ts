// The audit entry point alone: verifying needs no authorization server.
import { readFile } from 'node:fs/promises';
import { type AuditProof, checkAuditProof, isAuditProof } from '@healthbank/records';
import {
  AuditChainError,
  AuditProofError,
  auditProof,
  DEFAULT_AUDIT_RETENTION_YEARS,
  ExportKeyError,
  type JSONWebKeySet,
  loadExportKeyring,
  parseExportSigningKeys,
  pruneAuditLog,
  verifyAuditCheckpoint,
  verifyAuditLog,
  writeCheckpoint,
  yearsToMs,
} from '@healthbank/server/audit';
import { withDatabase } from '../database.js';
import { CliError } from '../errors.js';
import { type CliIo, writeJson } from '../io.js';
import { ProgressBar } from '../progress.js';

const count = new Intl.NumberFormat('en-US');
const entries = (n: number) => `${count.format(n)} ${n === 1 ? 'entry' : 'entries'}`;

/** The platform's signing keys, as configured (`HEALTHBANK_EXPORT_SIGNING_KEYS`, else development). */
async function configuredKeyring(io: CliIo) {
  try {
    return await loadExportKeyring(parseExportSigningKeys(io.env.HEALTHBANK_EXPORT_SIGNING_KEYS));
  } catch (error) {
    if (error instanceof ExportKeyError) throw new CliError(error.message);
    throw error;
  }
}

/** The public keys checkpoints are checked with: a published JWKS file, else the configured set. */
async function publishedKeys(io: CliIo, file: string | undefined): Promise<JSONWebKeySet> {
  if (file === undefined) return (await configuredKeyring(io)).jwks;
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the key set ${file}: ${(error as Error).message}`);
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new CliError(`${file} is not a JWK Set ({"keys": [...]})`);
  return value as JSONWebKeySet;
}

/** `AUDIT_RETENTION_YEARS` as the server reads it (default 6). */
function retentionMs(io: CliIo): number {
  const raw = io.env.AUDIT_RETENTION_YEARS;
  const years = raw === undefined || raw === '' ? DEFAULT_AUDIT_RETENTION_YEARS : Number(raw);
  if (!Number.isInteger(years) || years < 1 || years > 100) {
    throw new CliError(`AUDIT_RETENTION_YEARS must be a whole number of years from 1 to 100 (got ${raw})`);
  }
  return yearsToMs(years);
}

function positiveInteger(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1)
    throw new CliError(`${what} must be a positive whole number (got ${value})`);
  return n;
}

/**
 * `healthbank audit verify`: checks the whole chain and every checkpoint (signature, chain head,
 * Merkle root). Exit 0 with a one-line summary; exit 1 naming the first bad entry (a broken log is
 * a failure of the system, not bad input). A progress bar on a terminal.
 */
export async function auditVerifyCommand(io: CliIo, opts: { database?: string; jwks?: string }): Promise<void> {
  const jwks = await publishedKeys(io, opts.jwks);
  const retention = retentionMs(io);
  let bar: ProgressBar | undefined;
  const result = await withDatabase(
    io,
    opts.database,
    (db) =>
      verifyAuditLog(db, {
        jwks,
        retentionMs: retention,
        onProgress: io.stderr.isTTY
          ? (checked, total) => {
              bar ??= new ProgressBar({ total, unit: 'entries', stream: io.stderr });
              bar.update(checked);
            }
          : undefined,
      }),
    { existing: true },
  );
  bar?.finish();
  if (!result.ok) {
    throw new CliError(
      `audit log broken at entry ${result.seq}: ${result.reason} (${count.format(result.entries)} entries before it verified)`,
      1,
    );
  }
  if (result.entries === 0 && result.prunedUpTo === null) {
    io.stdout.write('audit log verified: no entries yet\n');
    return;
  }
  const parts = [
    `audit log verified: ${entries(result.entries)}, last ${result.lastSeq} (${result.lastHash})`,
    `${count.format(result.checkpoints)} signed checkpoint${result.checkpoints === 1 ? '' : 's'}`,
  ];
  if (result.prunedUpTo !== null) parts.push(`pruned up to entry ${result.prunedUpTo}`);
  io.stdout.write(`${parts.join(', ')}\n`);
}

/** `healthbank audit checkpoint`: signs a checkpoint over the log now (the server also does, periodically). */
export async function auditCheckpointCommand(io: CliIo, opts: { database?: string }): Promise<void> {
  const keyring = await configuredKeyring(io);
  const checkpoint = await withDatabase(
    io,
    opts.database,
    async (db) => {
      try {
        return await writeCheckpoint(db, keyring, Date.now());
      } catch (error) {
        if (error instanceof AuditChainError) throw new CliError(error.message, 1);
        throw error;
      }
    },
    { existing: true },
  );
  io.stdout.write(
    checkpoint
      ? `checkpoint signed: ${entries(checkpoint.tree_size)}, root ${checkpoint.root_hash} (key ${keyring.signing.kid})\n`
      : 'no checkpoint needed: the latest one covers the whole log\n',
  );
}

/** `healthbank audit proof <seq>`: prints the inclusion proof of one entry as JSON. */
export async function auditProofCommand(
  io: CliIo,
  seqArg: string,
  opts: { database?: string; treeSize?: string },
): Promise<void> {
  const seq = positiveInteger(seqArg, 'the entry number');
  const treeSize = opts.treeSize === undefined ? undefined : positiveInteger(opts.treeSize, '--tree-size');
  const proof = await withDatabase(
    io,
    opts.database,
    async (db) => {
      try {
        return await auditProof(db, seq, treeSize);
      } catch (error) {
        if (error instanceof AuditProofError) {
          const hint = error.code === 'not_checkpointed' ? ' (healthbank audit checkpoint)' : '';
          throw new CliError(`${error.message}${hint}`);
        }
        if (error instanceof AuditChainError) throw new CliError(error.message, 1);
        throw error;
      }
    },
    { existing: true },
  );
  writeJson(io, proof);
}

/**
 * `healthbank audit check-proof <file>`: checks a proof without the database: the entry's hash,
 * its audit path to the checkpoint's root, and the checkpoint's signature by a published key.
 * Exit 0 with what it proves, 1 when it does not hold, 2 when the file is no proof.
 */
export async function auditCheckProofCommand(io: CliIo, file: string, opts: { jwks?: string }): Promise<void> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`cannot read the proof ${file}: ${(error as Error).message}`);
  }
  if (!isAuditProof(value))
    throw new CliError(`${file} is not an audit proof (healthbank audit proof <seq> makes one)`);
  const proof: AuditProof = value;
  const jwks = await publishedKeys(io, opts.jwks);
  const check = checkAuditProof(proof);
  if (!check.ok) throw new CliError(`proof does not hold: ${check.reason}`, 1);
  if (!(await verifyAuditCheckpoint(proof.checkpoint.jws, jwks))) {
    throw new CliError('proof does not hold: the checkpoint is not signed by a published key', 1);
  }
  const { entry, checkpoint } = proof;
  io.stdout.write(
    `proof holds: entry ${entry.seq} (${entry.type}, ${new Date(entry.at).toISOString()}) is in the log of ` +
      `${count.format(checkpoint.tree_size)} entries signed at ${new Date(checkpoint.time).toISOString()}\n`,
  );
}

/** `healthbank audit prune`: deletes entries past the retention period (the server does it daily). */
export async function auditPruneCommand(io: CliIo, opts: { database?: string }): Promise<void> {
  const retention = retentionMs(io);
  const result = await withDatabase(
    io,
    opts.database,
    (db) => pruneAuditLog(db, { now: Date.now(), retentionMs: retention }),
    {
      existing: true,
    },
  );
  io.stdout.write(
    result.deleted > 0
      ? `pruned ${entries(result.deleted)}: the log now starts after entry ${result.anchoredAt}\n`
      : 'nothing to prune: no checkpointed entries are past the retention period\n',
  );
}
