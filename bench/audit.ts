/**
 * Audit benchmark: `verifyAuditLog` (what `healthbank audit verify` runs) over 1,000,000 entries
 * with a signed checkpoint every 1,000 (what the server writes on a busy day), on SQLite, and on
 * PostgreSQL when HEALTHBANK_BENCH_POSTGRES_URL names a server where scratch databases may be
 * created. Verification checks the chain, every checkpoint's signature and chain head, and the
 * RFC 6962 root at each. The baseline, measured in the same run, is the floor of that work: the
 * same chain hashes and Merkle tree over the same entries in a loop, with nothing read from a
 * database and no signature. Target (issue 10): ≤ 10 s on the 2-core machine. Writes
 * bench/results/audit.json.
 *
 *   node --conditions=@healthbank/source --import tsx bench/audit.ts
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { leafHash, MerkleFrontier } from '../packages/records/src/index.js';
import {
  CHECKPOINT_EVERY_ENTRIES,
  entryHash,
  entryHashBytes,
  GENESIS_HASH,
  verifyAuditLog,
  writeCheckpoint,
} from '../packages/server/src/audit/index.js';
import { createTestDatabase, type TestDatabase } from '../packages/server/src/db/testing.js';
import { developmentExportSigningKeys, loadExportKeyring } from '../packages/server/src/export/keys.js';
import { machineFacts } from './lib/machine.js';
import { progressLine } from './lib/progress.js';
import { round } from './lib/stats.js';
import { formatTable } from './lib/table.js';

const ENTRIES = Number(process.env.HEALTHBANK_BENCH_AUDIT_ENTRIES ?? 1_000_000);
const INSERT_BATCH = 1_000;
const TYPES = ['signin', 'consent.given', 'export.file', 'consent.revoked'] as const;
const T0 = Date.UTC(2026, 0, 1);

/** Entry `seq`, as a busy platform writes them: mostly exports, each with a digest and details. */
function fieldsOf(seq: number) {
  const type = TYPES[seq % TYPES.length] as string;
  return {
    seq,
    at: T0 + seq * 37,
    type,
    citizenId: 1 + (seq % 200_000),
    clientId: `app-${seq % 40}`,
    subject:
      type === 'export.file'
        ? `exp_${seq.toString(36).padStart(22, '0')}`
        : `cns_${(seq >> 2).toString(36).padStart(22, '0')}`,
    digest: type === 'export.file' ? 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg' : null,
    details:
      type === 'export.file' ? '{"format":"records","categories":"lab outpatient","content_length":48213}' : null,
  };
}

interface Row {
  seq: number;
  at: number;
  type: string;
  citizen_id: number;
  client_id: string;
  subject: string;
  digest: string | null;
  details: string | null;
  prev_hash: string;
  hash: string;
}

const keyring = await loadExportKeyring(developmentExportSigningKeys());

/**
 * Writes a valid chain of ENTRIES entries straight into the table (the triggers refuse only UPDATE
 * and DELETE), with a checkpoint every CHECKPOINT_EVERY_ENTRIES, as the server's job would.
 */
async function fill(t: TestDatabase): Promise<number> {
  const started = performance.now();
  const progress = progressLine(`writing ${ENTRIES.toLocaleString('en-US')} entries (${t.db.dialect})`, 0, ENTRIES);
  let prev = GENESIS_HASH;
  for (let from = 1; from <= ENTRIES; from += INSERT_BATCH) {
    const rows: Row[] = [];
    for (let seq = from; seq < from + INSERT_BATCH && seq <= ENTRIES; seq++) {
      const f = fieldsOf(seq);
      const hash = entryHash(prev, f);
      rows.push({
        seq,
        at: f.at,
        type: f.type,
        citizen_id: f.citizenId,
        client_id: f.clientId,
        subject: f.subject,
        digest: f.digest,
        details: f.details,
        prev_hash: prev,
        hash,
      });
      prev = hash;
    }
    await t.db.kysely
      .transaction()
      .execute((trx) => trx.withTables<{ audit_log: Row }>().insertInto('audit_log').values(rows).execute());
    const written = Math.min(from + INSERT_BATCH - 1, ENTRIES);
    if (written % CHECKPOINT_EVERY_ENTRIES === 0 || written === ENTRIES) {
      await writeCheckpoint(t.db, keyring, T0 + written * 37);
    }
    progress.update(Math.min(from + INSERT_BATCH - 1, ENTRIES), '');
  }
  progress.end();
  return (performance.now() - started) / 1000;
}

/** The floor: the same chain and Merkle hashing with no database. */
function hashOnly(): number {
  const started = performance.now();
  let prev = GENESIS_HASH;
  const tree = new MerkleFrontier();
  for (let seq = 1; seq <= ENTRIES; seq++) {
    const hash = entryHashBytes(prev, fieldsOf(seq));
    tree.push(leafHash(hash));
    prev = hash.toString('base64url');
    if (seq % CHECKPOINT_EVERY_ENTRIES === 0) tree.root();
  }
  return (performance.now() - started) / 1000;
}

async function measure(t: TestDatabase) {
  const fillSeconds = await fill(t);
  const started = performance.now();
  const result = await verifyAuditLog(t.db, { jwks: keyring.jwks });
  const verifySeconds = (performance.now() - started) / 1000;
  if (
    !result.ok ||
    result.entries !== ENTRIES ||
    result.checkpoints !== Math.ceil(ENTRIES / CHECKPOINT_EVERY_ENTRIES)
  ) {
    throw new Error(`verification failed: ${JSON.stringify(result)}`);
  }
  return {
    fillSeconds: round(fillSeconds),
    verifySeconds: round(verifySeconds),
    checkpoints: result.checkpoints,
    entriesPerSecond: Math.round(ENTRIES / verifySeconds),
  };
}

const targets = [
  { dialect: 'sqlite' as const, label: 'sqlite' },
  ...(process.env.HEALTHBANK_BENCH_POSTGRES_URL
    ? [{ dialect: 'postgres' as const, label: 'postgres', serverUrl: process.env.HEALTHBANK_BENCH_POSTGRES_URL }]
    : []),
];
const floorSeconds = round(hashOnly());
const results: Record<string, Awaited<ReturnType<typeof measure>> | 'skipped'> = { postgres: 'skipped' };
for (const target of targets) {
  const t = await createTestDatabase(target, { prefix: 'healthbank_bench_audit' });
  try {
    results[target.label] = await measure(t);
  } finally {
    await t.dispose();
  }
}

const out = {
  measuredAt: new Date().toISOString(),
  machine: machineFacts(),
  settings: { entries: ENTRIES, checkpointEvery: CHECKPOINT_EVERY_ENTRIES, targetSeconds: 10 },
  floor: { hashOnlySeconds: floorSeconds },
  results,
};
await writeFile(join(import.meta.dirname, 'results', 'audit.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(
  formatTable(
    `audit verify over ${ENTRIES.toLocaleString('en-US')} entries (target ≤ 10 s)`,
    ['database', 'verify s', '× hashing floor', 'entries/s', 'writing s'],
    Object.entries(results).map(([label, r]) =>
      r === 'skipped'
        ? [label, 'skipped (set HEALTHBANK_BENCH_POSTGRES_URL)']
        : [label, r.verifySeconds, round(r.verifySeconds / floorSeconds), r.entriesPerSecond, r.fillSeconds],
    ),
  ),
);
