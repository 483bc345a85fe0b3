// The audit entry point alone: verifying needs no authorization server.
import { verifyAuditLog } from '@healthbank/server/audit';
import { withDatabase } from '../database.js';
import { CliError } from '../errors.js';
import type { CliIo } from '../io.js';

const count = new Intl.NumberFormat('en-US');

/**
 * `healthbank audit verify`: checks the whole hash chain. Exit 0 with a summary; exit 1 naming the
 * first bad entry (a broken log is a failure of the system, not bad input).
 */
export async function auditVerifyCommand(io: CliIo, opts: { database?: string }): Promise<void> {
  const result = await withDatabase(io, opts.database, (db) => verifyAuditLog(db), { existing: true });
  if (!result.ok) {
    throw new CliError(
      `audit log broken at entry ${result.seq}: ${result.reason} (${count.format(result.entries)} entries before it verified)`,
      1,
    );
  }
  io.stdout.write(
    result.entries === 0
      ? 'audit log verified: no entries yet\n'
      : `audit log verified: ${count.format(result.entries)} entries, last ${result.lastSeq} (${result.lastHash})\n`,
  );
}
